using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Web.Components.Status;
using LiveAvatar.Web.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LiveAvatar.Web.Tests.Markup;

public class EngineStatusPanelMarkupTests
{
    private static Task<RenderedMarkup> RenderPanel(EngineStatus status) =>
        MarkupRenderer.RenderAsync<EngineStatusPanel>(services =>
        {
            services.AddSingleton<IEngineStatusProvider>(new FakeEngineStatusProvider(status));
            services.AddSingleton<TimeProvider>(new FixedTimeProvider(SampleStatus.CheckedAt));
        });

    [Fact]
    public async Task The_panel_carries_the_status_and_refresh_test_ids()
    {
        var markup = await RenderPanel(SampleStatus.LoadedWithGpu());

        Assert.Equal(1, markup.Count("status"));
        Assert.Equal(1, markup.Count("status-refresh"));
        Assert.Contains("Refresh", markup.Text);
    }

    [Fact]
    public async Task A_loaded_engine_lists_every_device_with_its_memory()
    {
        var markup = await RenderPanel(SampleStatus.LoadedWithGpu());

        Assert.Equal(["cpu CPU: memory not reported",
                "cuda:0 NVIDIA H100 80GB HBM3: 79.2 GiB total, 78.2 GiB free, 0.0 GiB allocated"],
            markup.TextsOf("status-device"));
        Assert.Equal(["2.5.1"], markup.TextsOf("status-libtorch"));
        Assert.Equal(["available"], markup.TextsOf("status-cuda"));
        Assert.False(markup.Has("status-native-error"));
    }

    [Fact]
    public async Task A_native_failure_shows_the_error_and_what_to_install()
    {
        var markup = await RenderPanel(SampleStatus.NativeMissing("libliveavatar_native.so: cannot open shared object file"));

        Assert.Equal(["libliveavatar_native.so: cannot open shared object file"], markup.TextsOf("status-native-error"));
        Assert.Equal([EngineStatusView.InstallHint], markup.TextsOf("status-install-hint"));
        Assert.True(markup.Has("status-no-devices"));
        Assert.Equal(0, markup.Count("status-device"));
    }

    [Fact]
    public async Task Missing_checkpoint_files_are_listed_by_name()
    {
        var markup = await RenderPanel(SampleStatus.LoadedWithGpu(SampleStatus.MissingTwo()));

        Assert.StartsWith("2 of 3 expected files missing", markup.TextsOf("status-checkpoint-summary").Single());
        string missing = markup.TextsOf("status-checkpoint-missing").Single();
        Assert.Contains("diffusion_pytorch_model-00001-of-00004.safetensors", missing);
        Assert.Contains("Wan2.1_VAE.pth", missing);
        Assert.Equal(["/ckpt/Wan2.2-S2V-14B"], markup.TextsOf("status-checkpoint-dir"));
        Assert.Equal(["real"], markup.TextsOf("status-checkpoint-kind"));
    }

    [Fact]
    public async Task A_complete_checkpoint_shows_no_missing_list()
    {
        var markup = await RenderPanel(SampleStatus.LoadedWithGpu());

        Assert.False(markup.Has("status-checkpoint-missing"));
        Assert.Equal(["All 2 expected files present."], markup.TextsOf("status-checkpoint-summary"));
    }

    [Fact]
    public async Task The_panel_stamps_the_time_and_number_of_the_check()
    {
        var markup = await RenderPanel(SampleStatus.LoadedWithGpu());

        Assert.Equal(["checked at 13:14:15 (check #1)"], markup.TextsOf("status-checked-at"));
        Assert.Contains("data-check-count=\"1\"", markup.Html);
    }
}
