using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Tests.Generation;

public class ProgressViewTests
{
    internal static JobRecord Record(JobStatus status = JobStatus.Running) => new()
    {
        Id = "0123456789abcdef0123456789abcdef",
        Parameters = new JobParameters { Prompt = "hello", Size = "704*384", NumClip = 3 },
        Image = new StoredUpload("i", UploadKind.Image, "i.png", "image/png", "face.png", 1, 720, 400),
        Audio = new StoredUpload("a", UploadKind.Audio, "a.wav", "audio/wav", "voice.wav", 1, AudioSamples: 16000),
        Status = status,
        SubmittedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Log = Enumerable.Range(1, 20).Select(i => $"line {i}").ToList(),
    };

    private static GenerationProgress Progress => new(2, 3, 3, 4, 1, 4, TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(125),
        [new DeviceMemory("cuda:0", 3L << 30, 80L << 30)], "denoising");

    [Fact]
    public void A_running_job_shows_clip_block_and_step_with_eta_memory_and_percent()
    {
        var view = ProgressView.From(Record(), Progress, 0);

        Assert.Equal("Generating clip 2 of 3", view.Headline);
        Assert.Equal("Clip 2/3 · block 3/4 · step 1/4", view.Position);
        Assert.Equal("ETA 2:05", view.Eta);
        Assert.Equal("elapsed 1:15", view.Elapsed);
        Assert.Equal("cuda:0 3.0 / 80.0 GiB", view.Memory);
        Assert.Equal(Math.Round(100 * (16 + 8 + 1) / 48.0, 1), view.Percent);
    }

    [Fact]
    public void The_log_tail_keeps_the_last_twelve_lines()
    {
        var view = ProgressView.From(Record(), null, 0);

        Assert.Equal(12, view.LogTail.Count);
        Assert.Equal("line 20", view.LogTail[^1]);
    }

    [Theory]
    [InlineData(1, "Queued: next to run")]
    [InlineData(2, "Queued: position 2, 1 job ahead")]
    [InlineData(4, "Queued: position 4, 3 jobs ahead")]
    public void A_queued_job_says_where_it_stands(int position, string headline)
    {
        Assert.Equal(headline, ProgressView.From(Record(JobStatus.Queued), null, position).Headline);
    }

    [Fact]
    public void A_failed_job_shows_the_error_kind_message_and_hint()
    {
        var record = Record(JobStatus.Failed) with
        {
            Error = new JobError(GenerationErrorKind.OutOfMemory, "CUDA out of memory", ErrorHints.OutOfMemory),
        };

        var view = ProgressView.From(record, null, -1);

        Assert.Equal("Failed (out of memory)", view.Headline);
        Assert.Equal("CUDA out of memory", view.Error);
        Assert.Contains("Lower the resolution", view.Hint);
        Assert.Contains("online decode", view.Hint);
    }

    [Fact]
    public void A_completed_job_reports_frames_time_and_first_clip()
    {
        var record = Record(JobStatus.Completed) with
        {
            OutputFrames = 93, Elapsed = TimeSpan.FromSeconds(42), TimeToFirstClip = TimeSpan.FromSeconds(7.5),
        };

        var view = ProgressView.From(record, null, -1);

        Assert.Equal("Done: 93 frames in 0:42", view.Headline);
        Assert.Equal("first clip after 7.5 s", view.Elapsed);
        Assert.Equal(100, view.Percent);
    }

    [Fact]
    public void An_interrupted_job_says_its_clips_were_kept()
    {
        var view = ProgressView.From(Record(JobStatus.Interrupted) with { Segments = 2, PreviewFrames = 93 }, null, -1);

        Assert.Equal("Interrupted by a server restart; 3.7 s of video kept", view.Headline);
        Assert.Equal("Interrupted by a server restart; 2 finished segments kept",
            ProgressView.From(Record(JobStatus.Interrupted) with { Segments = 2, PreviewFrames = 0 }, null, -1).Headline);
    }
}
