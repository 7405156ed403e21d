using System.Diagnostics;
using Xunit;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

/// <summary>The job-shaped proof that every frame is encoded once: ten clips (45 + 9×48 = 477 frames) through one
/// encoder; exactly one ffmpeg with libx264 runs, x264 reports 477 frames, and the final MP4 holds those 477.</summary>
public sealed class OneEncodePerFrameTests : IDisposable
{
    private readonly MediaTestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_ten_clip_job_runs_one_x264_encoder_that_encodes_each_of_its_477_frames_once()
    {
        var audio = _dir.Ffmpeg("voice.wav", "-f", "lavfi", "-i", "sine=f=220:r=16000:d=20");
        var output = _dir.PathOf("ten.mp4");
        var encoders = new HashSet<int>();
        var segments = new List<VideoSegment>();
        await using (var encoder = await FragmentedVideoEncoder.StartAsync(output,
            new VideoEncoderSettings(64, 64, audio, SegmentPlan.PerClip(48, 3), Preset: "ultrafast")))
        {
            var first = 0;
            for (var clip = 0; clip < 10; clip++)
            {
                var n = clip == 0 ? 45 : 48;
                segments.AddRange(await encoder.WriteBatchAsync(TestFrames.Range(first, n, 64, 64)));
                encoders.UnionWith(X264Children(encoder.WorkFolder));
                first += n;
            }
            segments.AddRange(await encoder.CompleteAsync());

            Assert.Equal(477, encoder.EncodedFrames);
        }

        Assert.Single(encoders);
        Assert.Equal(10, segments.Count);
        Assert.Equal(477, segments.Sum(s => s.FrameCount));
        var v = MediaTestDir.Probe(output, "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames");
        Assert.Contains("nb_read_frames=477", v);
    }

    /// <summary>ffmpeg processes of this test host that run libx264 into this encoder's work folder (other tests may
    /// run encoders at the same time), read from /proc (Linux only).</summary>
    private static IEnumerable<int> X264Children(string workFolder)
    {
        var self = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string stat, cmdline;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
            }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            var parent = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1];
            if (parent == self && cmdline.Contains("libx264", StringComparison.Ordinal)
                && cmdline.Contains(workFolder, StringComparison.Ordinal)) yield return pid;
        }
    }
}
