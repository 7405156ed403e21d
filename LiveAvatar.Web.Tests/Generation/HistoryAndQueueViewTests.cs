using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Tests.Generation;

public class HistoryAndQueueViewTests
{
    [Fact]
    public void A_completed_run_lists_inputs_parameters_timing_and_its_video()
    {
        var record = ProgressViewTests.Record(JobStatus.Completed) with
        {
            Width = 704, Height = 384, Clips = 3, Segments = 3, OutputPath = "/x/output.mp4",
            Elapsed = TimeSpan.FromSeconds(95), TimeToFirstClip = TimeSpan.FromSeconds(12),
        };

        var row = HistoryView.Row(record, TimeZoneInfo.Utc);

        Assert.Equal("completed", row.Status);
        Assert.Equal("2026-01-02 03:04:05", row.When);
        Assert.Equal("704*384 · 3 clips · 4 steps · 48 frames/clip · guide 0 · seed 420", row.Parameters);
        Assert.Equal("took 1:35, first clip after 0:12 · 704×384, 3/3 clips", row.Timing);
        Assert.Equal($"/jobs/{record.Id}/video.mp4", row.VideoUrl);
        Assert.Equal($"/jobs/{record.Id}/video.mp4?download=true", row.DownloadUrl);
        Assert.True(row.CanDelete);
    }

    [Fact]
    public void An_interrupted_run_offers_its_finished_clips_and_a_running_one_cannot_be_deleted()
    {
        var interrupted = HistoryView.Row(ProgressViewTests.Record(JobStatus.Interrupted) with { Segments = 1 }, TimeZoneInfo.Utc);
        var running = HistoryView.Row(ProgressViewTests.Record(JobStatus.Running), TimeZoneInfo.Utc);

        Assert.EndsWith("/partial.mp4", interrupted.VideoUrl);
        Assert.False(running.CanDelete);
        Assert.Null(running.VideoUrl);
    }

    [Fact]
    public void A_failed_run_shows_its_error_and_hint()
    {
        var record = ProgressViewTests.Record(JobStatus.Failed) with
        {
            Error = new JobError(GenerationErrorKind.MissingCheckpoint, "Wan2.1_VAE.pth missing", ErrorHints.MissingCheckpoint),
        };

        Assert.StartsWith("Wan2.1_VAE.pth missing — Put the model weights", HistoryView.Row(record, TimeZoneInfo.Utc).Error);
    }
}
