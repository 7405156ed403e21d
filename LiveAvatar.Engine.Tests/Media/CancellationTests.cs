using System.Diagnostics;
using Xunit;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

public sealed class CancellationTests : IDisposable
{
    private readonly MediaTestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Cancelling_a_long_audio_decode_stops_it_promptly()
    {
        var path = _dir.Ffmpeg("long.flac", "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.1", "-t", "1200", "-c:a", "flac",
            "-compression_level", "0");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AudioLoader.LoadAsync(path, ct: cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Cancelling_a_batch_write_throws_operation_cancelled_and_completing_keeps_what_was_encoded()
    {
        var output = _dir.PathOf("kept.mp4");
        await using var encoder = await FragmentedVideoEncoder.StartAsync(output,
            new VideoEncoderSettings(128, 64, null, new SegmentPlan(48, 48), Preset: "veryfast"));
        await encoder.WriteBatchAsync(TestFrames.Range(0, 48));
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => encoder.WriteBatchAsync(TestFrames.Range(48, 48), cts.Token));
        await encoder.CompleteAsync();

        var v = MediaTestDir.Probe(output, "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames");
        Assert.Contains("nb_read_frames=48", v);
        Assert.Empty(_dir.Leftovers());
    }
}
