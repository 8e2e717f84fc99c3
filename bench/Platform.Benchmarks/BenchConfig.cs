using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Platform.Benchmarks;

/// <summary>
/// Jobs run in process: BenchmarkDotNet's default generates and builds a separate project per run, which takes a minute
/// and trips over this repository's central package management and warnings-as-errors; in-process measures the same code.
/// </summary>
public static class BenchConfig
{
    /// <summary>Milliseconds-to-a-second operations: one warm-up, five measured iterations.</summary>
    public sealed class Short : ManualConfig
    {
        public Short() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5).WithId("short"));
    }

    /// <summary>
    /// Operations of several seconds to minutes (a training run): each invocation measured once, without warm-up, as
    /// BenchmarkDotNet's monitoring strategy does for cold, long operations.
    /// </summary>
    public sealed class Single : ManualConfig
    {
        public Single() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1).WithWarmupCount(0).WithIterationCount(1).WithInvocationCount(1).WithUnrollFactor(1).WithId("single"));
    }
}
