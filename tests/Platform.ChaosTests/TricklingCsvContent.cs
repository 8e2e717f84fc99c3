using System.Net;
using System.Net.Http.Headers;

namespace Platform.ChaosTests;

/// <summary>
/// A CSV request body streamed in two parts: the first half of the file, then a pause until the test lets it go on, so
/// that a fault can land while the server is in the middle of reading (staging) the upload.
/// </summary>
public sealed class TricklingCsvContent : HttpContent
{
    private readonly byte[] _bytes;
    private readonly TaskCompletionSource _halfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _goOn = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TricklingCsvContent(string path)
    {
        _bytes = File.ReadAllBytes(path);
        Headers.ContentType = new MediaTypeHeaderValue("text/csv");
    }

    /// <summary>Completes once the first half is on the wire.</summary>
    public Task HalfSent => _halfSent.Task;

    /// <summary>Lets the second half go.</summary>
    public void GoOn() => _goOn.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var half = _bytes.Length / 2;
        await stream.WriteAsync(_bytes.AsMemory(0, half));
        await stream.FlushAsync();
        _halfSent.TrySetResult();
        await _goOn.Task;
        await stream.WriteAsync(_bytes.AsMemory(half));
    }

    // Unknown length: sent chunked, as a streamed upload is.
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
