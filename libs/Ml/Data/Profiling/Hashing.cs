namespace Platform.Ml.Data.Profiling;

/// <summary>
/// 64-bit hashes that are the same in every process (string.GetHashCode is randomised per process), so that
/// distinct-count estimates are reproducible.
/// </summary>
internal static class Hashing
{
    /// <summary>Equal numbers hash equally (0.0 and -0.0 included); the mix is a bijection, so distinct numbers never collide.</summary>
    public static ulong Of(double value) => Mix(BitConverter.DoubleToUInt64Bits(value == 0 ? 0.0 : value));

    /// <summary>FNV-1a over the UTF-16 code units, then mixed so that every bit depends on every input bit.</summary>
    public static ulong Of(string value)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in value)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }

        return Mix(hash);
    }

    /// <summary>MurmurHash3's 64-bit finaliser.</summary>
    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return x;
    }
}
