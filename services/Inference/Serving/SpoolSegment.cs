using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Platform.Inference.Serving;

/// <summary>
/// One file of the prediction spool, mapped shared into memory. Writers reserve space with one interlocked add and copy
/// their record in: no system call, no lock. The pages are the file's page-cache pages, so what a killed process wrote
/// is in the file (nothing is fsynced: a power loss or kernel crash can lose it). Each record is framed as
/// <c>magic, payload length, XxHash3 of the payload, payload</c>, padded to 8 bytes: a record torn by the kill (or
/// space reserved and never written) fails its check and the reader skips to the next valid frame.
/// </summary>
/// <remarks>
/// Bookkeeping: <c>_tail</c> is the reservation counter (it runs past the end once the segment is full); the one writer
/// whose reservation straddles the end records where the last record that fit ends (<c>_extent</c>), which seals the
/// segment. Writers count their bytes and rows when written (<c>_done</c>), the publisher counts the rows it is done with
/// (<c>_acked</c>). A sealed segment whose every reserved byte is written and every row acknowledged can be deleted: no
/// writer can still be inside it.
/// </remarks>
public sealed unsafe class SpoolSegment : IDisposable
{
    public const int FrameHeader = 16;
    private const uint Magic = 0x4C4F5053; // "SPOL"
    private const int RowShift = 40;
    private const long ByteMask = (1L << RowShift) - 1;

    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private long _tail;
    private long _extent = -1;
    private long _done; // rows << 40 | bytes written
    private long _acked;
    private bool _handedOver; // its mapping now belongs to the segment Reuse made

    /// <summary>A segment on a mapping already acquired (<paramref name="mapped"/>): a new file's, or a reused one's.</summary>
    private SpoolSegment(long sequence, string path, long capacity, MemoryMappedFile? file, MemoryMappedViewAccessor? view, byte* mapped)
    {
        Sequence = sequence;
        Path = path;
        Capacity = capacity;
        _file = file;
        _view = view;
        _base = mapped;
    }

    private SpoolSegment(long sequence, string path, long capacity, MemoryMappedFile? file, MemoryMappedViewAccessor? view)
        : this(sequence, path, capacity, file, view, Acquire(view))
    {
    }

    /// <summary>The view's first byte, held until <see cref="Dispose"/> releases it; null for a segment that is not mapped.</summary>
    private static byte* Acquire(MemoryMappedViewAccessor? view)
    {
        if (view is null) return null;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        return pointer + view.PointerOffset;
    }

    public long Sequence { get; }
    public string Path { get; }
    public long Capacity { get; }

    /// <summary>Rows written and not yet acknowledged (for the deletion check and the tests).</summary>
    public long Unacknowledged => (Volatile.Read(ref _done) >> RowShift) - Volatile.Read(ref _acked);

    /// <summary>A new, empty segment file of <paramref name="capacity"/> bytes (sparse until written).</summary>
    public static SpoolSegment Create(string folder, long sequence, long capacity)
    {
        var path = System.IO.Path.Combine(folder, FileName(sequence));
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        try
        {
            stream.SetLength(capacity);
            var file = MemoryMappedFile.CreateFromFile(stream, null, capacity, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            return new SpoolSegment(sequence, path, capacity, file, file.CreateViewAccessor(0, capacity));
        }
        catch
        {
            stream.Dispose();
            File.Delete(path);
            throw;
        }
    }

    /// <summary>A segment left by an earlier process, already read: sealed, nothing more is written to it.</summary>
    public static SpoolSegment Replayed(string path, long sequence, long rows)
    {
        var segment = new SpoolSegment(sequence, path, 0, null, null);
        segment._extent = 0;
        segment._done = rows << RowShift;
        return segment;
    }

    public static string FileName(long sequence) => $"{sequence:D12}.seg";

    /// <summary>Written by this process (mapped), not read back from an earlier one: its file can be reused.</summary>
    public bool Mapped => _view is not null;

    /// <summary>
    /// Zeroes a finished segment's memory, so that its file holds no record: done once it is renamed out of the
    /// <c>*.seg</c> files, before it is reused. The pages stay mapped and resident, which is what reuse saves.
    /// </summary>
    public void Clear() => NativeMemory.Clear(_base, (nuint)Capacity);

    /// <summary>
    /// A new, empty segment <paramref name="sequence"/> on this one's cleared file, already renamed to
    /// <paramref name="path"/>: it takes over the mapping, and this object no longer owns anything.
    /// </summary>
    public SpoolSegment Reuse(long sequence, string path)
    {
        _handedOver = true;
        return new SpoolSegment(sequence, path, Capacity, _file, _view, _base);
    }

    /// <summary>The bytes a payload of <paramref name="payload"/> bytes takes, framed and padded.</summary>
    public static long FrameSize(int payload) => (FrameHeader + payload + 7) & ~7L;

    /// <summary>
    /// Writes one framed record of <paramref name="rows"/> rows; false when it does not fit (the segment is then sealed
    /// and the caller moves to the next one).
    /// </summary>
    public bool TryAppend(ReadOnlySpan<byte> payload, int rows)
    {
        var size = FrameSize(payload.Length);
        var end = Interlocked.Add(ref _tail, size);
        var start = end - size;
        if (end > Capacity)
        {
            // Exactly one reservation straddles the end: the records before it are all there is.
            if (start <= Capacity) Volatile.Write(ref _extent, start);
            return false;
        }

        var frame = new Span<byte>(_base + start, (int)size);
        BinaryPrimitives.WriteUInt32LittleEndian(frame, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(frame[4..], payload.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[8..], XxHash3.HashToUInt64(payload));
        payload.CopyTo(frame[FrameHeader..]);
        Interlocked.Add(ref _done, ((long)rows << RowShift) | size);
        return true;
    }

    public void Acknowledge(long rows) => Interlocked.Add(ref _acked, rows);

    /// <summary>Sealed, every reservation written, every row acknowledged: nothing will touch it again.</summary>
    public bool Finished
    {
        get
        {
            var extent = Volatile.Read(ref _extent);
            if (extent < 0) return false;
            var done = Volatile.Read(ref _done);
            return (done & ByteMask) == extent && (done >> RowShift) == Volatile.Read(ref _acked);
        }
    }

    /// <summary>No writer inside and every row acknowledged (at shutdown: writers have stopped, sealed or not).</summary>
    public bool Idle => (Volatile.Read(ref _done) & ByteMask) == Math.Min(Volatile.Read(ref _tail), Capacity) && Unacknowledged == 0;

    /// <summary>
    /// The records of a segment file, in file order, skipping torn or unwritten frames (counted in <paramref name="torn"/>:
    /// each stretch of non-zero 8-byte words that is not a valid frame counts once).
    /// </summary>
    public static List<byte[]> Read(ReadOnlySpan<byte> data, out int torn)
    {
        var payloads = new List<byte[]>();
        torn = 0;
        var inGap = false;
        for (var at = 0; at + FrameHeader <= data.Length;)
        {
            var frame = data[at..];
            var length = BinaryPrimitives.ReadInt32LittleEndian(frame[4..]);
            if (BinaryPrimitives.ReadUInt32LittleEndian(frame) == Magic && length >= 0 && length <= frame.Length - FrameHeader
                && XxHash3.HashToUInt64(frame.Slice(FrameHeader, length)) == BinaryPrimitives.ReadUInt64LittleEndian(frame[8..]))
            {
                payloads.Add(frame.Slice(FrameHeader, length).ToArray());
                at += (int)FrameSize(length);
                inGap = false;
                continue;
            }

            // Not a frame: a torn one, or space reserved and never written. Frames start on 8-byte boundaries.
            var written = BinaryPrimitives.ReadUInt64LittleEndian(frame) != 0;
            if (written && !inGap) torn++;
            inGap = written;
            at += 8;
        }

        return payloads;
    }

    /// <summary>Unmaps the segment without writing it back: the spool never syncs (see the class summary).</summary>
    public void Dispose()
    {
        if (_view is null || _handedOver) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        // Closing the view's handle first unmaps it and makes the accessor skip its Flush, a synchronous msync of the
        // whole file: it wrote every published segment out just before it was deleted (7% of the gateway's CPU
        // with 100-row requests, perf). Unmapping alone leaves the written pages in the page cache, as a kill would.
        _view.SafeMemoryMappedViewHandle.Dispose();
        _view.Dispose();
        _file!.Dispose();
    }
}
