using System.Runtime.InteropServices;

namespace Platform.Ml.Data.Profiling;

/// <summary>
/// The most frequent values with the Misra–Gries summary: at most <see cref="Capacity"/> counters. While no more than
/// that many distinct values have been seen, the counts are exact; afterwards a new value when all counters are taken
/// decrements every counter (dropping those at zero), so each count is a lower bound, short by at most
/// n / (<see cref="Capacity"/> + 1), and every value more frequent than that is guaranteed to be held.
/// </summary>
internal sealed class FrequentItems
{
    public const int Capacity = 256;

    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly string[] _keys = new string[Capacity];

    public long Total { get; private set; }

    public bool IsExact { get; private set; } = true;

    public int RetainedItems => _counts.Count;

    public void Add(string value)
    {
        Total++;
        if (_counts.Count < Capacity || _counts.ContainsKey(value))
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_counts, value, out _)++;
            return;
        }

        // The decrement costs Capacity steps but removes Capacity + 1 units of count, so it is O(1) amortised.
        IsExact = false;
        _counts.Keys.CopyTo(_keys, 0);
        foreach (var key in _keys)
        {
            ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(_counts, key);
            if (--count == 0) _counts.Remove(key);
        }
    }

    /// <summary>The <paramref name="count"/> most frequent values, by count then ordinally by value.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Top(int count) =>
        _counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(count).ToArray();
}
