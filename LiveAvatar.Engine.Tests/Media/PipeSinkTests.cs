using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

/// <summary>FFMpegCore cancels the token it hands a pipe sink as soon as ffmpeg exits, while the pipe can still hold
/// the last of the output; the sinks must read to the pipe's end regardless.</summary>
public sealed class PipeSinkTests
{
    private static readonly byte[] Output = Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray();

    [Fact]
    public async Task The_collecting_sink_reads_everything_left_in_the_pipe_after_ffmpeg_has_exited()
    {
        var sink = new CappedPipeSink("f32le", 1 << 20);
        await sink.ReadAsync(new MemoryStream(Output), new CancellationToken(canceled: true));
        Assert.Equal(Output, sink.Bytes.ToArray());
        Assert.False(sink.Overflowed);
    }

    [Fact]
    public async Task The_counting_sink_counts_everything_left_in_the_pipe_after_ffmpeg_has_exited()
    {
        var sink = new CountingPipeSink("f32le", 1 << 20);
        await sink.ReadAsync(new MemoryStream(Output), new CancellationToken(canceled: true));
        Assert.Equal(Output.Length, sink.Count);
        Assert.False(sink.Overflowed);
    }
}
