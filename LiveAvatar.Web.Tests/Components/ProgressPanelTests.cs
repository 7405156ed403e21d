using Bunit;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.Generation;

namespace LiveAvatar.Web.Tests.Components;

public class ProgressPanelTests : PageContext
{
    private IRenderedComponent<ProgressPanel> Show(ProgressView? view, bool canCancel = false) =>
        Bunit.Render<ProgressPanel>(p => p.Add(x => x.View, view).Add(x => x.CanCancel, canCancel));

    private static ProgressView View(JobStatus status, GenerationProgress? progress = null, int position = -1,
        Func<JobRecord, JobRecord>? change = null) =>
        ProgressView.From((change ?? (r => r))(ProgressViewTests.Record(status)), progress, position);

    [Fact]
    public void Idle_says_what_to_do()
    {
        var panel = Show(null);

        Assert.Equal("idle", panel.Find("[data-testid=progress]").GetAttribute("data-status"));
        Assert.StartsWith("No job yet", panel.Find("[data-testid=progress-headline]").TextContent.Trim());
        Assert.Empty(panel.FindAll("[data-testid=progress-bar]"));
    }

    [Fact]
    public void Queued_shows_the_place_in_line()
    {
        var panel = Show(View(JobStatus.Queued, position: 3), canCancel: true);

        Assert.Equal("queued", panel.Find("[data-testid=progress]").GetAttribute("data-status"));
        Assert.Equal("Queued: position 3, 2 jobs ahead", panel.Find("[data-testid=progress-headline]").TextContent.Trim());
        Assert.NotEmpty(panel.FindAll("[data-testid=progress-cancel]"));
    }

    [Fact]
    public void Running_shows_position_percent_eta_elapsed_memory_and_a_stop_button()
    {
        var progress = new GenerationProgress(1, 2, 2, 4, 3, 4, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(61),
            [new DeviceMemory("cuda:0", 3L << 30, 80L << 30)], "denoising");
        var panel = Show(View(JobStatus.Running, progress, 0), canCancel: true);

        Assert.Equal("Clip 1/2 · block 2/4 · step 3/4", panel.Find("[data-testid=progress-position]").TextContent.Trim());
        Assert.Equal("ETA 1:01", panel.Find("[data-testid=progress-eta]").TextContent.Trim());
        Assert.Equal("elapsed 5.0 s", panel.Find("[data-testid=progress-elapsed]").TextContent.Trim());
        Assert.Equal("cuda:0 3.0 / 80.0 GiB", panel.Find("[data-testid=progress-memory]").TextContent.Trim());
        Assert.Contains("22%", panel.Find("[data-testid=progress-bar]").TextContent);
        Assert.Contains("line 20", panel.Find("[data-testid=progress-log]").TextContent);
    }

    [Fact]
    public void What_the_memory_profile_picked_shows_once_known()
    {
        const string plan = "memory profile auto picked 80 GB (75.0 GiB available of 79.1 GiB on cuda:0): everything resident";

        Assert.Empty(Show(View(JobStatus.Running, null, 0)).FindAll("[data-testid=progress-memory-plan]"));
        var panel = Show(View(JobStatus.Completed, change: r => r with { MemoryPlan = plan }));

        Assert.Equal(plan, panel.Find("[data-testid=progress-memory-plan]").TextContent.Trim());
    }

    [Fact]
    public void Starting_shows_what_it_waits_for()
    {
        Assert.Equal("Starting: loading inputs", Show(View(JobStatus.Running, null, 0)).Find("[data-testid=progress-headline]").TextContent.Trim());
    }

    [Fact]
    public void Completed_shows_frames_and_time()
    {
        var panel = Show(View(JobStatus.Completed, change: r => r with { OutputFrames = 93, Elapsed = TimeSpan.FromSeconds(42) }));

        Assert.Equal("completed", panel.Find("[data-testid=progress]").GetAttribute("data-status"));
        Assert.Equal("Done: 93 frames in 0:42", panel.Find("[data-testid=progress-headline]").TextContent.Trim());
        Assert.Empty(panel.FindAll("[data-testid=progress-cancel]"));
    }

    [Fact]
    public void Failed_shows_the_error_and_what_to_try()
    {
        var panel = Show(View(JobStatus.Failed, change: r => r with
        {
            Error = new JobError(GenerationErrorKind.OutOfMemory, "CUDA out of memory", ErrorHints.OutOfMemory),
        }));

        Assert.Equal("Failed (out of memory)", panel.Find("[data-testid=progress-headline]").TextContent.Trim());
        Assert.Equal("CUDA out of memory", panel.Find("[data-testid=job-error]").TextContent.Trim());
        Assert.Contains("online decode", panel.Find("[data-testid=job-hint]").TextContent);
    }

    [Theory]
    [InlineData(JobStatus.Cancelled, "Cancelled; 3.7 s of video kept")]
    [InlineData(JobStatus.Interrupted, "Interrupted by a server restart; 3.7 s of video kept")]
    public void Stopped_runs_say_what_they_kept(JobStatus status, string headline)
    {
        var panel = Show(View(status, change: r => r with { Segments = 2, PreviewFrames = 93 }));

        Assert.Equal(status.ToString().ToLowerInvariant(), panel.Find("[data-testid=progress]").GetAttribute("data-status"));
        Assert.Equal(headline, panel.Find("[data-testid=progress-headline]").TextContent.Trim());
    }
}
