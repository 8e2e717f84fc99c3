using System.ComponentModel.DataAnnotations;

namespace Platform.OperatorConsole;

/// <summary>The console's settings (section <c>Console</c>).</summary>
public sealed class ConsoleOptions
{
    /// <summary>Name of the login cookie (the API key, data-protected).</summary>
    [Required] public string CookieName { get; set; } = ".Platform.Console";

    /// <summary>How long a login lasts.</summary>
    public TimeSpan LoginLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Seconds between reads of work in progress: the run page's live part reads its run at this pace (without script the page reloads at it).</summary>
    [Range(1, 60)] public int RefreshSeconds { get; set; } = 2;

    /// <summary>Folder for CSVs uploaded on the "new model" page until they are trained (the console has no database).</summary>
    public string DraftsPath { get; set; } = Path.Combine(Path.GetTempPath(), "platform-console-drafts");

    /// <summary>Largest CSV the "new model" page accepts.</summary>
    [Range(1, long.MaxValue)] public long MaxDraftBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Drift windows drawn on the drift page (newest).</summary>
    [Range(1, 1000)] public int DriftWindows { get; set; } = 200;

    /// <summary>Base addresses of the services; service-discovery names by default (Services:&lt;name&gt;:http:0 resolves them).</summary>
    public Dictionary<string, Uri> Services { get; set; } = new()
    {
        ["ingestion"] = new("http://ingestion"),
        ["training"] = new("http://training"),
        ["registry"] = new("http://registry"),
        ["inference"] = new("http://inference"),
        ["monitoring"] = new("http://monitoring"),
    };
}
