using Platform.ServiceDefaults.Outbox;

namespace Platform.Operations.Tests;

/// <summary>The wake signal behind the outbox dispatcher and the training run loop: it polls at rest without throwing.</summary>
public sealed class WakeSignalTests
{
    // First-chance exceptions are process-wide; the flag flows only into this test's own async continuations.
    private static readonly AsyncLocal<bool> s_observed = new();

    [Fact]
    public async Task A_poll_that_times_out_returns_false_without_throwing_any_exception()
    {
        var signal = new WakeSignal();
        var thrown = 0;
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (s_observed.Value) Interlocked.Increment(ref thrown);
        }

        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            s_observed.Value = true;
            for (var i = 0; i < 5; i++) Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None));
        }
        finally
        {
            s_observed.Value = false;
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        Assert.Equal(0, thrown);
    }

    [Fact]
    public async Task Many_notifications_before_a_wait_wake_it_once()
    {
        var signal = new WakeSignal();
        for (var i = 0; i < 10; i++) signal.Notify();

        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }

    [Fact]
    public async Task A_notification_wakes_a_waiter_before_its_timeout()
    {
        var signal = new WakeSignal();
        var waiting = signal.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        signal.Notify();

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Cancelling_the_token_ends_the_wait_with_OperationCanceledException()
    {
        var signal = new WakeSignal();
        using var stopping = new CancellationTokenSource();
        var waiting = signal.WaitAsync(TimeSpan.FromSeconds(30), stopping.Token);

        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
