using System.Globalization;
using Xunit;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

public sealed class FragmentedVideoEncoderTests : IDisposable
{
    private const int W = 128, H = 64;
    private readonly MediaTestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static VideoEncoderSettings Settings(string? audio, SegmentPlan? plan = null) =>
        new(W, H, audio, plan ?? new SegmentPlan(9, 12), Preset: "veryfast");

    [Fact]
    public async Task Each_batch_becomes_one_segment_and_init_plus_segments_play_as_one_stream_with_audio()
    {
        var audio = _dir.Ffmpeg("voice.wav", "-f", "lavfi", "-i", "sine=f=330:r=22050:d=4");
        await using var encoder = await FragmentedVideoEncoder.StartAsync(_dir.PathOf("out.mp4"), Settings(audio));
        var segments = new List<VideoSegment>();
        var first = 0;
        foreach (var n in new[] { 9, 12, 12, 12 }) // blocks: the first is 3 frames short, like a first clip
        {
            var ready = await encoder.WriteBatchAsync(TestFrames.Range(first, n));
            // A segment closes when the next batch's first frame reaches the muxer: the previous batch's is ready now.
            Assert.Equal(first == 0 ? 0 : 1, ready.Count);
            segments.AddRange(ready);
            first += n;
        }
        segments.AddRange(await encoder.CompleteAsync());

        Assert.Equal([1, 2, 3, 4], segments.Select(s => s.Number));
        Assert.Equal([0, 9, 21, 33], segments.Select(s => s.FirstFrame));
        Assert.Equal([9, 12, 12, 12], segments.Select(s => s.FrameCount));
        Assert.Matches(@"^video/mp4; codecs=""avc1\.64[0-9a-f]{4}, mp4a\.40\.2""$", encoder.MimeType);
        var live = _dir.Write("live.mp4", [.. encoder.InitSegment!, .. segments.SelectMany(s => s.Bytes)]);
        for (var k = 0; k < segments.Count; k++)
        {
            var one = _dir.Write($"seg{k}.mp4", [.. encoder.InitSegment!, .. segments[k].Bytes]);
            Assert.Equal(segments[k].FrameCount, PacketTimes(one, "v:0").Count);
            Assert.NotEmpty(PacketTimes(one, "a:0")); // every segment carries its slice of audio
        }
        var video = PacketTimes(live, "v:0"); // time base 1/12800
        Assert.Equal(45, video.Count);
        for (var i = 0; i < video.Count; i++) Assert.Equal((i * 512L, 512L), video[i]);
        var audioPackets = PacketTimes(live, "a:0"); // time base 1/48000; the priming frame sits before 0
        Assert.Equal(-1024, audioPackets[0].Pts);
        for (var i = 1; i < audioPackets.Count; i++) Assert.Equal(audioPackets[i - 1].Pts + 1024, audioPackets[i].Pts);
        // 1.8 s: -shortest stops the audio within a few AAC frames of the video's end.
        Assert.InRange(audioPackets[^1].Pts + 1024, 45 * 1920, 45 * 1920 + 4 * 1024);
        Assert.Equal("", MediaTestDir.Run("ffmpeg", ["-v", "error", "-i", live, "-f", "null", "-"]).Trim());
        Assert.Equal(45, encoder.EncodedFrames); // x264's own count: each frame encoded once
    }

    [Fact]
    public async Task The_final_mp4_is_h264_yuv420p_25fps_with_aac_192k_and_no_work_files_remain()
    {
        var audio = _dir.Ffmpeg("voice.wav", "-f", "lavfi", "-i", "anoisesrc=d=3:a=0.3:r=44100");
        var output = _dir.PathOf("out.mp4");
        await using (var encoder = await FragmentedVideoEncoder.StartAsync(output, Settings(audio, new SegmentPlan(30, 30))))
        {
            await encoder.WriteBatchAsync(TestFrames.Range(0, 30));
            await encoder.CompleteAsync();
        }

        var v = MediaTestDir.Probe(output, "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=codec_name,pix_fmt,r_frame_rate,nb_read_frames");
        Assert.Contains("codec_name=h264", v);
        Assert.Contains("pix_fmt=yuv420p", v);
        Assert.Contains("r_frame_rate=25/1", v);
        Assert.Contains("nb_read_frames=30", v);
        var a = MediaTestDir.Probe(output, "-select_streams", "a:0", "-show_entries", "stream=codec_name,bit_rate,duration");
        Assert.Contains("codec_name=aac", a);
        Assert.InRange(int.Parse(Value(a, "bit_rate"), CultureInfo.InvariantCulture), 150_000, 200_000);
        // The output ends with the video: the 3 s audio is cut near the 1.2 s of frames.
        Assert.InRange(double.Parse(Value(a, "duration"), CultureInfo.InvariantCulture), 1.1, 1.35);
        Assert.Empty(_dir.Leftovers());
        Assert.Equal(["out.mp4", "voice.wav"], Directory.GetFileSystemEntries(_dir.Root).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Audio_shorter_than_the_video_cuts_the_final_video_but_not_the_preview()
    {
        var audio = _dir.Ffmpeg("short.wav", "-f", "lavfi", "-i", "sine=d=1");
        var output = _dir.PathOf("out.mp4");
        await using var encoder = await FragmentedVideoEncoder.StartAsync(output, Settings(audio, new SegmentPlan(75, 75)));
        await encoder.WriteBatchAsync(TestFrames.Range(0, 75));
        var segments = await encoder.CompleteAsync();

        Assert.Equal(75, segments.Single().FrameCount);
        var v = MediaTestDir.Probe(output, "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames");
        Assert.InRange(int.Parse(v.Trim().Split('=')[1], CultureInfo.InvariantCulture), 25, 26);
    }

    [Fact]
    public async Task A_silent_video_has_video_only_segments()
    {
        await using var encoder = await FragmentedVideoEncoder.StartAsync(_dir.PathOf("v.mp4"), Settings(null, new SegmentPlan(2, 2)));
        await encoder.WriteBatchAsync(TestFrames.Range(0, 2));
        var seg = (await encoder.CompleteAsync()).Single();

        Assert.DoesNotContain("mp4a", encoder.MimeType);
        Assert.Equal(2, PacketTimes(_dir.Write("one.mp4", [.. encoder.InitSegment!, .. seg.Bytes]), "v:0").Count);
    }

    [Fact]
    public async Task The_final_name_keeps_the_old_file_until_the_new_video_is_complete()
    {
        var output = _dir.Write("out.mp4", "old"u8.ToArray());
        await using var encoder = await FragmentedVideoEncoder.StartAsync(output, Settings(null, new SegmentPlan(10, 10)));
        await encoder.WriteBatchAsync(TestFrames.Range(0, 10));
        Assert.Equal("old"u8.ToArray(), File.ReadAllBytes(output));

        await encoder.CompleteAsync();

        Assert.True(new FileInfo(output).Length > 100);
        Assert.Empty(_dir.Leftovers());
    }

    [Fact]
    public async Task Disposing_without_completing_stops_ffmpeg_and_leaves_nothing_behind()
    {
        var output = _dir.PathOf("aborted.mp4");
        await using (var encoder = await FragmentedVideoEncoder.StartAsync(output, Settings(null, new SegmentPlan(5, 5))))
            await encoder.WriteBatchAsync(TestFrames.Range(0, 5));

        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Root));
    }

    [Fact]
    public async Task A_batch_that_does_not_end_on_a_planned_cut_is_refused_with_both_numbers()
    {
        await using var encoder = await FragmentedVideoEncoder.StartAsync(_dir.PathOf("x.mp4"), Settings(null));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => encoder.WriteBatchAsync(TestFrames.Range(0, 10)));

        Assert.Contains("frames 0–9", e.Message);
        Assert.Contains("9 then every 12", e.Message);
    }

    [Fact]
    public async Task A_frame_of_the_wrong_size_is_refused()
    {
        await using var encoder = await FragmentedVideoEncoder.StartAsync(_dir.PathOf("x.mp4"), Settings(null, new SegmentPlan(1, 1)));

        var e = await Assert.ThrowsAsync<ArgumentException>(() => encoder.WriteBatchAsync([new byte[10]]));

        Assert.Contains("128×64×3 = 24576 bytes", e.Message);
    }

    private static string Value(string probe, string key) =>
        probe.Split('\n').First(l => l.StartsWith(key + "=", StringComparison.Ordinal)).Split('=')[1];

    internal static List<(long Pts, long Duration)> PacketTimes(string path, string stream) =>
        MediaTestDir.Run("ffprobe", ["-v", "error", "-select_streams", stream, "-show_entries", "packet=pts,duration",
                "-of", "csv=p=0", path])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(','))
            .Select(p => (long.Parse(p[0], CultureInfo.InvariantCulture),
                long.TryParse(p[1], CultureInfo.InvariantCulture, out var d) ? d : 0))
            .ToList();
}
