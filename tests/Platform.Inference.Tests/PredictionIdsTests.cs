using Platform.Inference.Serving;

namespace Platform.Inference.Tests;

public sealed class PredictionIdsTests
{
    [Fact]
    public void Ids_are_version_7_uuids_that_carry_the_prediction_time_in_milliseconds()
    {
        var at = new DateTimeOffset(2026, 12, 2, 7, 15, 30, 123, TimeSpan.Zero);
        var id = PredictionIds.Next(at);
        var bytes = id.ToByteArray(bigEndian: true);

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, bytes[8] >> 6); // RFC 9562 variant
        var millis = 0L;
        for (var i = 0; i < 6; i++) millis = (millis << 8) | bytes[i];
        Assert.Equal(at.ToUnixTimeMilliseconds(), millis);
        // The same layout as the framework's own version 7 ids: the first 48 bits compare equal.
        Assert.Equal(Guid.CreateVersion7(at).ToByteArray(bigEndian: true)[..6], bytes[..6]);
    }

    [Fact]
    public void Ids_stay_unique_across_many_refills_of_the_random_block_and_threads()
    {
        var at = DateTimeOffset.UtcNow;
        var perThread = PredictionIds.IdsPerBlock * 20 + 7;
        var ids = new Guid[4][];
        Parallel.For(0, ids.Length, t =>
        {
            ids[t] = new Guid[perThread];
            for (var i = 0; i < perThread; i++) ids[t][i] = PredictionIds.Next(at);
        });

        var all = ids.SelectMany(x => x).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.All(all, id => Assert.Equal(7, id.Version));
    }

    [Fact]
    public void Ids_made_later_sort_after_earlier_ones()
    {
        var at = DateTimeOffset.UtcNow;
        var earlier = PredictionIds.Next(at);
        var later = PredictionIds.Next(at.AddMilliseconds(1));
        Assert.True(earlier.CompareTo(later) < 0, $"{earlier} should sort before {later}");
    }
}
