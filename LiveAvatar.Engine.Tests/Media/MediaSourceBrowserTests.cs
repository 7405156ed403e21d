using System.Text;
using Xunit;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

/// <summary>
/// The real consumer check: Debian's headless Chromium appends the segments to a MediaSource SourceBuffer.
/// Skipped (passes trivially) where /usr/bin/chromium is absent.
/// </summary>
public sealed class MediaSourceBrowserTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly MediaTestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Chromium_buffers_consecutive_clip_segments_as_one_gap_free_range()
    {
        if (!File.Exists(Chromium)) return;
        var audio = _dir.Ffmpeg("voice.wav", "-f", "lavfi", "-i", "sine=f=330:r=22050:d=5");
        await using var encoder = await FragmentedVideoEncoder.StartAsync(_dir.PathOf("out.mp4"),
            new VideoEncoderSettings(128, 64, audio, SegmentPlan.PerClip(48, 3), Preset: "veryfast"));
        var segments = new List<VideoSegment>();
        segments.AddRange(await encoder.WriteBatchAsync(TestFrames.Range(0, 45)));
        segments.AddRange(await encoder.WriteBatchAsync(TestFrames.Range(45, 48)));
        segments.AddRange(await encoder.CompleteAsync());
        var parts = new List<byte[]> { encoder.InitSegment! };
        parts.AddRange(segments.Select(s => s.Bytes));
        var page = _dir.Write("mse.html", Encoding.UTF8.GetBytes(Page(encoder.MimeType!, parts)));

        var dom = MediaTestDir.Run(Chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--virtual-time-budget=8000",
            "--user-data-dir=" + _dir.PathOf("profile"), "--dump-dom", "file://" + page]);
        var start = dom.IndexOf("<pre id=\"out\">", StringComparison.Ordinal);
        var report = dom[start..dom.IndexOf("</pre>", start, StringComparison.Ordinal)];

        Assert.Contains("supported=true", report);
        Assert.Contains("after 1: 0.000-1.800\n", report); // 45 frames
        Assert.Contains("after 2: 0.000-3.720", report); // 93 frames, one range: audio and video both continuous
        Assert.DoesNotContain("ERR", report);
    }

    private static string Page(string mime, List<byte[]> parts) => $$"""
        <html><body><video id=v muted></video><pre id=out>pending</pre><script>
        const parts = [{{string.Join(",", parts.Select(p => $"'{Convert.ToBase64String(p)}'"))}}]
          .map(b => Uint8Array.from(atob(b), c => c.charCodeAt(0)));
        const mime = '{{mime.Replace("'", "\\'")}}';
        const log = ['supported=' + MediaSource.isTypeSupported(mime)];
        const ms = new MediaSource();
        document.getElementById('v').src = URL.createObjectURL(ms);
        ms.addEventListener('sourceopen', async () => {
          const sb = ms.addSourceBuffer(mime);
          try {
            for (let i = 0; i < parts.length; i++) {
              sb.appendBuffer(parts[i]);
              await new Promise((ok, fail) => { sb.onupdateend = ok; sb.onerror = () => fail('append error'); });
              const r = [];
              for (let k = 0; k < sb.buffered.length; k++) r.push(sb.buffered.start(k).toFixed(3) + '-' + sb.buffered.end(k).toFixed(3));
              log.push('after ' + i + ': ' + r.join(' '));
            }
          } catch (e) { log.push('ERR ' + e); }
          document.getElementById('out').textContent = log.join('\n');
        });
        </script></body></html>
        """;
}
