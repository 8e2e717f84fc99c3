using Microsoft.Playwright;

namespace Platform.AppHost.Tests;

/// <summary>
/// Opens the dashboard's view of one trace in Debian's headless Chromium (through Playwright, which cannot download
/// browsers here) and saves a screenshot once the trace's last span shows.
/// </summary>
public static class DashboardScreenshot
{
    /// <summary>Debian's chromium (deploy/local/test.sh installs it); PLATFORM_CHROMIUM names another Chromium-based browser.</summary>
    private static string Chromium => Environment.GetEnvironmentVariable("PLATFORM_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    /// <summary>
    /// The trace grid scrolls inside the page, so a full-page shot shows no more than the viewport: it is made tall
    /// enough for every row of the trace (header, then about 33 pixels a span at this width, with room for a few
    /// spans that arrive after the count).
    /// </summary>
    private static int ViewportHeight(int spans) => Math.Max(1200, 240 + 33 * (spans + 10));

    public static async Task SaveTraceAsync(Uri login, Uri dashboard, string traceId, int spans, string expectedText, string file)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless=new", "--no-sandbox"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = ViewportHeight(spans) } });
        await page.GotoAsync(login.ToString()); // the browser token sets the dashboard's cookie
        await page.GotoAsync(new Uri(dashboard, $"traces/detail/{traceId}").ToString());
        await page.GetByText(expectedText).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
    }
}
