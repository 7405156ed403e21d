using Xunit;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

public sealed class Mp4VideoWriterTests : IDisposable
{
    private const int W = 128, H = 64;
    private readonly MediaTestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static byte[] Frame(int i, int w = W, int h = H)
    {
        var f = new byte[w * h * 3];
        for (var p = 0; p < w * h; p++)
        {
            f[p * 3] = (byte)(i * 8);
            f[p * 3 + 1] = (byte)(p % w * 2);
            f[p * 3 + 2] = 90;
        }
        return f;
    }

    [Fact]
    public async Task Frames_and_audio_become_an_h264_yuv420p_25fps_mp4_with_aac_192k()
    {
        var audio = _dir.Ffmpeg("voice.wav", "-f", "lavfi", "-i", "anoisesrc=d=3:a=0.3:r=44100");
        var output = _dir.PathOf("out.mp4");

        await using (var writer = await Mp4VideoWriter.StartAsync(output, W, H, audio, preset: "veryfast"))
        {
            for (var i = 0; i < 30; i++) await writer.WriteFrameAsync(Frame(i));
            await writer.CompleteAsync();
        }

        var v = MediaTestDir.Probe(output, "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=codec_name,pix_fmt,r_frame_rate,nb_read_frames");
        Assert.Contains("codec_name=h264", v);
        Assert.Contains("pix_fmt=yuv420p", v);
        Assert.Contains("r_frame_rate=25/1", v);
        Assert.Contains("nb_read_frames=30", v);
        var a = MediaTestDir.Probe(output, "-select_streams", "a:0", "-show_entries", "stream=codec_name,bit_rate,duration");
        Assert.Contains("codec_name=aac", a);
        var bitRate = int.Parse(a.Split('\n').First(l => l.StartsWith("bit_rate=")).Split('=')[1]);
        Assert.InRange(bitRate, 150_000, 200_000);
        // -shortest: the 3 s audio is cut near the 1.2 s of video.
        var duration = double.Parse(a.Split('\n').First(l => l.StartsWith("duration=")).Split('=')[1]);
        Assert.InRange(duration, 1.1, 1.35);
        Assert.Empty(_dir.Leftovers());
    }

    [Fact]
    public async Task Audio_shorter_than_the_video_cuts_the_video()
    {
        var audio = _dir.Ffmpeg("short.wav", "-f", "lavfi", "-i", "sine=d=1");
        var output = _dir.PathOf("out.mp4");

        await using (var writer = await Mp4VideoWriter.StartAsync(output, W, H, audio, preset: "veryfast"))
        {
            for (var i = 0; i < 75; i++) await writer.WriteFrameAsync(Frame(i));
            await writer.CompleteAsync();
        }

        var v = MediaTestDir.Probe(output, "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames");
        var frames = int.Parse(v.Trim().Split('=')[1]);
        Assert.InRange(frames, 25, 26);
    }

    [Fact]
    public async Task The_final_name_keeps_the_old_file_until_the_new_video_is_complete()
    {
        var output = _dir.Write("out.mp4", "old"u8.ToArray());

        await using var writer = await Mp4VideoWriter.StartAsync(output, W, H, audioPath: null, preset: "veryfast");
        for (var i = 0; i < 10; i++) await writer.WriteFrameAsync(Frame(i));
        Assert.Equal("old"u8.ToArray(), File.ReadAllBytes(output));
        await writer.CompleteAsync();

        Assert.True(new FileInfo(output).Length > 100);
        Assert.Empty(_dir.Leftovers());
    }

    [Fact]
    public async Task Disposing_without_completing_deletes_the_temp_file_and_writes_nothing()
    {
        var output = _dir.PathOf("aborted.mp4");

        await using (var writer = await Mp4VideoWriter.StartAsync(output, W, H, audioPath: null, preset: "veryfast"))
        {
            for (var i = 0; i < 5; i++) await writer.WriteFrameAsync(Frame(i));
        }

        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_dir.Root));
    }

    [Fact]
    public async Task Cancelling_a_write_kills_ffmpeg_and_leaves_no_file()
    {
        var output = _dir.PathOf("cancelled.mp4");
        using var cts = new CancellationTokenSource();
        await using var writer = await Mp4VideoWriter.StartAsync(output, W, H, audioPath: null, preset: "veryfast");
        await writer.WriteFrameAsync(Frame(0));
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await writer.WriteFrameAsync(Frame(1), cts.Token));

        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_dir.Root));
    }

    [Fact]
    public async Task A_frame_of_the_wrong_size_is_refused()
    {
        await using var writer = await Mp4VideoWriter.StartAsync(_dir.PathOf("x.mp4"), W, H, audioPath: null);

        var e = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteFrameAsync(new byte[10]));

        Assert.Contains("128×64×3 = 24576 bytes", e.Message);
    }
}
