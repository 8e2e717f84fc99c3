using System.Collections;
using System.Diagnostics;

namespace Platform.Tests;

/// <summary>A thread-safe sink for the in-memory exporter: five hosts export into it concurrently.</summary>
public sealed class SpanCollection : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];
    private readonly Lock _gate = new();

    public int Count { get { lock (_gate) return _spans.Count; } }
    public bool IsReadOnly => false;

    public void Add(Activity item) { lock (_gate) _spans.Add(item); }
    public void Clear() { lock (_gate) _spans.Clear(); }
    public bool Contains(Activity item) { lock (_gate) return _spans.Contains(item); }
    public void CopyTo(Activity[] array, int arrayIndex) { lock (_gate) _spans.CopyTo(array, arrayIndex); }
    public bool Remove(Activity item) { lock (_gate) return _spans.Remove(item); }

    public IEnumerator<Activity> GetEnumerator()
    {
        Activity[] snapshot;
        lock (_gate) snapshot = [.. _spans];
        return ((IEnumerable<Activity>)snapshot).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
