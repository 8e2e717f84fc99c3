using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using Platform.OperatorConsole;
using Platform.Tests;

namespace Platform.ConsoleTests;

/// <summary>The whole loop on the console's pages, in a real browser, against the embedded default.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleFlowTests(ConsolePlatform platform)
{
    private const string Model = "diabetes";

    [Fact]
    public async Task An_operator_trains_from_a_csv_compares_runs_sees_drift_and_rolls_back_with_an_audited_reason()
    {
        // Without the cookie every page sends the browser to sign in.
        var anonymous = await (await platform.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = platform.Process.BaseAddress.ToString() })).NewPageAsync();
        await anonymous.GotoAsync("console/models");
        Assert.Contains("/console/signin", anonymous.Url, StringComparison.Ordinal);
        await ConsolePlatform.ShotAsync(anonymous, "01-signin");

        using var producer = platform.Process.CreateClient(ConsolePlatform.OperatorKey);

        // Log in with the browser-token link; land on the non-expert page and upload the CSV.
        var page = await platform.LoginAsync(ConsolePlatform.OperatorKey, "/console/new");
        Assert.EndsWith("/console/new", page.Url, StringComparison.Ordinal);
        await page.SetInputFilesAsync("#csv-file", SharedData.PathOf("diabetes_train.csv"));
        await page.ClickAsync("#upload");
        await page.WaitForSelectorAsync("#preview");
        Assert.Equal(10, await page.Locator("#preview tbody tr").CountAsync());
        Assert.Equal(11, await page.Locator("#schema tbody tr").CountAsync());
        Assert.Equal("numeric", await page.Locator("#schema tr[data-column='bmi'] td").Nth(1).InnerTextAsync());
        // sex holds two numbers: the user says it is a category, and the dataset's schema records it so.
        await page.SelectOptionAsync("#schema tr[data-column='sex'] select", "sex:categorical");
        await ConsolePlatform.ShotAsync(page, "02-new-model-preview");

        // Train: the page follows the run while it trains, then explains the result in words.
        await page.FillAsync("#model-name", Model);
        await page.SelectOptionAsync("#target", "target");
        await page.SelectOptionAsync("#task", "regression");
        await page.ClickAsync("#train");
        await page.WaitForSelectorAsync("#progress");
        await ConsolePlatform.ShotAsync(page, "03-training-progress");
        // The run page follows the run in its circuit: the same page, no reload, until it has finished.
        await UntilLiveAsync(page, "#run-title[data-live='yes']");
        await UntilTextAsync(page, "#run-status", "succeeded", TimeSpan.FromMinutes(4));
        Assert.Contains("R²", await page.InnerTextAsync("#evaluation-words"), StringComparison.Ordinal);
        Assert.True(await page.Locator("#cv tbody tr").CountAsync() >= 2, "a row per cross-validated candidate");
        Assert.True(await page.Locator("#residual-plot circle").CountAsync() > 0, "the holdout's predicted-against-actual points are drawn");
        await ConsolePlatform.ShotAsync(page, "04-run");
        var schema = await producer.GetStringAsync($"datasets/{Model}/versions/1");
        Assert.Contains("{\"name\":\"sex\",\"kind\":\"categorical\"", schema, StringComparison.Ordinal);

        // The model page shows the production version and its lineage.
        await page.GotoAsync($"console/models/{Model}");
        await UntilTextAsync(page, "#production-version", "production v1", TimeSpan.FromMinutes(2), reload: true);
        Assert.Contains($"{Model} v1", await page.InnerTextAsync("#lineage"), StringComparison.Ordinal);
        // The model trained on that schema takes sex as a category (its two values), not as the number its values look like.
        var registered = await producer.GetStringAsync($"models/{Model}");
        Assert.Contains("{\"name\":\"sex\",\"kind\":\"categorical\",\"categories\":[", registered, StringComparison.Ordinal);
        await ConsolePlatform.ShotAsync(page, "05-model-v1");

        // A second version (more rows, as a producer script would send them) gives a second run to compare.
        var moreRows = File.ReadAllText(SharedData.PathOf("diabetes_train.csv")) + string.Concat(File.ReadLines(SharedData.PathOf("diabetes_test.csv")).Skip(1).Select(l => l + "\n"));
        using (var upload = await producer.PostAsync($"datasets/{Model}?target=target&task=regression", new StringContent(moreRows, Encoding.UTF8, "text/csv")))
            Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        await platform.Process.UntilAsync(async () => (await producer.GetStringAsync($"models/{Model}")).Contains("\"version\":2", StringComparison.Ordinal),
            TimeSpan.FromMinutes(4), "version 2 to be registered");

        await WatchForEmptyPartsAsync(page);
        await page.GotoAsync($"console/runs?model={Model}");
        // The table reads the runs again once its circuit is up; then it sorts in place: clicking a column head
        // reorders the rows without loading another page.
        await UntilLiveAsync(page, "#runs[data-live='yes']");
        await AssertNeverEmptyAsync(page, "#runs");
        Assert.Equal(2, await page.Locator("#runs tbody tr").CountAsync());
        var newestFirst = await page.Locator("#runs tbody tr").First.GetAttributeAsync("data-run");
        var url = page.Url;
        await page.ClickAsync("#runs th a[data-sort='started']");
        await page.WaitForSelectorAsync("#runs[data-order='asc']");
        Assert.NotEqual(newestFirst, await page.Locator("#runs tbody tr").First.GetAttributeAsync("data-run"));
        Assert.Equal(url, page.Url);
        await page.FillAsync("#filter-since", "2099-01-01");
        await UntilTextAsync(page, "#run-count", "0 of 2 runs", TimeSpan.FromSeconds(30));
        await page.FillAsync("#filter-since", "");
        await UntilTextAsync(page, "#run-count", "2 of 2 runs", TimeSpan.FromSeconds(30));
        await ConsolePlatform.ShotAsync(page, "06-runs");
        var boxes = page.Locator("#runs input[type=checkbox]");
        await boxes.Nth(0).CheckAsync();
        await boxes.Nth(1).CheckAsync();
        await page.ClickAsync("text=Compare selected");
        await page.WaitForSelectorAsync("#compare");
        Assert.Equal("2", await page.GetAttributeAsync("#compare", "data-runs"));
        Assert.Equal(3, await page.Locator("#compare thead th").CountAsync());
        Assert.Equal(2, await page.Locator("#compare tr[data-metric='r2'] td").CountAsync());
        await ConsolePlatform.ShotAsync(page, "07-compare");

        // Promote v2 by hand, so that there is a version to roll back from.
        await page.GotoAsync($"console/models/{Model}");
        if (!(await page.InnerTextAsync("#production-version")).Contains("v2", StringComparison.Ordinal))
        {
            await page.Locator("#versions tr[data-version='2'] input[name=PromoteReason]").FillAsync("the bigger dataset");
            await page.Locator("#versions tr[data-version='2'] button").ClickAsync();
            await page.WaitForSelectorAsync("#production-version:has-text('production v2')");
        }

        // Drift: before any window the chart has nothing; a script sends shifted rows; the chart draws the windows.
        await page.GotoAsync($"console/models/{Model}/drift");
        await UntilLiveAsync(page, "#window-count[data-live='yes']");
        Assert.Contains("0 data windows", await page.InnerTextAsync("#window-count"), StringComparison.Ordinal);
        await platform.Process.UntilAsync(async () => (await producer.GetAsync($"drift/{Model}/reference")).IsSuccessStatusCode && (await producer.GetStringAsync($"drift/{Model}/reference")).Contains("\"version\":2", StringComparison.Ordinal),
            TimeSpan.FromMinutes(2), "Monitoring's reference for v2");
        // Inference swaps to v2 a moment after the promotion: rows it still scores with v1 do not fill v2's windows, so
        // the script keeps sending until two windows have closed.
        await platform.Process.UntilAsync(async () =>
        {
            await PushShiftedRowsAsync(producer);
            return (await producer.GetStringAsync($"drift/{Model}")).Split("\"kind\":\"data\"").Length - 1 >= 2;
        }, TimeSpan.FromMinutes(3), "two data windows to close");
        await page.ReloadAsync();
        // The drift part reads its reports again once its circuit is up (they are too large to travel in the page).
        await UntilLiveAsync(page, "#window-count[data-live='yes']");
        await AssertNeverEmptyAsync(page, "#window-count");
        var windows = int.Parse((await page.InnerTextAsync("#window-count")).Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.True(windows >= 2, $"{windows} data windows drawn");
        Assert.Equal(windows.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("polyline[data-series='drifted share']", "data-points"));
        Assert.Equal(10, await page.Locator("#latest-window tbody tr").CountAsync());
        Assert.True(await page.Locator("#latest-window tr[data-drifted='yes']").CountAsync() >= 5, "the shifted features drift");
        Assert.Equal(10, await page.Locator("#latest-histograms svg.paired-histogram").CountAsync());
        await ConsolePlatform.ShotAsync(page, "08-drift");
        // Window selection in the circuit: a slider picks the window whose table is shown, a list how many are drawn.
        await page.Locator("#window-pick").EvaluateAsync("el => { el.value = '0'; el.dispatchEvent(new Event('input', { bubbles: true })); }");
        await page.WaitForSelectorAsync("#window-title[data-window='0']");
        Assert.StartsWith($"Window 1 of {windows}", await page.InnerTextAsync("#window-title"), StringComparison.Ordinal);
        await page.SelectOptionAsync("#window-limit", "50");
        await UntilTextAsync(page, "#window-count", "the newest 50 reports", TimeSpan.FromSeconds(30));
        await ConsolePlatform.ShotAsync(page, "08b-drift-window-picked");

        // Roll back as operator with a reason: production is v1 again and the audit names the key and the reason.
        await page.GotoAsync($"console/models/{Model}");
        await page.FillAsync("input[name=RollbackReason]", "drifted after the promotion");
        await page.ClickAsync("#rollback");
        await page.WaitForSelectorAsync("#production-version:has-text('production v1')");
        var audit = page.Locator("#audit tbody tr").First;
        Assert.Contains("rollback", await audit.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("drifted after the promotion", await audit.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("operator", await audit.InnerTextAsync(), StringComparison.Ordinal);
        await ConsolePlatform.ShotAsync(page, "09-model-rolled-back");

        // The other pages, each with what it must show.
        await page.GotoAsync("console/models");
        Assert.Equal(1, await page.Locator($"#models tr[data-model='{Model}']").CountAsync());
        await ConsolePlatform.ShotAsync(page, "10-models");
        await page.GotoAsync($"console/datasets/{Model}");
        Assert.Equal(2, await page.Locator("#dataset-versions tbody tr").CountAsync());
        await ConsolePlatform.ShotAsync(page, "11-dataset");
        await page.GotoAsync($"console/datasets/{Model}/versions/1");
        // A histogram per numeric column; sex, set categorical on the non-expert page, shows its two categories.
        Assert.Equal(10, await page.Locator("#profile-charts svg.histogram").CountAsync());
        Assert.Equal("2", await page.GetAttributeAsync("#profile-charts svg.bars[aria-label^='sex']", "data-bars"));
        await ConsolePlatform.ShotAsync(page, "12-profile");
        await page.GotoAsync($"console/datasets/{Model}/compare?a=1&b=2");
        Assert.Equal(11, await page.Locator("#dataset-compare tbody tr").CountAsync());
        await ConsolePlatform.ShotAsync(page, "13-dataset-compare");
        await page.GotoAsync("console/serving");
        Assert.True(await page.Locator($"#serving tr[data-model='{Model}']").CountAsync() >= 1, "the predictions the drift script made");
        await ConsolePlatform.ShotAsync(page, "14-serving");
        // Inference swaps back when the rollback's ModelPromoted reaches it, a moment after the Registry moved.
        await Eventually.HoldsAsync(async () =>
        {
            await page.GotoAsync($"console/models/{Model}/try");
            await page.ClickAsync("#predict");
            await page.WaitForSelectorAsync("#prediction");
            return (await page.InnerTextAsync("#prediction")).Contains("Prediction of v1", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), "the try page to predict with v1, the version rolled back to");
        await ConsolePlatform.ShotAsync(page, "15-try");
    }

    [Fact]
    public async Task A_classifier_trained_from_the_non_expert_page_shows_its_confusion_matrix_as_a_heat_map()
    {
        var page = await platform.LoginAsync(ConsolePlatform.OperatorKey, "/console/new");
        await page.SetInputFilesAsync("#csv-file", SharedData.PathOf("iris.csv"));
        await page.ClickAsync("#upload");
        await page.WaitForSelectorAsync("#schema");
        Assert.Equal("categorical", await page.Locator("#schema tr[data-column='species'] td").Nth(1).InnerTextAsync());
        await page.FillAsync("#model-name", "iris-console");
        await page.SelectOptionAsync("#target", "species");
        await page.SelectOptionAsync("#task", "multiclass");
        await page.ClickAsync("#train");
        await UntilLiveAsync(page, "#run-title[data-live='yes']");
        await UntilTextAsync(page, "#run-status", "succeeded", TimeSpan.FromMinutes(4));

        // Three classes: a 3 × 3 grid of cells whose counts add up to the holdout rows, most of them on the diagonal.
        var map = page.Locator("#confusion-matrix svg.confusion-matrix");
        Assert.Equal("3", await map.GetAttributeAsync("data-classes"));
        var cells = map.Locator("rect[data-count]");
        Assert.Equal(9, await cells.CountAsync());
        var counts = new List<int>();
        for (var i = 0; i < 9; i++) counts.Add(int.Parse((await cells.Nth(i).GetAttributeAsync("data-count"))!, CultureInfo.InvariantCulture));
        var holdout = int.Parse((await page.InnerTextAsync("#holdout-rows")).Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.Equal(holdout, counts.Sum());
        var diagonal = counts[0] + counts[4] + counts[8];
        Assert.True(diagonal >= 0.8 * holdout, $"{diagonal} of {holdout} holdout rows on the diagonal");
        Assert.Contains("times out of 100", await page.InnerTextAsync("#evaluation-words"), StringComparison.Ordinal);
        await ConsolePlatform.ShotAsync(page, "16-run-confusion-matrix");
    }

    [Fact]
    public async Task A_reader_sees_the_models_but_cannot_roll_back_and_reads_the_services_refusal()
    {
        using var producer = platform.Process.CreateClient(ConsolePlatform.OperatorKey);
        const string model = "reader-visible";
        using (var upload = await producer.PostAsync($"datasets/{model}?target=target&task=regression",
                   new StringContent(File.ReadAllText(SharedData.PathOf("diabetes_train.csv")), Encoding.UTF8, "text/csv")))
            Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        await platform.Process.UntilAsync(async () => (await producer.GetAsync($"models/{model}")).IsSuccessStatusCode, TimeSpan.FromMinutes(4), "the model to be registered");

        var page = await platform.LoginAsync(ConsolePlatform.ReaderKey, $"/console/models/{model}");
        await page.WaitForSelectorAsync("#versions");
        await page.FillAsync("input[name=RollbackReason]", "a reader tries");
        await page.ClickAsync("#rollback");
        var problem = page.Locator(".problem[data-status='403']");
        await problem.WaitForAsync();
        Assert.Contains("operator", await problem.InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("production v1", await page.InnerTextAsync("#production-version"), StringComparison.Ordinal);
        await ConsolePlatform.ShotAsync(page, "20-reader-refused");
    }

    [Fact]
    public async Task A_wrong_key_does_not_log_in_and_the_sign_in_page_says_why()
    {
        var context = await platform.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = platform.Process.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("console/login?t=not-a-key&returnUrl=%2Fconsole%2Fruns");
        Assert.Contains("/console/signin", page.Url, StringComparison.Ordinal);
        Assert.Contains("401", await page.InnerTextAsync(".problem"), StringComparison.Ordinal);
        // No login cookie (pages with interactive parts do set Blazor's antiforgery cookie, which carries no key).
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == new ConsoleOptions().CookieName);
    }

    /// <summary>Waits until an interactive part's circuit is up and it has read its data (it marks itself data-live).</summary>
    private Task UntilLiveAsync(IPage page, string selector) =>
        platform.Process.UntilAsync(async () => await page.Locator(selector).CountAsync() == 1, TimeSpan.FromSeconds(60),
            $"'{selector}' on {page.Url}");

    /// <summary>
    /// From the next navigation on, records every DOM state in which an interactive part that had shown its content
    /// (the runs table, the drift windows' count) shows neither it nor its loading notice: the circuit's first render
    /// replaces the prerendered part before the circuit's own read finished, and that render must say "loading", not
    /// show an empty part. A MutationObserver sees the DOM after each render batch, so the state between the circuit's
    /// first render and its loaded one is always observed.
    /// </summary>
    private static Task WatchForEmptyPartsAsync(IPage page) => page.AddInitScriptAsync("""
        (() => {
          const parts = { '#runs': '#runs-loading', '#window-count': '#drift-loading' };
          const seen = new Set();
          window.__emptyParts = [];
          new MutationObserver(() => {
            for (const [content, loading] of Object.entries(parts)) {
              if (document.querySelector(content)) seen.add(content);
              else if (seen.has(content) && !document.querySelector(loading)) window.__emptyParts.push(content);
            }
          }).observe(document, { childList: true, subtree: true });
        })();
        """);

    private static async Task AssertNeverEmptyAsync(IPage page, string part)
    {
        var empty = await page.EvaluateAsync<string[]>("() => window.__emptyParts");
        Assert.DoesNotContain(part, empty);
    }

    /// <summary>Waits until <paramref name="selector"/> shows <paramref name="text"/>; pages that reload themselves are read between reloads.</summary>
    private Task UntilTextAsync(IPage page, string selector, string text, TimeSpan timeout, bool reload = false) =>
        platform.Process.UntilAsync(async () =>
        {
            try
            {
                if (reload) await page.ReloadAsync();
                var shown = await page.Locator(selector).First.TextContentAsync(new LocatorTextContentOptions { Timeout = 5_000 });
                return shown?.Contains(text, StringComparison.Ordinal) == true;
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                return false; // between two reloads, or not shown yet
            }
        }, timeout, $"'{selector}' to show '{text}' on {page.Url}");

    /// <summary>What the README's drift script does: the held-out rows (89) with every feature moved by 0.4, as one request.</summary>
    private static async Task PushShiftedRowsAsync(HttpClient client)
    {
        var lines = File.ReadAllLines(SharedData.PathOf("diabetes_test.csv"));
        var header = lines[0].Split(',');
        var instances = lines.Skip(1).Select(line =>
        {
            var values = line.Split(',');
            // sex is a category (set on the non-expert page): sent as its text, unshifted; every other feature shifts.
            return "{" + string.Join(',', header[..^1].Select((name, i) => name == "sex"
                ? $"\"{name}\":\"{values[i]}\""
                : $"\"{name}\":{(double.Parse(values[i], CultureInfo.InvariantCulture) + 0.4).ToString(CultureInfo.InvariantCulture)}")) + "}";
        });
        using var response = await client.PostAsync($"models/{Model}/predict",
            new StringContent("{\"instances\":[" + string.Join(',', instances) + "]}", Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
