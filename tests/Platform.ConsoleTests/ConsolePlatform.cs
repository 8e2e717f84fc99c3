using Microsoft.Playwright;
using Platform.Tests;

namespace Platform.ConsoleTests;

/// <summary>
/// The embedded default (the console mounted at /console) with an operator key and a reader key, and Debian's headless
/// Chromium driven by Playwright (which cannot download browsers here). Screenshots go to TestResults/console/.
/// </summary>
public sealed class ConsolePlatform : IAsyncLifetime
{
    public const string OperatorKey = "console-test-operator-key";
    public const string ReaderKey = "console-test-reader-key";

    /// <summary>Debian's chromium (deploy/local/test.sh installs it); PLATFORM_CHROMIUM names another Chromium-based browser.</summary>
    private static string Chromium => Environment.GetEnvironmentVariable("PLATFORM_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    private StandaloneProcess? _process;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public StandaloneProcess Process => _process ?? throw new InvalidOperationException("Not started.");
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public static string Screenshots => Path.Combine(AppContext.BaseDirectory, "TestResults", "console");

    public async Task InitializeAsync()
    {
        _process = await StandaloneProcess.StartAsync(
        [
            "--Auth:Keys:operator:Key", OperatorKey, "--Auth:Keys:operator:Roles", "operator",
            "--Auth:Keys:reader:Key", ReaderKey, "--Auth:Keys:reader:Roles", "reader",
            // One trainer that fits every task (the flow trains a regression and a classifier): its grid gives enough
            // candidates that the run page shows its progress, few enough to train in seconds.
            "--Training:Trainers:0", "lightgbm", "--Training:Repeats", "1",
            "--Monitoring:WindowRows", "200", "--Monitoring:MinWindowRows", "200",
            "--Console:RefreshSeconds", "1",
        ]);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless=new", "--no-sandbox"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>A fresh browser context (its own cookies) logged in with <paramref name="key"/>, on <paramref name="returnUrl"/>.</summary>
    public async Task<IPage> LoginAsync(string key, string returnUrl)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Process.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync($"console/login?t={Uri.EscapeDataString(key)}&returnUrl={Uri.EscapeDataString(returnUrl)}");
        return page;
    }

    public static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_process is not null) await _process.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsolePlatform>
{
    public const string Name = "console";
}
