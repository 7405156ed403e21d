using System.Diagnostics;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Hardening;

public class UploadHardeningTests
{
    /// <summary>Twenty minutes of Opus at 6 kb/s is under 1 MB on disk and 77 MB as float32; measuring it must not
    /// decode it into memory.</summary>
    [Fact]
    public async Task Long_audio_is_measured_by_streaming_with_flat_memory()
    {
        using var data = new TestData();
        string opus = Path.Combine(data.Root, "long.opus");
        Ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:sample_rate=48000:duration=1200", "-c:a", "libopus", "-b:a", "6k", opus);

        long before = GC.GetAllocatedBytesForCurrentThread();
        StoredUpload upload;
        await using (var s = File.OpenRead(opus)) upload = await data.Uploads.SaveAsync(UploadKind.Audio, s, "long.opus");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(upload.Duration.TotalSeconds, 1199.9, 1200.1);
        Assert.True(allocated < 16 * UploadLimits.MiB, $"measuring allocated {allocated / UploadLimits.MiB} MB on this thread");
    }

    [Fact]
    public async Task Audio_declared_longer_than_the_limit_is_refused_before_decoding()
    {
        using var data = new TestData();
        var uploads = new UploadStore(data.Folders, UploadLimits.Default,
            LiveAvatar.Engine.Media.MediaOptions.Default with { MaxAudioDuration = TimeSpan.FromSeconds(2) });

        await using var s = File.OpenRead(TestData.ExampleAudio);
        var e = await Assert.ThrowsAsync<UploadRejectedException>(() => uploads.SaveAsync(UploadKind.Audio, s, "hello.wav"));

        Assert.Contains("the maximum audio duration is 0:02.000", e.Message);
        Assert.Empty(Directory.GetFiles(data.Folders.Uploads));
    }

    [Fact]
    public async Task Parallel_uploads_are_checked_a_few_at_a_time_and_all_succeed()
    {
        using var data = new TestData();
        var uploads = new UploadStore(data.Folders, UploadLimits.Default, concurrentChecks: 1);

        var stored = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            await using var s = File.OpenRead(TestData.ExampleAudio);
            return await uploads.SaveAsync(UploadKind.Audio, s, "hello.wav");
        }));

        Assert.Equal(6, stored.Select(u => u.Id).Distinct().Count());
        Assert.All(stored, u => Assert.Equal(stored[0].AudioSamples, u.AudioSamples));
    }

    [Fact]
    public async Task A_rejected_upload_names_no_server_path_and_no_memory_address()
    {
        using var data = new TestData();
        await using var s = new MemoryStream("ID3 this is not really an mp3 file at all"u8.ToArray());

        var e = await Assert.ThrowsAsync<UploadRejectedException>(() => data.Uploads.SaveAsync(UploadKind.Audio, s, "x.mp3"));

        Assert.DoesNotContain(data.Root, e.Message);
        Assert.DoesNotContain("0x", e.Message);
    }

    private static void Ffmpeg(params string[] args)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (string a in (string[])["-nostdin", "-v", "error", "-y", .. args]) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }
}
