using System.CommandLine;
using System.Globalization;
using Platform.Cli.Infrastructure;
using Platform.Ml.Data;
using Platform.Ml.Drift;
using Spectre.Console;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform drift</c>: compares a current CSV file with a reference one using <see cref="DriftAnalyzer"/>'s default
/// rules (KS or chi-square per column, Benjamini–Hochberg across columns, an effect-size floor, dataset drift when at
/// least 30% of the columns drift). Exit code 0 whether or not there is drift; 2 only for bad input.
/// </summary>
public static class DriftCommand
{
    public static Command Create(CliContext context)
    {
        var reference = new Option<string>("--reference") { Description = "The reference CSV file (e.g. the training data).", Required = true, HelpName = "csv" };
        var current = new Option<string>("--current") { Description = "The CSV file to compare with the reference.", Required = true, HelpName = "csv" };
        var columns = new Option<string?>("--columns") { Description = "Comma-separated columns to compare (default: every column in both files).", HelpName = "a,b" };
        var exclude = new Option<string?>("--exclude") { Description = "Comma-separated columns to leave out (targets, identifiers, timestamps).", HelpName = "a,b" };
        var format = new Option<string>("--format") { Description = "json: one JSON document; table: a table for people.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "table");

        var command = new Command("drift", "Compare two CSV files column by column and decide whether the data drifted.")
        {
            reference, current, columns, exclude, format,
        };
        command.SetAction(parsed => Run(context, parsed.GetValue(reference)!, parsed.GetValue(current)!,
            Inputs.SplitList(parsed.GetValue(columns)), Inputs.SplitList(parsed.GetValue(exclude)) ?? [], parsed.GetValue(format)!));
        return command;
    }

    private static int Run(CliContext context, string referencePath, string currentPath, IReadOnlyList<string>? columns,
        IReadOnlyList<string> excluded, string format)
    {
        var reference = Inputs.ReadTable(referencePath, "--reference");
        Inputs.RequireFile(currentPath, "--current");
        if (columns is not null) Inputs.RequireColumns(reference, columns, referencePath, "named by --columns");
        Inputs.RequireColumns(reference, excluded, referencePath, "named by --exclude");
        var compared = (columns ?? reference.Columns.Select(c => c.Name)).Where(c => !excluded.Contains(c)).ToArray();
        if (compared.Length == 0) throw new InputException("--exclude leaves no column to compare.");
        Inputs.RejectSuspiciousText(reference, referencePath, excluded, "");

        // Categories that look like numbers in the current file (codes) stay categories, as in the reference.
        var categorical = reference.Columns.Where(c => c.Kind == ColumnKind.Categorical).Select(c => c.Name).ToArray();
        var current = Inputs.ReadTable(currentPath, "--current");
        var forced = categorical.Where(c => current.Contains(c) && current[c].Kind != ColumnKind.Categorical).ToArray();
        if (forced.Length > 0) current = Inputs.ReadTable(currentPath, "--current", forced);
        if (columns is not null) Inputs.RequireColumns(current, columns, currentPath, "named by --columns");
        if (!compared.Any(current.Contains))
            throw new InputException($"{currentPath} has none of the compared columns of {referencePath} ({string.Join(", ", compared)}).");
        foreach (var name in compared.Where(current.Contains))
            if (reference[name].Numbers is not null) Inputs.RequireNumeric(current[name], currentPath, $"it is numeric in {referencePath}");

        var report = DriftAnalyzer.Analyze(reference, current, new DriftOptions { Columns = columns, ExcludedColumns = excluded });
        if (format == "table") WriteTable(context, report, referencePath, currentPath);
        else
        {
            Json.Write(context.Stdout, new
            {
                reference = Path.GetFullPath(referencePath),
                current = Path.GetFullPath(currentPath),
                referenceRows = reference.RowCount,
                currentRows = current.RowCount,
                columns = report.Columns,
                driftedCount = report.DriftedCount,
                driftedShare = report.DriftedShare,
                datasetDrift = report.DatasetDrift,
                skippedColumns = report.SkippedColumns,
            });
        }

        return ExitCodes.Success;
    }

    private static void WriteTable(CliContext context, DriftReport report, string referencePath, string currentPath)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Stdout),
            Ansi = context.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = context.Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        // Redirected output has no width to detect: use one that fits the columns instead of Spectre's 80.
        if (!context.Interactive) console.Profile.Width = 160;
        var table = new Spectre.Console.Table()
            .Title(Markup.Escape($"Drift of {currentPath} against {referencePath}"))
            .AddColumns("column", "kind", "test", "statistic", "p-value", "adj. p", "psi", "wasserstein", "severity", "drifted");
        foreach (var c in report.Columns)
        {
            table.AddRow(
                Markup.Escape(c.Column), c.Kind.ToWireName(), c.Test, Format(c.Statistic), Format(c.PValue), Format(c.AdjustedPValue),
                Format(c.Psi), c.Wasserstein is { } w ? Format(w) : "-",
                c.Severity switch { DriftSeverity.Critical => "[red]critical[/]", DriftSeverity.Warning => "[yellow]warning[/]", _ => "none" },
                c.Drifted ? "[bold]yes[/]" : "no");
        }

        console.Write(table);
        foreach (var skipped in report.SkippedColumns) console.MarkupLine(Markup.Escape($"skipped {skipped.Column}: {skipped.Reason}"));
        console.MarkupLine(Markup.Escape(
            $"{report.DriftedCount} of {report.Columns.Count} columns drifted ({Math.Round(100 * report.DriftedShare)}%); dataset drift: {(report.DatasetDrift ? "yes" : "no")}"));
    }

    private static string Format(double value) => value.ToString(Math.Abs(value) is > 0 and < 1e-3 ? "0.##E+0" : "0.####", CultureInfo.InvariantCulture);
}
