namespace Platform.Monitoring.Tests;

/// <summary>A clock the test moves by hand (FakeTimeProvider is not on the package mirror; this is all the tests need).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
