using System.Globalization;
using System.Threading.Channels;
using FFMpegCore.Pipes;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// Raw RGB24 frames for ffmpeg's input pipe, written as they are queued, so one ffmpeg lives for the whole job. Once
/// ffmpeg stops reading (it failed, or was asked to quit) later frames are dropped; its exit status tells why.
/// </summary>
internal sealed class RawFrameSource(int width, int height, int fps) : IPipeSource
{
    private readonly Channel<ReadOnlyMemory<byte>> _frames = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });

    public string GetStreamArguments() =>
        string.Create(CultureInfo.InvariantCulture, $"-f rawvideo -pix_fmt rgb24 -s {width}x{height} -framerate {fps}");

    public ValueTask QueueAsync(ReadOnlyMemory<byte> frame, CancellationToken ct) => _frames.Writer.WriteAsync(frame, ct);

    /// <summary>No more frames: ffmpeg sees the end of its input and finishes the last segment.</summary>
    public void Complete() => _frames.Writer.TryComplete();

    public async Task WriteAsync(Stream outputStream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in _frames.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                await outputStream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // ffmpeg closed the pipe; drain so a writer waiting on a full queue is not left hanging.
            Complete();
            while (_frames.Reader.TryRead(out _)) { }
        }
    }
}
