using Platform.Contracts;
using Platform.Ml.Models;
using Spectre.Console;

namespace Platform.Cli.Infrastructure;

/// <summary>
/// Shows <see cref="ModelTrainer"/>'s progress on stderr: live Spectre bars (one per stage) when stderr is a terminal,
/// otherwise a plain line per stage and per tenth of the work, so that logs and tests stay readable.
/// </summary>
internal static class TrainingProgressView
{
    public static T Run<T>(CliContext context, Func<IProgress<TrainingProgress>, T> work)
    {
        if (!context.Interactive) return work(new PlainLines(context.Stderr));

        // Interactivity was decided from stderr; Spectre would otherwise judge it from stdout, which is often piped.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Stderr), Interactive = InteractionSupport.Yes });
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var bars = new Bars(ctx);
                var result = work(bars);
                bars.CompleteAll();
                return result;
            });
    }

    /// <summary>Reports synchronously on the training thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
    private sealed class Bars(ProgressContext context) : IProgress<TrainingProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);

        public void Report(TrainingProgress value)
        {
            if (!_tasks.TryGetValue(value.Stage, out var task))
            {
                CompleteAll();
                task = context.AddTask(Markup.Escape(value.Stage), maxValue: Math.Max(1, value.Total));
                _tasks[value.Stage] = task;
            }

            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Done;
            task.Description = Markup.Escape(value.Detail is null ? value.Stage : $"{value.Stage} ({value.Detail})");
        }

        public void CompleteAll()
        {
            foreach (var task in _tasks.Values) task.Value = task.MaxValue;
        }
    }

    private sealed class PlainLines(TextWriter stderr) : IProgress<TrainingProgress>
    {
        private string? _stage;
        private int _tenth = -1;

        public void Report(TrainingProgress value)
        {
            var tenth = value.Total <= 0 ? 10 : value.Done * 10 / value.Total;
            if (value.Stage == _stage && tenth == _tenth) return;
            _stage = value.Stage;
            _tenth = tenth;
            var detail = value.Detail is null ? "" : $" ({value.Detail})";
            stderr.WriteLine($"{value.Stage}: {value.Done}/{value.Total}{detail}");
        }
    }
}
