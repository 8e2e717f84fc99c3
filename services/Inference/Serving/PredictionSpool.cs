using System.Diagnostics.Metrics;
using System.Globalization;
using Platform.Contracts;

namespace Platform.Inference.Serving;

/// <summary>
/// The prediction log's journal (<c>Inference:LogSpoolPath</c>): every logged row is written here, on the predict path,
/// before its answer is sent, and stays until it is published (the broker confirmed it, or in the embedded default
/// Monitoring stored it) or dropped and counted. A process killed with rows still in memory leaves them in its segment
/// files; the next process on the folder publishes them first (<see cref="Open"/>), with their prediction ids, and
/// Monitoring, which takes each prediction id once, ignores those it already has.
/// </summary>
/// <remarks>
/// The write is an encode into a per-thread buffer, one interlocked reservation in the current memory-mapped segment
/// and a copy (<see cref="SpoolSegment"/>): no system call and no lock per request. Only moving to a new segment (every
/// <c>Inference:LogSpoolSegmentBytes</c>) takes a lock and creates a file, or renames the spare: the last published
/// segment, zeroed and still mapped, whose pages are already resident (a fresh file's first write to each page is a page
/// fault, 4% of the gateway's CPU per request before). A folder belongs to one process: it is locked
/// at start, and a second replica on it fails to start rather than mixing two replicas' rows.
/// </remarks>
public sealed class PredictionSpool : IDisposable
{
    private const string LockFile = "spool.lock";
    // A published segment's file, emptied and kept mapped for the next segment: not a *.seg file, so never read back.
    private const string SpareFile = "spare";
    [ThreadStatic] private static byte[]? _scratch;

    private readonly string _folder;
    private readonly long _segmentBytes;
    private readonly long _maxBytes;
    private readonly FileStream _lock;
    private readonly ILogger _logger;
    private readonly Lock _roll = new();
    private readonly List<SpoolSegment> _segments = []; // oldest first; under _roll
    private SpoolSegment? _current;
    private SpoolSegment? _spare; // under _roll
    private bool _full;
    private bool _disposed;
    private long _liveBytes;
    private long _nextSequence;

    private PredictionSpool(string folder, long segmentBytes, long maxBytes, FileStream lockFile, ILogger logger)
    {
        _folder = folder;
        _segmentBytes = segmentBytes;
        _maxBytes = maxBytes;
        _lock = lockFile;
        _logger = logger;
        PlatformTelemetry.Meter.CreateObservableGauge("platform.inference.log.spool_bytes", () => Volatile.Read(ref _liveBytes),
            unit: "By", description: "Bytes of prediction-log spool segments not yet deleted (rows not yet published, the segment being written, and one emptied for reuse)");
    }

    /// <summary>Above half the bound: the log samples, as above half its buffer.</summary>
    public bool UnderPressure => Volatile.Read(ref _liveBytes) * 2 >= _maxBytes;

    /// <summary>Torn records skipped when the spool was opened (for the tests; logged).</summary>
    public long Torn { get; private set; }

    /// <summary>Segment files not yet deleted (for the tests).</summary>
    public int Segments
    {
        get { lock (_roll) return _segments.Count; }
    }

    /// <summary>
    /// Locks the folder, reads what an earlier process left (returned in <paramref name="replay"/>, oldest first, each
    /// write with the segment to acknowledge its rows on) and opens a new segment after them.
    /// </summary>
    public static PredictionSpool Open(string folder, long segmentBytes, long maxBytes, ILogger logger, out List<(PredictionRecord[] Rows, SpoolSegment Segment)> replay)
    {
        Directory.CreateDirectory(folder);
        FileStream lockFile;
        try
        {
            // FileShare.None is an exclusive flock on Unix: released by the kernel when the holder dies, however it dies.
            lockFile = new FileStream(Path.Combine(folder, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"The prediction-log spool {folder} is in use by another process: give each Inference replica its own Inference:LogSpoolPath.", ex);
        }

        var spool = new PredictionSpool(folder, segmentBytes, maxBytes, lockFile, logger);
        try
        {
            File.Delete(Path.Combine(folder, SpareFile)); // an earlier process's: empty, or being emptied when it died
            replay = spool.ReadLeftovers();
            spool.Roll(null, 0);
            return spool;
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    private List<(PredictionRecord[] Rows, SpoolSegment Segment)> ReadLeftovers()
    {
        var replay = new List<(PredictionRecord[], SpoolSegment)>();
        var files = Directory.GetFiles(_folder, "*.seg")
            .Select(path => (Path: path, Sequence: long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
            .Where(f => f.Sequence >= 0).OrderBy(f => f.Sequence).ToList();
        _nextSequence = files.Count == 0 ? 1 : files[^1].Sequence + 1;
        long rows = 0, torn = 0, unreadable = 0;
        foreach (var (path, sequence) in files)
        {
            var writes = new List<PredictionRecord[]>();
            foreach (var payload in SpoolSegment.Read(File.ReadAllBytes(path), out var tornHere))
            {
                torn += tornHere;
                try
                {
                    writes.Add(SpoolRecord.Decode(payload));
                }
                catch (InvalidDataException)
                {
                    unreadable++; // checksummed, so written whole, yet not ours to read: another format
                }
            }

            var count = writes.Sum(w => w.Length);
            if (count == 0)
            {
                File.Delete(path);
                continue;
            }

            var segment = SpoolSegment.Replayed(path, sequence, count);
            _segments.Add(segment);
            _liveBytes += new FileInfo(path).Length;
            replay.AddRange(writes.Select(w => (w, segment)));
            rows += count;
        }

        Torn = torn;
        if (rows > 0 || torn > 0 || unreadable > 0)
            _logger.LogWarning("The prediction-log spool held {Rows} rows not known to be published (an earlier process stopped before): publishing them first;"
                + " {Torn} torn records skipped (written when that process died: their predictions were never answered), {Unreadable} unreadable", rows, torn, unreadable);
        return replay;
    }

    /// <summary>
    /// Journals one write; returns the segment its rows are to be acknowledged on, or null when the spool is full (the
    /// rows are then not logged: the caller drops and counts them).
    /// </summary>
    public SpoolSegment? Append(PredictionRecord[] records)
    {
        if (Volatile.Read(ref _full)) return null;
        var scratch = _scratch ?? new byte[16 * 1024];
        var length = SpoolRecord.Encode(records, ref scratch);
        _scratch = scratch;
        var payload = scratch.AsSpan(0, length);
        var segment = Volatile.Read(ref _current);
        while (segment is null || !segment.TryAppend(payload, records.Length))
        {
            segment = Roll(segment, SpoolSegment.FrameSize(length));
            if (segment is null) return null;
        }

        return segment;
    }

    /// <summary>Moves on from the full segment <paramref name="seen"/> (once, whoever comes first); null when the bound is reached.</summary>
    private SpoolSegment? Roll(SpoolSegment? seen, long needed)
    {
        lock (_roll)
        {
            if (_current != seen && _current is not null) return _current;
            if (_full || _disposed) return null;
            // A write larger than a segment gets a segment of its own size.
            var capacity = Math.Max(_segmentBytes, (needed + 4095) & ~4095L);
            if (_spare is not null && _spare.Capacity == capacity && Reused() is { } reused) return reused;
            if (_liveBytes + capacity > _maxBytes)
            {
                _full = true;
                _logger.LogWarning("The prediction-log spool is full ({Bytes} bytes, Inference:LogSpoolBytes): new rows are dropped and counted until published rows free space", _liveBytes);
                return null;
            }

            SpoolSegment created;
            try
            {
                created = SpoolSegment.Create(_folder, _nextSequence++, capacity);
            }
            catch (IOException ex)
            {
                // The disk is full or gone: rows are dropped and counted, as when the bound is reached; retried after the next deletion.
                _full = true;
                _logger.LogError(ex, "Could not create a prediction-log spool segment in {Folder}: new rows are dropped and counted", _folder);
                return null;
            }

            _liveBytes += capacity;
            return Started(created);
        }
    }

    /// <summary>The spare renamed to the next segment's file (its bytes already counted); null if the rename fails.</summary>
    private SpoolSegment? Reused()
    {
        var spare = _spare!;
        _spare = null;
        var path = Path.Combine(_folder, SpoolSegment.FileName(_nextSequence));
        try
        {
            File.Move(spare.Path, path);
        }
        catch (IOException ex)
        {
            _logger.LogWarning(ex, "Could not reuse the prediction-log spool's spare segment {Path}: creating a new one", spare.Path);
            Delete(spare);
            return null;
        }

        return Started(spare.Reuse(_nextSequence++, path));
    }

    private SpoolSegment Started(SpoolSegment segment)
    {
        _segments.Add(segment);
        Volatile.Write(ref _current, segment);
        return segment;
    }

    /// <summary>Deletes every segment whose rows are all published or dropped; called by the publisher after acknowledging.</summary>
    public void Collect()
    {
        lock (_roll)
        {
            var deleted = false;
            for (var i = 0; i < _segments.Count; i++)
            {
                var segment = _segments[i];
                // A sealed segment, even the current one: a writer that finds it sealed never touches its memory.
                if (!segment.Finished) continue;
                _segments.RemoveAt(i--);
                if (segment == _current) Volatile.Write(ref _current, null);
                if (!Spared(segment)) Delete(segment);
                deleted = true;
            }

            if (deleted && _full && (_spare is not null || _liveBytes + _segmentBytes <= _maxBytes)) Volatile.Write(ref _full, false);
        }
    }

    /// <summary>
    /// Keeps a published segment as the spare: renamed out of the <c>*.seg</c> files first (a crash from then on leaves
    /// nothing to replay), then zeroed. False (the caller deletes it) when there is a spare already, when the segment
    /// is not one this process mapped at the usual size, or when the rename fails.
    /// </summary>
    private bool Spared(SpoolSegment segment)
    {
        if (_spare is not null || !segment.Mapped || segment.Capacity != _segmentBytes) return false;
        var path = Path.Combine(_folder, SpareFile);
        try
        {
            File.Move(segment.Path, path);
        }
        catch (IOException ex)
        {
            _logger.LogWarning(ex, "Could not keep the published prediction-log spool segment {Path} for reuse: deleting it", segment.Path);
            return false;
        }

        segment.Clear();
        _spare = segment.Reuse(0, path);
        return true;
    }

    private void Delete(SpoolSegment segment)
    {
        _liveBytes -= segment.Capacity > 0 ? segment.Capacity : SafeLength(segment.Path);
        try
        {
            // Unlinked while still mapped: when the mapping goes, the kernel drops the file's dirty pages instead of
            // writing them to disk.
            File.Delete(segment.Path);
        }
        catch (IOException ex)
        {
            _logger.LogWarning(ex, "Could not delete the published prediction-log spool segment {Path}", segment.Path);
        }

        segment.Dispose();
    }

    private static long SafeLength(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Unmaps every segment; deletes those whose rows are all acknowledged, keeps the others for the next start.</summary>
    public void Dispose()
    {
        lock (_roll)
        {
            foreach (var segment in _segments)
            {
                if (segment.Idle) Delete(segment);
                else segment.Dispose();
            }

            _segments.Clear();
            if (_spare is not null) Delete(_spare);
            _spare = null;
            _current = null;
            _disposed = true;
        }

        _lock.Dispose();
    }
}
