using System.Diagnostics;

namespace Platform.ChaosTests;

/// <summary>
/// Predicts a served model over and over in the background while a test breaks something else, keeping every prediction
/// id Inference returned (with when it answered) and every failure: the evidence for "Inference serving throughout",
/// and the ids a test then looks for at Monitoring.
/// </summary>
public sealed class ServingProbe : IAsyncDisposable
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    private readonly ChaosPlatform _platform;
    private readonly string _model;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(TimeSpan At, Guid Id)> _logged = [];
    private readonly List<string> _failures = [];
    private readonly Task _loop;
    private int _succeeded;

    private ServingProbe(ChaosPlatform platform, string model)
    {
        _platform = platform;
        _model = model;
        _loop = Task.Run(LoopAsync);
    }

    public static ServingProbe Start(ChaosPlatform platform, string model) => new(platform, model);

    /// <summary>Time on the probe's clock, to mark a fault and compare it with when predictions were answered.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Predict calls answered 2xx so far.</summary>
    public int Succeeded => Volatile.Read(ref _succeeded);

    /// <summary>Every failed predict so far (status and body, or the exception), in order.</summary>
    public IReadOnlyList<string> Failures
    {
        get { lock (_failures) return [.. _failures]; }
    }

    /// <summary>The prediction ids answered before <paramref name="before"/> on the probe's clock (all when null).</summary>
    public HashSet<Guid> Logged(TimeSpan? before = null)
    {
        lock (_logged) return _logged.Where(p => before is null || p.At < before).Select(p => p.Id).ToHashSet();
    }

    /// <summary>Stops predicting; returns once the last request has ended.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var ids = await _platform.PredictAsync(_model);
                var at = _clock.Elapsed;
                lock (_logged) _logged.AddRange(ids.Select(id => (at, id)));
                Interlocked.Increment(ref _succeeded);
            }
            catch (Exception ex)
            {
                lock (_failures) _failures.Add($"{_clock.Elapsed.TotalSeconds:F1} s: {ex.GetType().Name}: {ex.Message}");
            }

            try
            {
                await Task.Delay(Pause, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}
