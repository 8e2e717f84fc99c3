using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Platform.Cli.Commands;
using Platform.Cli.Infrastructure;

namespace Platform.Cli;

/// <summary>
/// The <c>platform</c> command line, runnable in-process: parse errors, bad input and failures all end as one line on
/// stderr and an exit code (<see cref="ExitCodes"/>), never a stack trace; results go to stdout only.
/// </summary>
public static class CliApp
{
    public const string Name = "platform";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, interactive: false);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool interactive)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var context = new CliContext(stdout, stderr, interactive);
        var root = CreateRootCommand(context);

        var parsed = root.Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            var command = parsed.CommandResult.Command;
            var hint = command == root ? "platform --help" : $"platform {command.Name} --help";
            var messages = parsed.Errors.Select(e => e.Message.TrimEnd('.')).ToList();
            // "Required command was not provided" says nothing more when a token was not recognised.
            if (messages.Count > 1) messages.RemoveAll(m => m.StartsWith("Required command", StringComparison.Ordinal));
            WriteError(stderr, $"{string.Join("; ", messages)} (see '{hint}').");
            return ExitCodes.BadInput;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Errors.IsInputError(e))
        {
            WriteError(stderr, Errors.MessageOf(e));
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            WriteError(stderr, $"{Errors.MessageOf(e)} ({e.GetType().Name})");
            return ExitCodes.Failure;
        }
    }

    /// <summary>One command per verb; a new verb (e.g. <c>publish</c>) is one more file in Commands/ and one line here.</summary>
    public static Command CreateRootCommand(CliContext context)
    {
        // Not RootCommand, whose name is the host executable's ("testhost" in tests, "dotnet" for dll runs): usage lines say "platform".
        var root = new Command(Name, "Train, score, evaluate, profile and compare tabular CSV datasets.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        root.Subcommands.Add(TrainCommand.Create(context));
        root.Subcommands.Add(PredictCommand.Create(context));
        root.Subcommands.Add(EvaluateCommand.Create(context));
        root.Subcommands.Add(ProfileCommand.Create(context));
        root.Subcommands.Add(DriftCommand.Create(context));
        root.Subcommands.Add(PublishCommand.Create(context));
        root.Subcommands.Add(ReplayCommand.Create(context));
        return root;
    }

    private static void WriteError(TextWriter stderr, string message) => stderr.WriteLine($"error: {Errors.OneLine(message)}");
}
