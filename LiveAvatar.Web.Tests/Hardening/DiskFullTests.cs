using System.Diagnostics;
using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Hardening;

public class DiskFullTests
{
    [Fact]
    public void No_space_left_is_recognised_by_errno_and_by_the_words_of_ffmpeg()
    {
        Assert.True(DiskSpace.IsDiskFull(new IOException("write failed", 28)));
        Assert.True(DiskSpace.IsDiskFull(new GenerationException(GenerationErrorKind.Internal, "ffmpeg: No space left on device")));
        Assert.False(DiskSpace.IsDiskFull(new IOException("Permission denied", 13)));
    }

    [Fact]
    public async Task A_job_does_not_start_when_the_data_folder_is_short_of_space()
    {
        using var data = new TestData(new FakeVideoGenerator(), minFreeDiskBytes: long.MaxValue);

        var e = Assert.Throws<JobRejectedException>(() => data.Queue.Submit(data.ParametersAsync().Result, data.Client));

        Assert.Equal(RejectionReason.DiskFull, e.Reason);
        Assert.StartsWith("Disk full: only", e.Message);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task An_unexpected_exception_fails_only_that_job_and_the_worker_runs_the_next()
    {
        var generator = new FakeVideoGenerator { FailAfterClips = 1, Failure = new InvalidOperationException("boom at 0x55d0c3a1b2c0") };
        using var data = new TestData(generator);
        using var stop = new CancellationTokenSource();
        var first = data.Queue.Submit(await data.ParametersAsync(), data.Client);
        var worker = data.Queue.RunAsync(stop.Token);
        await WaitForAsync(() => data.History.Find(first.Id)!.Status == JobStatus.Failed);

        generator.FailAfterClips = null;
        var second = data.Queue.Submit(await data.ParametersAsync(), data.Client);
        await WaitForAsync(() => data.History.Find(second.Id)!.Status == JobStatus.Completed);
        stop.Cancel();

        Assert.DoesNotContain("0x", data.History.Find(first.Id)!.Error!.Message);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker);
    }

    /// <summary>The probe's reproduction: the data folder on a 1 MB tmpfs, segments that overflow it. The job fails
    /// with "Disk full", the worker lives, and after space is freed the next job completes.</summary>
    [Fact]
    public async Task A_full_disk_fails_the_job_with_disk_full_and_the_queue_keeps_serving()
    {
        string mount = Path.Combine(Path.GetTempPath(), "la-full-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(mount);
        if (!Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount))
        {
            Directory.Delete(mount);
            Assert.Fail("This test needs to mount a 1 MB tmpfs (run as root, as CI does).");
        }
        try
        {
            var generator = new FakeVideoGenerator { Clips = 4, SegmentPadding = 400_000 };
            using var data = new TestDataAt(mount, generator);
            var parameters = await data.Data.ParametersAsync(clips: 4);
            var job = data.Data.Queue.Submit(parameters, data.Data.Client);

            Assert.True(await data.Data.Queue.RunNextAsync());

            var record = data.Data.History.Find(job.Id)!;
            Assert.Equal(JobStatus.Failed, record.Status);
            Assert.StartsWith("Disk full", record.Error!.Message);
            Assert.Equal(JobQueue.DiskFullHint, record.Error.Hint);
            Assert.InRange(record.Segments, 1, 2); // finished clips stay

            data.Data.History.Delete(job.Id);
            generator.SegmentPadding = 0;
            var next = data.Data.Queue.Submit(await data.Data.ParametersAsync(clips: 2), data.Data.Client);
            Assert.True(await data.Data.Queue.RunNextAsync());
            Assert.Equal(JobStatus.Completed, data.Data.History.Find(next.Id)!.Status);
        }
        finally
        {
            Run("umount", "-l", mount);
            try { Directory.Delete(mount, recursive: true); } catch (IOException) { }
        }
    }

    private sealed class TestDataAt(string root, FakeVideoGenerator generator) : IDisposable
    {
        public TestData Data { get; } = new(generator, root: root);
        public void Dispose() => Data.Dispose();
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 400 && !condition(); i++) await Task.Delay(25);
        Assert.True(condition());
    }

    private static bool Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(start)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }
}
