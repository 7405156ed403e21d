using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

public sealed class FragmentedMp4SegmenterTests : IDisposable
{
    private const int W = 128, H = 64;
    private readonly MediaTestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Init_plus_consecutive_clip_segments_play_as_one_continuous_stream_with_audio()
    {
        var audio = _dir.Ffmpeg("voice.wav", "-f", "lavfi", "-i", "sine=f=330:r=22050:d=4");
        var segmenter = await FragmentedMp4Segmenter.CreateAsync(W, H, audio);
        int[] clipLengths = [9, 12, 12, 12]; // like 45, 48, 48, 48: the first clip is 3 frames short
        using var concat = new MemoryStream();
        concat.Write(segmenter.InitSegment);
        var first = 0;
        foreach (var n in clipLengths)
        {
            var frames = Enumerable.Range(first, n).Select(i => (ReadOnlyMemory<byte>)Mp4VideoWriterTests.Frame(i, W, H)).ToList();
            concat.Write(await segmenter.EncodeClipAsync(frames, first));
            first += n;
        }
        var path = _dir.Write("live.mp4", concat.ToArray());

        Assert.Matches(new Regex(@"^avc1\.[0-9a-f]{6}, mp4a\.40\.2$"), segmenter.Codecs);
        Assert.StartsWith("video/mp4; codecs=\"avc1.", segmenter.MimeType);
        var video = PacketTimes(path, "v:0"); // time base 1/12800
        Assert.Equal(45, video.Count);
        for (var i = 0; i < video.Count; i++) Assert.Equal((i * 512L, 512L), video[i]);
        var audioPackets = PacketTimes(path, "a:0"); // time base 1/48000
        Assert.Equal(0, audioPackets[0].Pts);
        for (var i = 1; i < audioPackets.Count; i++)
            Assert.Equal(audioPackets[i - 1].Pts + audioPackets[i - 1].Duration, audioPackets[i].Pts);
        var audioEnd = audioPackets[^1].Pts + audioPackets[^1].Duration;
        Assert.InRange(audioEnd, 45 * 1920, 45 * 1920 + 1023); // 1.8 s, to within one AAC frame
        // The whole file decodes without a single complaint.
        Assert.Equal("", MediaTestDir.Run("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"]).Trim());
    }

    [Fact]
    public async Task A_segmenter_without_audio_produces_video_only_segments()
    {
        var segmenter = await FragmentedMp4Segmenter.CreateAsync(W, H, audioPath: null);
        var seg = await segmenter.EncodeClipAsync([Mp4VideoWriterTests.Frame(0), Mp4VideoWriterTests.Frame(1)], 0);
        var path = _dir.Write("v.mp4", [.. segmenter.InitSegment, .. seg]);

        Assert.DoesNotContain("mp4a", segmenter.Codecs);
        Assert.Equal(2, PacketTimes(path, "v:0").Count);
    }

    [Fact]
    public void Audio_packet_ranges_of_consecutive_clips_tile_without_gaps_or_overlaps()
    {
        var next = 0;
        var firstFrame = 0L;
        foreach (var n in new[] { 45, 48, 48, 48, 48, 12, 7 })
        {
            var (first, count) = FragmentedMp4Segmenter.AudioPacketRange(firstFrame, n, 10_000);
            Assert.Equal(next, first);
            next = first + count;
            firstFrame += n;
        }
        Assert.Equal((int)Math.Ceiling(firstFrame * 1920 / 1024.0), next);
        Assert.Equal((0, 0), FragmentedMp4Segmenter.AudioPacketRange(500, 48, 0));
    }

    private static List<(long Pts, long Duration)> PacketTimes(string path, string stream) =>
        MediaTestDir.Run("ffprobe", ["-v", "error", "-select_streams", stream, "-show_entries", "packet=pts,duration",
                "-of", "csv=p=0", path])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(','))
            .Select(p => (long.Parse(p[0], CultureInfo.InvariantCulture), long.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();
}
