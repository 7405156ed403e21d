using Bunit;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.Generation;

namespace LiveAvatar.Web.Tests.Components;

public class QueueAndHistoryTests : PageContext
{
    [Fact]
    public void An_empty_queue_says_how_the_queue_works()
    {
        var panel = Bunit.Render<QueuePanel>(p => p.Add(x => x.Rows, []));

        Assert.Equal("0", panel.Find("[data-testid=queue]").GetAttribute("data-count"));
        Assert.StartsWith("Nothing queued", panel.Find("[data-testid=queue-empty]").TextContent.Trim());
    }

    [Fact]
    public void The_queue_lists_positions_offers_watch_for_other_jobs_and_cancels_the_clicked_one()
    {
        string? cancelled = null;
        var rows = new List<QueueRow>
        {
            new("a", "x + y", "running", true, true, CanCancel: true),
            new("b", "x + y", "#1 waiting", false, false, CanCancel: true),
            new("c", "x + y", "#2 waiting", false, false, CanCancel: false),
        };
        var panel = Bunit.Render<QueuePanel>(p => p.Add(x => x.Rows, rows).Add(x => x.Cancel, id => cancelled = id));

        Assert.Equal(["running", "#1 waiting", "#2 waiting"], panel.FindAll("[data-testid=queue-position]").Select(e => e.TextContent.Trim()));
        Assert.Equal(["/?job=b", "/?job=c"], panel.FindAll("[data-testid=queue-watch]").Select(e => e.GetAttribute("href")));
        // Someone else's job is listed but offers no cancel button: only its owner (or an admin) may cancel it.
        Assert.Equal(2, panel.FindAll("[data-testid=queue-cancel]").Count);
        panel.FindAll("[data-testid=queue-cancel]")[1].Click();

        Assert.Equal("b", cancelled);
    }

    [Fact]
    public void History_shows_each_run_with_open_video_download_regenerate_and_delete()
    {
        string? regenerated = null, deleted = null;
        var done = ProgressViewTests.Record(JobStatus.Completed) with { OutputPath = "/x.mp4" };
        var panel = Bunit.Render<HistoryPanel>(p => p.Add(x => x.Rows, HistoryView.From([done], TimeZoneInfo.Utc))
            .Add(x => x.Regenerate, id => regenerated = id).Add(x => x.Delete, id => deleted = id));

        var item = panel.Find("[data-testid=history-item]");
        Assert.Equal("completed", item.GetAttribute("data-status"));
        Assert.Equal($"/?job={done.Id}", panel.Find("[data-testid=history-open]").GetAttribute("href"));
        Assert.Equal($"/jobs/{done.Id}/video.mp4?download=true", panel.Find("[data-testid=history-download]").GetAttribute("href"));
        Assert.Contains("704*384 · 3 clips", panel.Find("[data-testid=history-parameters]").TextContent);
        panel.Find("[data-testid=regenerate]").Click();
        panel.Find("[data-testid=delete]").Click();

        Assert.Equal((done.Id, done.Id), (regenerated, deleted));
    }

    [Fact]
    public void A_failed_run_shows_its_error_and_an_active_one_cannot_be_deleted()
    {
        var failed = ProgressViewTests.Record(JobStatus.Failed) with
        {
            Id = "11111111111111111111111111111111",
            Error = new JobError(GenerationErrorKind.OutOfMemory, "CUDA out of memory", "Lower the resolution."),
        };
        var running = ProgressViewTests.Record(JobStatus.Running);
        var panel = Bunit.Render<HistoryPanel>(p => p.Add(x => x.Rows, HistoryView.From([running, failed], TimeZoneInfo.Utc)));

        Assert.Equal("CUDA out of memory — Lower the resolution.", panel.Find("[data-testid=history-error]").TextContent.Trim());
        var deletes = panel.FindAll("[data-testid=delete]");
        Assert.True(deletes[0].HasAttribute("disabled"));
        Assert.False(deletes[1].HasAttribute("disabled"));
        Assert.Empty(panel.FindAll("[data-testid=history-download]"));
    }

    [Fact]
    public async Task Regenerate_puts_a_past_run_back_into_the_form()
    {
        using var state = NewState();
        var parameters = await Data.ParametersAsync() with { Seed = 1234, SampleSteps = 3, Size = "384*256" };
        var job = Data.Queue.Submit(parameters, Data.Client);
        await Data.Queue.RunNextAsync();

        Assert.True(state.Regenerate(job.Id));
        var panel = Panel<ParametersPanel>(state);

        Assert.Equal(1234, state.Form.Seed);
        Assert.Equal("3", panel.Find("[data-testid=sample-steps-value]").TextContent.Trim());
        Assert.Equal("384*256", panel.Find("[data-testid=size]").GetAttribute("data-value"));
        Assert.NotNull(state.Form.Image);
    }
}
