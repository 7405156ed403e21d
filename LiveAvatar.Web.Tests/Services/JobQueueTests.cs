using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Services;

public class JobQueueTests
{
    [Fact]
    public async Task Without_a_generator_a_submission_is_refused_with_the_reason()
    {
        using var data = new TestData(generator: null);
        var parameters = await data.ParametersAsync();

        var e = Assert.Throws<JobRejectedException>(() => data.Queue.Submit(parameters, data.Client));

        Assert.Equal([JobQueue.GeneratorMissing], e.Problems.Select(p => p.Message));
        Assert.Contains("Generator not available", JobQueue.GeneratorMissing);
    }

    [Fact]
    public async Task A_job_runs_to_completion_keeping_init_segments_output_and_its_record()
    {
        using var data = new TestData(new FakeVideoGenerator { Clips = 2 });
        var job = data.Queue.Submit(await data.ParametersAsync(), data.Client);

        Assert.True(await data.Queue.RunNextAsync());

        var record = data.History.Find(job.Id)!;
        Assert.Equal(JobStatus.Completed, record.Status);
        Assert.Equal(2, record.Segments);
        Assert.Equal(FakeVideoGenerator.Mime, record.MimeType);
        Assert.Equal(FakeVideoGenerator.InitBytes, File.ReadAllBytes(data.Folders.InitSegmentPath(job.Id)));
        Assert.Equal(FakeVideoGenerator.SegmentBytes(1), File.ReadAllBytes(data.Folders.SegmentPath(job.Id, 2)));
        Assert.Equal(data.Folders.OutputPath(job.Id), record.OutputPath);
        Assert.Equal(TimeSpan.FromSeconds(7), record.TimeToFirstClip);
        Assert.Contains(record.Log, l => l.Contains("segment 2 ready"));
        Assert.Empty(data.Queue.Active);
    }

    [Fact]
    public async Task The_request_carries_the_stored_files_the_parameters_and_a_device_plan()
    {
        var generator = new FakeVideoGenerator();
        using var data = new TestData(generator);
        var parameters = (await data.ParametersAsync()) with { Seed = 9, Size = "384*256", OnlineDecode = true };

        var job = data.Queue.Submit(parameters, data.Client);

        Assert.StartsWith(data.Folders.Uploads, job.Request.ImagePath);
        Assert.StartsWith(data.Folders.Uploads, job.Request.AudioPath);
        Assert.Equal((9L, "384*256", true), (job.Request.Seed, job.Request.Size, job.Request.OnlineDecode));
        Assert.Equal(["cuda:0"], job.Request.Devices.DitDevices);
    }

    [Fact]
    public async Task Jobs_wait_in_order_with_positions_and_run_one_at_a_time()
    {
        var generator = new FakeVideoGenerator { Clips = 2, ClipGate = new SemaphoreSlim(0) };
        using var data = new TestData(generator);
        var first = data.Queue.Submit(await data.ParametersAsync(), data.Client);
        var second = data.Queue.Submit(await data.ParametersAsync(), data.Client);

        var running = data.Queue.RunNextAsync();
        await generator.FirstClipSent.Task;

        Assert.Equal((0, 1), (data.Queue.PositionOf(first.Id), data.Queue.PositionOf(second.Id)));
        Assert.False(await data.Queue.RunNextAsync()); // the GPU is busy: the second job waits
        Assert.Equal(["running", "#1 waiting"], QueueView.From(data.Queue.Active, first.Id).Select(r => r.Position));

        generator.ClipGate.Release(10);
        await running;
        Assert.Equal(1, data.Queue.PositionOf(second.Id));
        Assert.True(await data.Queue.RunNextAsync());
        Assert.Equal(JobStatus.Completed, data.History.Find(second.Id)!.Status);
    }

    [Fact]
    public async Task Cancelling_a_waiting_job_removes_it_without_running_it()
    {
        var generator = new FakeVideoGenerator();
        using var data = new TestData(generator);
        var job = data.Queue.Submit(await data.ParametersAsync(), data.Client);

        Assert.Equal(JobAction.Done, data.Queue.Cancel(job.Id, data.Client));

        Assert.False(await data.Queue.RunNextAsync());
        Assert.Equal(JobStatus.Cancelled, data.History.Find(job.Id)!.Status);
        Assert.Empty(generator.Requests);
    }

    [Fact]
    public async Task Cancelling_the_running_job_stops_it_and_keeps_its_finished_clips()
    {
        var generator = new FakeVideoGenerator { Clips = 3, ClipGate = new SemaphoreSlim(0) };
        using var data = new TestData(generator);
        var job = data.Queue.Submit(await data.ParametersAsync(clips: 3), data.Client);
        var running = data.Queue.RunNextAsync();
        await generator.FirstClipSent.Task;

        Assert.Equal(JobAction.Done, data.Queue.Cancel(job.Id, data.Client));
        await running;

        var record = data.History.Find(job.Id)!;
        Assert.Equal(JobStatus.Cancelled, record.Status);
        Assert.Equal(1, record.Segments);
        Assert.True(File.Exists(data.Folders.SegmentPath(job.Id, 1)));
    }

    [Fact]
    public async Task An_engine_error_fails_the_job_with_a_hint_and_becomes_the_last_error()
    {
        var generator = new FakeVideoGenerator { FailAfterClips = 1 };
        using var data = new TestData(generator);
        var job = data.Queue.Submit(await data.ParametersAsync(), data.Client);

        await data.Queue.RunNextAsync();

        var record = data.History.Find(job.Id)!;
        Assert.Equal(JobStatus.Failed, record.Status);
        Assert.Equal(GenerationErrorKind.OutOfMemory, record.Error!.Kind);
        Assert.Equal(ErrorHints.OutOfMemory, record.Error.Hint);
        Assert.Equal(1, record.Segments);
        Assert.Equal(record.Error, data.Queue.LastError);
    }

    [Fact]
    public async Task The_engines_own_hint_wins_over_the_default()
    {
        var generator = new FakeVideoGenerator
        {
            FailAfterClips = 0,
            Failure = new GenerationException(GenerationErrorKind.MissingCheckpoint, "Wan2.1_VAE.pth not found", "Download the VAE."),
        };
        using var data = new TestData(generator);
        var job = data.Queue.Submit(await data.ParametersAsync(), data.Client);

        await data.Queue.RunNextAsync();

        Assert.Equal("Download the VAE.", data.History.Find(job.Id)!.Error!.Hint);
    }

    [Fact]
    public async Task Problems_the_engine_finds_in_a_request_refuse_the_submission()
    {
        var generator = new FakeVideoGenerator();
        generator.ValidationProblems.Add(new(GenerationField.Size, "Size 1280*720 does not fit the sink cache; use 704*384."));
        using var data = new TestData(generator);
        var parameters = await data.ParametersAsync();

        var e = Assert.Throws<JobRejectedException>(() => data.Queue.Submit(parameters, data.Client));

        Assert.Equal(generator.ValidationProblems, e.Problems);
        Assert.Empty(data.History.All);
    }

    [Fact]
    public async Task A_restart_marks_unfinished_jobs_interrupted_and_keeps_their_segments()
    {
        var generator = new FakeVideoGenerator { Clips = 3, ClipGate = new SemaphoreSlim(0) };
        using var data = new TestData(generator);
        var job = data.Queue.Submit(await data.ParametersAsync(clips: 3), data.Client);
        var waiting = data.Queue.Submit(await data.ParametersAsync(), data.Client);
        _ = data.Queue.RunNextAsync();
        await generator.FirstClipSent.Task;

        data.Restart();

        var record = data.History.Find(job.Id)!;
        Assert.Equal(JobStatus.Interrupted, record.Status);
        Assert.Equal(1, record.Segments);
        Assert.Contains("Interrupted by a server restart", record.Log[^1]);
        Assert.True(File.Exists(data.Folders.SegmentPath(job.Id, 1)));
        Assert.Equal(JobStatus.Interrupted, data.History.Find(waiting.Id)!.Status);
        generator.ClipGate.Release(10);
    }

    [Fact]
    public async Task Delete_removes_a_finished_run_with_its_files_but_not_an_active_one()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var done = data.Queue.Submit(await data.ParametersAsync(), data.Client);
        await data.Queue.RunNextAsync();
        var queued = data.Queue.Submit(await data.ParametersAsync(), data.Client);

        Assert.Equal(JobAction.Conflict, data.Queue.Delete(queued.Id, data.Client));
        Assert.Equal(JobAction.Done, data.Queue.Delete(done.Id, data.Client));

        Assert.Null(data.History.Find(done.Id));
        Assert.False(Directory.Exists(data.Folders.JobDirectory(done.Id)));
    }

    [Fact]
    public async Task The_worker_loop_picks_up_submissions_until_stopped()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var stop = new CancellationTokenSource();
        var worker = data.Queue.RunAsync(stop.Token);
        var job = data.Queue.Submit(await data.ParametersAsync(), data.Client);

        for (int i = 0; i < 200 && data.History.Find(job.Id)!.Status != JobStatus.Completed; i++) await Task.Delay(25);
        stop.Cancel();

        Assert.Equal(JobStatus.Completed, data.History.Find(job.Id)!.Status);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker);
    }
}
