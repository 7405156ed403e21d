using System.Globalization;
using System.Threading.Channels;
using FFMpegCore.Pipes;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// 16 kHz mono s16le audio for ffmpeg's second input pipe, written as the live session hands each block over, so
/// the sound of a block enters ffmpeg together with its frames. Unbounded: the session queues at most one block
/// ahead of the frames, and ffmpeg reads its inputs on threads of their own.
/// </summary>
internal sealed class RawPcmSource : IPipeSource
{
    private readonly Channel<ReadOnlyMemory<byte>> _chunks = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public string GetStreamArguments() =>
        string.Create(CultureInfo.InvariantCulture, $"-f s16le -ar {AudioTrack.SampleRate} -ac 1");

    public void Queue(ReadOnlySpan<float> samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            var v = (short)Math.Clamp(MathF.Round(samples[i] * 32768f), short.MinValue, short.MaxValue);
            bytes[2 * i] = (byte)v;
            bytes[2 * i + 1] = (byte)(v >> 8);
        }
        _chunks.Writer.TryWrite(bytes);
    }

    public void Complete() => _chunks.Writer.TryComplete();

    public async Task WriteAsync(Stream outputStream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var chunk in _chunks.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                await outputStream.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            Complete();
            while (_chunks.Reader.TryRead(out _)) { }
        }
    }
}
