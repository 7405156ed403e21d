using LiveAvatar.Web.Components.Pages;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Markup;

public class HomeMarkupTests
{
    /// <summary>Every control the issue names (download appears with a result, so it is checked separately).</summary>
    public static readonly string[] PageTestIds =
    [
        "image-upload", "audio-upload", "prompt", "prompt-hint", "examples", "size", "size-output", "num-clip", "num-clip-info",
        "sample-steps", "guide-scale", "infer-frames", "seed", "seed-randomize", "online-decode", "vae-parallel", "fp8",
        "lora-enable", "lora-path", "lora-reload", "presets", "generate", "cancel", "progress", "preview", "result",
        "queue", "history", "status",
    ];

    [Fact]
    public async Task The_home_page_has_every_control_and_the_engine_status()
    {
        using var data = new TestData(new FakeVideoGenerator());

        var markup = await MarkupRenderer.RenderAsync<Home>(s => s.AddHomePage(data));

        Assert.Contains("Live Avatar", markup.Text);
        foreach (string id in PageTestIds) Assert.True(markup.Has(id), $"data-testid=\"{id}\" missing");
        Assert.Equal(2, markup.Count("status-device"));
        Assert.Contains("Generator ready", markup.Text);
        Assert.False(markup.Has("generator-missing"));
    }

    [Fact]
    public async Task Without_a_generator_the_page_says_so_and_generate_is_disabled()
    {
        using var data = new TestData(generator: null);

        var markup = await MarkupRenderer.RenderAsync<Home>(s => s.AddHomePage(data));

        Assert.Contains("Generator not available", markup.TextsOf("generator-missing").Single());
        Assert.Contains("Generator not available", markup.TextsOf("status-generator-headline").Single());
        Assert.Matches("<button[^>]*data-testid=\"generate\"[^>]*disabled|<button[^>]*disabled[^>]*data-testid=\"generate\"", markup.Html);
    }

    [Fact]
    public async Task A_job_in_the_address_is_watched_with_its_progress_preview_and_result()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var job = data.Queue.Submit(await data.ParametersAsync(), data.Client);
        await data.Queue.RunNextAsync();

        var markup = await MarkupRenderer.RenderAsync<Home>(s => s.AddHomePage(data, $"http://localhost/?job={job.Id}"));

        Assert.StartsWith("Done: 93 frames", markup.TextsOf("progress-headline").Single());
        Assert.Contains($"data-job=\"{job.Id}\"", markup.Html);
        Assert.Contains($"href=\"/jobs/{job.Id}/video.mp4?download=true\"", markup.Html);
        Assert.Equal(1, markup.Count("history-item"));
    }
}
