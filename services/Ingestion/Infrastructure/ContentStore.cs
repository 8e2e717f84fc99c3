using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Platform.Ingestion.Infrastructure;

public sealed class UploadTooLargeException(long limit) : Exception($"The upload is larger than the limit of {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// <summary>Content-addressed file store: a file's name is the SHA-256 of its bytes, so identical content is stored once.</summary>
public sealed class ContentStore(IOptions<IngestionOptions> options)
{
    private readonly string _root = Path.GetFullPath(options.Value.StoragePath);

    public sealed record StagedContent(string TempPath, string Sha256, long SizeBytes);

    /// <summary>Streams the upload to a temporary file while hashing it, never holding it whole in memory.</summary>
    public async Task<StagedContent> StageAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(_root, "tmp"));
        var tempPath = Path.Combine(_root, "tmp", Guid.NewGuid().ToString("N"));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        try
        {
            await using var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBytes) throw new UploadTooLargeException(maxBytes);
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch
        {
            File.Delete(tempPath);
            throw;
        }

        return new StagedContent(tempPath, Convert.ToHexStringLower(hash.GetHashAndReset()), total);
    }

    /// <summary>Moves staged bytes to their content address; a second copy of known content is simply dropped.</summary>
    public void Commit(StagedContent staged)
    {
        var target = PathOf(staged.Sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target)) File.Delete(staged.TempPath);
        else File.Move(staged.TempPath, target);
    }

    public void Discard(StagedContent staged) => File.Delete(staged.TempPath);

    /// <summary>Starts a staged file written piece by piece (a rewritten or combined CSV), hashed as it is written.</summary>
    public StagingWriter CreateWriter()
    {
        Directory.CreateDirectory(Path.Combine(_root, "tmp"));
        return new StagingWriter(Path.Combine(_root, "tmp", Guid.NewGuid().ToString("N")));
    }

    /// <summary>True when an object with this hash is stored.</summary>
    public bool Contains(string sha256) => File.Exists(PathOf(sha256));

    /// <summary>Removes a stored object; only for one whose database row was never committed.</summary>
    public void Remove(string sha256) => File.Delete(PathOf(sha256));

    /// <summary>
    /// Deletes the staged files not written to since <paramref name="now"/> minus <paramref name="maxAge"/>: what a
    /// process killed mid-upload left behind. A live submission writes its file as it streams and holds it for one
    /// validation pass at most, so it is never that old; files another replica is writing are left alone.
    /// </summary>
    /// <returns>The paths deleted.</returns>
    public IReadOnlyList<string> SweepStaged(DateTimeOffset now, TimeSpan maxAge)
    {
        if (!Directory.Exists(StagingFolder)) return [];
        var deleted = new List<string>();
        foreach (var path in Directory.EnumerateFiles(StagingFolder))
        {
            var written = File.GetLastWriteTimeUtc(path);
            // A file that went in the meantime (committed or discarded by its owner) reads as written in 1601: Delete
            // is then a no-op, so it is not counted.
            if (now.UtcDateTime - written <= maxAge || !File.Exists(path)) continue;
            File.Delete(path);
            deleted.Add(path);
        }

        return deleted;
    }

    /// <summary>The staging folder, where nothing should be left once a submission is answered.</summary>
    public string StagingFolder => Path.Combine(_root, "tmp");

    public string ObjectsFolder => Path.Combine(_root, "objects");

    public sealed class StagingWriter : IDisposable
    {
        private static readonly byte[] NewLine = "\n"u8.ToArray();
        private readonly string _path;
        private readonly FileStream _file;
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;
        private bool _completed;

        internal StagingWriter(string path)
        {
            _path = path;
            _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920);
        }

        /// <summary>Writes one record and a line feed.</summary>
        public void WriteLine(ReadOnlySpan<byte> record)
        {
            _file.Write(record);
            _file.Write(NewLine);
            _hash.AppendData(record);
            _hash.AppendData(NewLine);
            _length += record.Length + NewLine.Length;
        }

        public StagedContent Complete()
        {
            _file.Dispose();
            _completed = true;
            return new StagedContent(_path, Convert.ToHexStringLower(_hash.GetHashAndReset()), _length);
        }

        /// <summary>Closes the file and, unless it was completed, deletes it.</summary>
        public void Dispose()
        {
            _file.Dispose();
            _hash.Dispose();
            if (!_completed) File.Delete(_path);
        }
    }

    public string PathOf(string sha256) => Path.Combine(_root, "objects", sha256[..2], sha256);

    public Stream OpenRead(string sha256) => new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
}
