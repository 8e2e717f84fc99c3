using Platform.Registry.Model;

namespace Platform.Registry.Tests;

/// <summary>
/// The reconciler's decisions: a succeeded run without a version is registered through the registrar (once, however
/// often it passes and however it races the event); running, failed and registered (also rejected) runs are left
/// alone; a run whose registration fails is tried again after growing delays, not on every pass.
/// </summary>
public sealed class RunReconcilerTests : IAsyncDisposable
{
    private readonly RegistryHarness _registry = new();

    [Fact]
    public async Task A_succeeded_run_whose_event_was_lost_is_registered_once_and_the_others_are_left_alone()
    {
        var succeeded = Guid.NewGuid();
        _registry.Training.Add(succeeded, new("diabetes", "succeeded", FakeTraining.ArtifactSha, FakeTraining.Trained(succeeded, r2: 0.45)));
        var running = Guid.NewGuid();
        _registry.Training.Add(running, new("diabetes", "running", FakeTraining.ArtifactSha, null));
        var failed = Guid.NewGuid();
        _registry.Training.Add(failed, new("diabetes", "failed", FakeTraining.ArtifactSha, null));

        Assert.Equal(1, await _registry.Reconciler.ReconcileAsync(default));
        Assert.Equal(0, await _registry.Reconciler.ReconcileAsync(default));

        var version = Assert.Single(await _registry.VersionsAsync());
        Assert.Equal(succeeded, version.RunId);
        Assert.Equal(VersionStage.Production, version.Stage);
        Assert.Equal(1, _registry.Training.Requests(FakeTraining.EventPath(succeeded)));
        Assert.Equal(0, _registry.Training.Requests(FakeTraining.EventPath(running)));
        Assert.Equal(0, _registry.Training.Requests(FakeTraining.EventPath(failed)));
    }

    [Fact]
    public async Task A_run_the_gate_rejected_is_a_version_and_is_not_submitted_again()
    {
        var run = Guid.NewGuid();
        var trained = FakeTraining.Trained(run, r2: 0.02); // below the r2 floor 0.1
        _registry.Training.Add(run, new("diabetes", "succeeded", FakeTraining.ArtifactSha, trained));
        await _registry.InScopeAsync((registrar, _) => registrar.RegisterAsync(trained, default));

        Assert.Equal(0, await _registry.Reconciler.ReconcileAsync(default));
        Assert.Equal(VersionStage.Rejected, Assert.Single(await _registry.VersionsAsync()).Stage);
        Assert.Equal(0, _registry.Training.Requests(FakeTraining.EventPath(run)));
    }

    [Fact]
    public async Task The_event_and_the_reconciler_registering_the_same_run_at_once_make_one_version()
    {
        var runs = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        foreach (var run in runs) _registry.Training.Add(run, new("diabetes", "succeeded", FakeTraining.ArtifactSha, FakeTraining.Trained(run, r2: 0.3)));

        // The events arrive while the reconciler passes: both number versions of the same model.
        var events = runs.Select(run => _registry.InScopeAsync((registrar, _) => registrar.RegisterAsync(FakeTraining.Trained(run, r2: 0.3), default)));
        await Task.WhenAll([.. events, _registry.Reconciler.ReconcileAsync(default)]);

        var versions = await _registry.VersionsAsync();
        Assert.Equal(runs.Order(), versions.Select(v => v.RunId).Order());
        Assert.Equal([1, 2, 3, 4, 5], versions.Select(v => v.Version));
    }

    [Fact]
    public async Task A_run_whose_registration_fails_is_tried_again_after_growing_delays_not_on_every_pass()
    {
        _registry.Options.Reconcile.Interval = TimeSpan.FromSeconds(30);
        _registry.Options.Reconcile.MaxRetryDelay = TimeSpan.FromMinutes(2);
        var run = Guid.NewGuid();
        // Training now reports another artifact than the one the event names: the registrar refuses it.
        _registry.Training.Add(run, new("diabetes", "succeeded", new string('0', 64), FakeTraining.Trained(run, r2: 0.45)));
        var attempts = () => _registry.Training.Requests(FakeTraining.EventPath(run));

        var seen = new List<int>();
        // Passes every 10 s for 5 minutes: tried at 0, then 30 s, 60 s, 120 s (the cap) after each failure.
        for (var second = 0; second <= 300; second += 10)
        {
            Assert.Equal(0, await _registry.Reconciler.ReconcileAsync(default));
            seen.Add(attempts());
            _registry.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        // Attempts at 0, 30, 90, 210 s: four in 31 passes.
        Assert.Equal(4, attempts());
        Assert.Equal(1, seen[0]);
        Assert.Equal(1, seen[2]);  // 20 s: still waiting
        Assert.Equal(2, seen[3]);  // 30 s
        Assert.Equal(2, seen[8]);  // 80 s
        Assert.Equal(3, seen[9]);  // 90 s
        Assert.Equal(3, seen[20]); // 200 s
        Assert.Equal(4, seen[21]); // 210 s
        Assert.Empty(await _registry.VersionsAsync());

        // Once Training's run matches again, the next due attempt registers it.
        _registry.Training.Add(run, new("diabetes", "succeeded", FakeTraining.ArtifactSha, FakeTraining.Trained(run, r2: 0.45)));
        _registry.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await _registry.Reconciler.ReconcileAsync(default));
        Assert.Equal(run, Assert.Single(await _registry.VersionsAsync()).RunId);
    }

    [Fact]
    public async Task A_run_that_kept_no_event_is_not_asked_for_on_every_pass()
    {
        var run = Guid.NewGuid();
        _registry.Training.Add(run, new("diabetes", "succeeded", FakeTraining.ArtifactSha, Event: null));

        Assert.Equal(0, await _registry.Reconciler.ReconcileAsync(default));
        Assert.Equal(0, await _registry.Reconciler.ReconcileAsync(default));
        Assert.Equal(1, _registry.Training.Requests(FakeTraining.EventPath(run)));
    }

    [Fact]
    public async Task After_the_full_pass_at_start_up_a_pass_lists_only_the_runs_succeeded_since_the_last_pass_less_the_overlap()
    {
        var start = _registry.Clock.GetUtcNow();
        var first = Guid.NewGuid();
        _registry.Training.Add(first, new("diabetes", "succeeded", FakeTraining.ArtifactSha, FakeTraining.Trained(first, r2: 0.3), start.AddDays(-3)));
        Assert.Equal(1, await _registry.Reconciler.ReconcileAsync(default));

        _registry.Clock.Advance(TimeSpan.FromSeconds(30));
        var next = Guid.NewGuid();
        _registry.Training.Add(next, new("diabetes", "succeeded", FakeTraining.ArtifactSha, FakeTraining.Trained(next, r2: 0.35), start.AddSeconds(20)));
        // Finished before the watermark less the overlap (committed that late only if a clock is off by more): not listed.
        var late = Guid.NewGuid();
        _registry.Training.Add(late, new("diabetes", "succeeded", FakeTraining.ArtifactSha, FakeTraining.Trained(late, r2: 0.4), start.AddMinutes(-11)));
        Assert.Equal(1, await _registry.Reconciler.ReconcileAsync(default));

        Assert.Equal(["status=succeeded", "status=succeeded&finishedAfter=" + Uri.EscapeDataString("2026-11-30T23:50:00.0000000Z")],
            _registry.Training.ListQueries);
        Assert.Equal([first, next], (await _registry.VersionsAsync()).Select(v => v.RunId));
        Assert.Equal(0, _registry.Training.Requests(FakeTraining.EventPath(late)));

        // A restart's reconciler starts with a full pass, which finds it.
        Assert.Equal(1, await _registry.NewReconciler().ReconcileAsync(default));
        Assert.Equal("status=succeeded", _registry.Training.ListQueries[^1]);
        Assert.Contains(late, (await _registry.VersionsAsync()).Select(v => v.RunId));
    }

    [Fact]
    public async Task A_run_waiting_for_a_retry_holds_the_watermark_back_so_it_is_still_listed_once_its_registration_can_succeed()
    {
        _registry.Options.Reconcile.Interval = TimeSpan.FromSeconds(30);
        _registry.Options.Reconcile.MaxRetryDelay = TimeSpan.FromMinutes(2);
        _registry.Options.Reconcile.WatermarkOverlap = TimeSpan.FromMinutes(1);
        var run = Guid.NewGuid();
        _registry.Training.Add(run, new("diabetes", "succeeded", new string('0', 64), FakeTraining.Trained(run, r2: 0.45), _registry.Clock.GetUtcNow()));

        // Ten minutes of failing passes: ten overlaps past the run's finish.
        for (var pass = 0; pass < 20; pass++)
        {
            Assert.Equal(0, await _registry.Reconciler.ReconcileAsync(default));
            _registry.Clock.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.All(_registry.Training.ListQueries.Skip(1), q => Assert.Contains("finishedAfter=" + Uri.EscapeDataString("2026-11-30T23:59:00.0000000Z"), q, StringComparison.Ordinal));
        _registry.Training.Add(run, new("diabetes", "succeeded", FakeTraining.ArtifactSha, FakeTraining.Trained(run, r2: 0.45), _registry.Clock.GetUtcNow().AddMinutes(-10)));
        _registry.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await _registry.Reconciler.ReconcileAsync(default));
        Assert.Equal(run, Assert.Single(await _registry.VersionsAsync()).RunId);
    }

    public ValueTask DisposeAsync() => _registry.DisposeAsync();
}
