using System.Globalization;
using System.Threading.Channels;

namespace LiveAvatar.Engine.Media;

/// <summary>Raw RGB24 frames for ffmpeg's video input pipe; at most 8 frames wait, so a slow encoder holds the sampler back.</summary>
internal sealed class RawFrameSource(int width, int height, int fps) : ChannelPipeSource(
    Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true }))
{
    public override string GetStreamArguments() =>
        string.Create(CultureInfo.InvariantCulture, $"-f rawvideo -pix_fmt rgb24 -s {width}x{height} -framerate {fps}");

    public ValueTask QueueAsync(ReadOnlyMemory<byte> frame, CancellationToken ct) => Writer.WriteAsync(frame, ct);
}
