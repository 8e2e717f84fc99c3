using System.CommandLine;
using Platform.Cli.Infrastructure;
using Platform.Ml.Data;
using Platform.Ml.Data.Profiling;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform profile</c>: profiles a CSV file in one streaming pass (ProfileBuilder: memory bounded whatever the row
/// count) and prints the profile as one JSON document: row count, and per column its kind, counts, moments, quantiles,
/// histogram or top categories.
/// </summary>
public static class ProfileCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string>("--data") { Description = "The CSV file to profile (read as a stream).", Required = true, HelpName = "csv" };
        var categorical = new Option<string?>("--categorical") { Description = "Comma-separated columns to profile as categories even if their values are numbers.", HelpName = "a,b" };

        var command = new Command("profile", "Print a one-pass profile of a CSV file as JSON.") { data, categorical };
        command.SetAction(parsed => Run(context, parsed.GetValue(data)!, Inputs.SplitList(parsed.GetValue(categorical))));
        return command;
    }

    private static int Run(CliContext context, string path, IReadOnlyList<string>? categorical)
    {
        Inputs.RequireFile(path, "--data");
        var options = categorical is null ? null : new CsvReadOptions { CategoricalColumns = categorical.ToHashSet(StringComparer.Ordinal) };
        DatasetProfile profile;
        try
        {
            using var stream = File.OpenRead(path);
            profile = ProfileBuilder.Profile(stream, options);
        }
        catch (CsvFormatException e)
        {
            throw new InputException($"{path}: {e.Message}");
        }

        Json.Write(context.Stdout, profile);
        return ExitCodes.Success;
    }
}
