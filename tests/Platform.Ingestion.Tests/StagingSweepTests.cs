using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Ingestion.Infrastructure;

namespace Platform.Ingestion.Tests;

/// <summary>
/// Staged files left by a process killed mid-upload are deleted once untouched for longer than the configured age; a file
/// still being written (another replica's upload on a shared StoragePath) and stored objects are left alone.
/// </summary>
public sealed class StagingSweepTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 17, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ingestion-sweep-" + Guid.NewGuid().ToString("N"));
    private readonly IOptions<IngestionOptions> _options;
    private readonly ContentStore _store;

    public StagingSweepTests()
    {
        _options = Options.Create(new IngestionOptions { StoragePath = _folder, StagedFileMaxAge = TimeSpan.FromHours(1) });
        _store = new ContentStore(_options);
    }

    [Fact]
    public void Only_staged_files_untouched_for_longer_than_the_age_are_deleted()
    {
        var abandoned = Staged("abandoned", Now - TimeSpan.FromHours(3));
        var justOverTheAge = Staged("just-over", Now - TimeSpan.FromMinutes(61));
        var inFlight = Staged("in-flight", Now - TimeSpan.FromMinutes(59));
        var stored = Path.Combine(_store.ObjectsFolder, "ab", "abcdef");
        Directory.CreateDirectory(Path.GetDirectoryName(stored)!);
        File.WriteAllText(stored, "a,b\n1,2\n");
        File.SetLastWriteTimeUtc(stored, Now.UtcDateTime - TimeSpan.FromDays(30));

        var deleted = _store.SweepStaged(Now, TimeSpan.FromHours(1));

        Assert.Equal([abandoned, justOverTheAge], deleted.Order(StringComparer.Ordinal));
        Assert.False(File.Exists(abandoned));
        Assert.False(File.Exists(justOverTheAge));
        Assert.True(File.Exists(inFlight), "a file written within the age may be another replica's live upload");
        Assert.True(File.Exists(stored), "stored objects are never swept, however old");
    }

    [Fact]
    public void A_store_that_never_staged_anything_sweeps_nothing()
    {
        Assert.Empty(_store.SweepStaged(Now, TimeSpan.FromHours(1)));
        Assert.False(Directory.Exists(_store.StagingFolder));
    }

    [Fact]
    public async Task The_sweeper_deletes_a_stale_staged_file_at_start_up()
    {
        var abandoned = Staged("abandoned", DateTime.UtcNow - TimeSpan.FromHours(2));
        var fresh = Staged("fresh", DateTime.UtcNow);
        using var sweeper = new StagingSweeper(_store, _options, TimeProvider.System, NullLogger<StagingSweeper>.Instance);

        await sweeper.StartAsync(CancellationToken.None);
        await sweeper.StopAsync(CancellationToken.None);

        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(fresh));
    }

    private string Staged(string name, DateTimeOffset lastWritten)
    {
        Directory.CreateDirectory(_store.StagingFolder);
        var path = Path.Combine(_store.StagingFolder, name);
        File.WriteAllText(path, "half an upload");
        File.SetLastWriteTimeUtc(path, lastWritten.UtcDateTime);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
