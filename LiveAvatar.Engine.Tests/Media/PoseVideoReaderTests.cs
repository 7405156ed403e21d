using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Pipelines.Core;
using LiveAvatar.Engine.Tests.TestSupport;
using TorchSharp;

namespace LiveAvatar.Engine.Tests.Media;

[Collection(TorchCollection.Name)]
public sealed class PoseVideoReaderTests : IDisposable
{
    private readonly MediaTestDir _dir = new();

    public void Dispose() => Directory.Delete(_dir.Root, true);

    [Theory]
    [InlineData(25.0, 1)]
    [InlineData(30.0, 1)]
    [InlineData(37.5, 2)]   // round(1.5) = 2
    [InlineData(50.0, 2)]
    [InlineData(62.5, 2)]   // round(2.5) = 2: Python rounds halves to even
    [InlineData(60.0, 2)]
    [InlineData(12.0, 1)]
    public void The_frame_step_is_the_rounded_ratio_to_25_fps(double fps, int step) =>
        Assert.Equal(step, PoseVideoReader.Interval(fps));

    [Fact]
    public async Task A_50_fps_video_is_read_from_its_first_frame_every_second_frame_in_forward_order()
    {
        var video = _dir.Ffmpeg("pose.mp4", "-f", "lavfi", "-i", "testsrc2=s=32x16:r=50:d=0.4", "-pix_fmt", "yuv420p");
        var info = await PoseVideoReader.InspectAsync(video);
        Assert.Equal((32, 16, 2), (info.Width, info.Height, info.Interval));
        var decoded = await ReadAllRgb(video);
        var frameBytes = 32 * 16 * 3;
        Assert.Equal(20, decoded.Length / frameBytes);

        var five = new List<byte[]>();
        await foreach (var f in PoseVideoReader.ReadFramesAsync(info, 5)) five.Add(f);
        Assert.Equal(5, five.Count);
        for (var i = 0; i < 5; i++) Assert.Equal(decoded.AsSpan(2 * i * frameBytes, frameBytes).ToArray(), five[i]);

        // Asking for more than the video holds stops at its end (the rest is padding, added by the caller).
        var many = new List<byte[]>();
        await foreach (var f in PoseVideoReader.ReadFramesAsync(info, 50)) many.Add(f);
        Assert.Equal(10, many.Count);
    }

    [Fact]
    public async Task A_reader_slower_than_ffmpeg_still_gets_every_frame()
    {
        // ffmpeg decodes these 10 frames and exits long before the reader has taken the third: the frames left in
        // the pipe and the ones waiting for room must still arrive (FFMpegCore cancels its pipe token at the exit).
        var video = _dir.Ffmpeg("slow.mp4", "-f", "lavfi", "-i", "testsrc2=s=32x16:r=50:d=0.4", "-pix_fmt", "yuv420p");
        var info = await PoseVideoReader.InspectAsync(video);
        var frames = 0;
        await foreach (var _ in PoseVideoReader.ReadFramesAsync(info, 50))
        {
            frames++;
            await Task.Delay(150);
        }
        Assert.Equal(10, frames);
    }

    [Fact]
    public async Task A_still_image_or_missing_file_is_refused_with_its_name()
    {
        var png = _dir.Ffmpeg("still.png", "-f", "lavfi", "-i", "color=red:s=16x16", "-frames:v", "1");
        var e = await Assert.ThrowsAnyAsync<MediaException>(() => PoseVideoReader.InspectAsync(png));
        Assert.Contains("still.png", e.Message);
        await Assert.ThrowsAnyAsync<Exception>(() => PoseVideoReader.InspectAsync(_dir.PathOf("nope.mp4")));
    }

    [Fact]
    public void A_frame_smaller_than_the_crop_is_padded_with_zeros_like_torchvision_center_crop()
    {
        // 16×16 white frame to an 8-high, 32-wide output: short side 8 → 8×8, then 12 zero columns each side.
        var white = Enumerable.Repeat((byte)255, 16 * 16 * 3).ToArray();
        using var frame = PoseConditioning.Frame(white, 16, 16, 8, 32);
        Assert.Equal([3L, 8, 32], frame.shape);
        Assert.Equal(0f, frame.narrow(2, 0, 12).abs().max().ToSingle());
        Assert.Equal(0f, frame.narrow(2, 20, 12).abs().max().ToSingle());
        Assert.Equal(1f, frame.narrow(2, 12, 8).min().ToSingle(), 5);
    }

    private async Task<byte[]> ReadAllRgb(string video)
    {
        var raw = _dir.PathOf("all.rgb");
        MediaTestDir.Run("ffmpeg", ["-nostdin", "-v", "error", "-y", "-i", video, "-f", "rawvideo", "-pix_fmt", "rgb24", "-fps_mode", "passthrough", raw]);
        return await File.ReadAllBytesAsync(raw);
    }
}
