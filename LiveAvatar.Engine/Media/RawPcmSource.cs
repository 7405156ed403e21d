using System.Globalization;
using System.Threading.Channels;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// 16 kHz mono s16le audio for ffmpeg's second input pipe, written as the live session hands each block over, so
/// the sound of a block enters ffmpeg together with its frames. Unbounded: the session queues at most one block
/// ahead of the frames, and ffmpeg reads its inputs on threads of their own.
/// </summary>
internal sealed class RawPcmSource() : ChannelPipeSource(
    Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true }))
{
    public override string GetStreamArguments() =>
        string.Create(CultureInfo.InvariantCulture, $"-f s16le -ar {AudioTrack.SampleRate} -ac 1");

    public void Queue(ReadOnlySpan<float> samples) => Writer.TryWrite(Pcm16.ToBytes(samples));
}
