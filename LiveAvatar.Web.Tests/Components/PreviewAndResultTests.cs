using Bunit;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.Generation;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Components;

public class PreviewAndResultTests : PageContext
{
    [Fact]
    public void The_preview_is_a_video_tagged_with_its_job_and_segments_and_says_how_much_is_ready()
    {
        var record = ProgressViewTests.Record() with
        {
            MimeType = FakeVideoGenerator.Mime, Segments = 1, Clips = 2, TotalFrames = 93, Fps = 25, PreviewFrames = 48,
        };

        var preview = Bunit.Render<PreviewPlayer>(p => p.Add(x => x.Record, record));

        var video = preview.Find("[data-testid=preview]");
        Assert.Equal(record.Id, video.GetAttribute("data-job"));
        Assert.Equal("1", video.GetAttribute("data-segments"));
        Assert.Equal("1.9 s of 3.7 s ready (1 part)", preview.Find("[data-testid=preview-caption]").TextContent.Trim());
    }

    [Fact]
    public void Block_sized_segments_read_the_same_way()
    {
        var record = ProgressViewTests.Record() with
        {
            MimeType = FakeVideoGenerator.Mime, Segments = 5, Clips = 2, TotalFrames = 93, Fps = 25, PreviewFrames = 60, Untrained = true,
        };

        Assert.StartsWith("2.4 s of 3.7 s ready (5 parts) (demo weights",
            Bunit.Render<PreviewPlayer>(p => p.Add(x => x.Record, record)).Find("[data-testid=preview-caption]").TextContent.Trim());
    }

    [Fact]
    public void Without_a_job_the_preview_explains_itself()
    {
        var preview = Bunit.Render<PreviewPlayer>(p => p.Add(x => x.Record, null));

        Assert.Equal("", preview.Find("[data-testid=preview]").GetAttribute("data-job"));
        Assert.StartsWith("The video plays here", preview.Find("[data-testid=preview-caption]").TextContent.Trim());
    }

    [Fact]
    public void The_result_links_the_download_when_done_and_the_finished_part_otherwise()
    {
        var done = ProgressViewTests.Record(JobStatus.Completed) with { OutputPath = "/x.mp4", Width = 704, Height = 384, OutputFrames = 93 };
        var cancelled = ProgressViewTests.Record(JobStatus.Cancelled) with { Segments = 1 };

        var finished = Bunit.Render<ResultPanel>(p => p.Add(x => x.Record, done));
        var partial = Bunit.Render<ResultPanel>(p => p.Add(x => x.Record, cancelled));
        var empty = Bunit.Render<ResultPanel>(p => p.Add(x => x.Record, ProgressViewTests.Record()));

        Assert.Equal($"/jobs/{done.Id}/video.mp4?download=true", finished.Find("[data-testid=download]").GetAttribute("href"));
        Assert.True(finished.Find("[data-testid=download]").HasAttribute("download"));
        Assert.Equal($"/jobs/{done.Id}/video.mp4", finished.Find("[data-testid=result-video]").GetAttribute("src"));
        Assert.Equal($"/jobs/{cancelled.Id}/partial.mp4", partial.Find("[data-testid=download]").GetAttribute("href"));
        Assert.NotEmpty(empty.FindAll("[data-testid=result-empty]"));
    }
}
