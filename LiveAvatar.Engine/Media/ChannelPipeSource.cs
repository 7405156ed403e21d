using System.Threading.Channels;
using FFMpegCore.Pipes;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// An ffmpeg input pipe fed from a queue of byte chunks, written as they are queued, so one ffmpeg lives for the
/// whole job. Once ffmpeg stops reading (it failed, or was asked to quit) later chunks are dropped; its exit status
/// tells why.
/// </summary>
internal abstract class ChannelPipeSource(Channel<ReadOnlyMemory<byte>> chunks) : IPipeSource
{
    protected ChannelWriter<ReadOnlyMemory<byte>> Writer => chunks.Writer;

    public abstract string GetStreamArguments();

    /// <summary>No more data: ffmpeg sees the end of this input.</summary>
    public void Complete() => chunks.Writer.TryComplete();

    public async Task WriteAsync(Stream outputStream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var chunk in chunks.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                await outputStream.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // ffmpeg closed the pipe; drain so a writer waiting on a full queue is not left hanging.
            Complete();
            while (chunks.Reader.TryRead(out _)) { }
        }
    }
}
