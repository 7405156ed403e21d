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
    public async Task Cancelling_a_clip_encode_throws_operation_cancelled()
    {
        var segmenter = await FragmentedMp4Segmenter.CreateAsync(128, 64, audioPath: null);
        var frames = Enumerable.Range(0, 48).Select(i => (ReadOnlyMemory<byte>)Mp4VideoWriterTests.Frame(i)).ToList();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => segmenter.EncodeClipAsync(frames, 0, cts.Token));
    }
}
