using Bunit;
using LiveAvatar.Web.Components.Pages;
using LiveAvatar.Web.Tests.TestSupport;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace LiveAvatar.Web.Tests.Components;

public class HomePageTests() : PageContext
{
    /// <summary>Every control the issue names (download appears with a result, so it is checked separately).</summary>
    public static readonly string[] PageTestIds =
    [
        "image-upload", "audio-upload", "prompt", "prompt-hint", "examples", "size", "size-output", "num-clip", "num-clip-info",
        "sample-steps", "guide-scale", "infer-frames", "seed", "seed-randomize", "online-decode", "vae-parallel", "fp8", "memory-profile",
        "lora-enable", "lora-path", "lora-reload", "presets", "generate", "cancel", "progress", "preview", "result",
        "queue", "history", "status",
    ];

    [Fact]
    public void The_home_page_has_every_control_and_the_engine_status()
    {
        var page = Bunit.Render<Home>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=status-checked-at]")), TimeSpan.FromSeconds(30));

        foreach (string id in PageTestIds) Assert.True(page.FindAll($"[data-testid={id}]").Count > 0, $"data-testid=\"{id}\" missing");
        Assert.Equal(2, page.FindAll("[data-testid=status-device]").Count);
        Assert.Equal("Generator ready", page.Find("[data-testid=status-generator-headline]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=generator-missing]"));
        Assert.Equal("input", page.Find("[data-testid=image-upload] input[type=file]").TagName.ToLowerInvariant());
    }

    [Fact]
    public void Generate_with_nothing_filled_in_explains_each_missing_input_under_it_and_in_a_snackbar()
    {
        var page = Bunit.Render<Home>();

        page.Find("[data-testid=generate]").Click();

        // The click is handled asynchronously (it first waits for uploads in flight): wait for its render, generously
        // on a loaded 2-core machine.
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=image-upload-error]")), TimeSpan.FromSeconds(30));
        Assert.StartsWith("A reference image is required", page.Find("[data-testid=image-upload-error]").TextContent.Trim());
        Assert.StartsWith("An audio file is required", page.Find("[data-testid=audio-upload-error]").TextContent.Trim());
        Assert.Equal(2, page.FindAll("[data-testid=submit-errors] li").Count);
        Assert.Contains(Bunit.Services.GetRequiredService<ISnackbar>().ShownSnackbars, s => s.Message != null && s.Message.Contains("2 settings need a change"));
        Assert.Empty(Data.Queue.Active);
    }

    [Fact]
    public async Task An_example_then_ctrl_enter_queues_a_job_and_puts_it_in_the_address()
    {
        var page = Bunit.Render<Home>();
        page.Find("[data-testid=example-anna]").Click();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=image-preview]")), TimeSpan.FromSeconds(20));

        await page.InvokeAsync(() => page.Instance.GenerateFromShortcut());

        var job = Assert.Single(Data.Queue.Active);
        Assert.EndsWith($"/?job={job.Id}", Bunit.Services.GetRequiredService<NavigationManager>().Uri);
        Assert.Equal("queued", page.Find("[data-testid=progress]").GetAttribute("data-status"));
        Assert.Equal("1", page.Find("[data-testid=queue]").GetAttribute("data-count"));
    }

    [Fact]
    public async Task A_job_in_the_address_is_watched_with_its_progress_preview_and_result()
    {
        var job = Data.Queue.Submit(await Data.ParametersAsync(), Data.Client);
        await Data.Queue.RunNextAsync();
        Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo($"/?job={job.Id}");

        var page = Bunit.Render<Home>();

        Assert.StartsWith("Done: 93 frames", page.Find("[data-testid=progress-headline]").TextContent.Trim());
        Assert.Equal(job.Id, page.Find("[data-testid=preview]").GetAttribute("data-job"));
        Assert.Equal($"/jobs/{job.Id}/video.mp4?download=true", page.Find("[data-testid=download]").GetAttribute("href"));
        Assert.Single(page.FindAll("[data-testid=history-item]"));
    }
}

public class HomePageWithoutGeneratorTests() : PageContext(withGenerator: false)
{
    [Fact]
    public void Without_a_generator_the_page_says_so_and_generate_is_disabled()
    {
        var page = Bunit.Render<Home>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=status-checked-at]")), TimeSpan.FromSeconds(30));

        Assert.Contains("Generator not available", page.Find("[data-testid=generator-missing]").TextContent);
        Assert.Contains("Generator not available", page.Find("[data-testid=status-generator-headline]").TextContent);
        Assert.True(page.Find("[data-testid=generate]").HasAttribute("disabled"));
    }
}
