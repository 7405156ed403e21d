using Bunit;
using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Web.Components.Status;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LiveAvatar.Web.Tests.Components;

public class EngineStatusPanelTests : PageContext
{
    private IRenderedComponent<EngineStatusPanel> RenderChecked()
    {
        var panel = Bunit.Render<EngineStatusPanel>();
        // The first status read runs asynchronously; on a loaded 2-core CI machine the first render of the test run
        // (JIT and all) can take longer than bUnit's one-second default, so wait generously.
        panel.WaitForAssertion(() => Assert.NotEmpty(panel.FindAll("[data-testid=status-checked-at]")), TimeSpan.FromSeconds(30));
        return panel;
    }

    private FakeEngineStatusProvider Provider => (FakeEngineStatusProvider)Bunit.Services.GetRequiredService<IEngineStatusProvider>();

    [Fact]
    public void The_headline_names_the_gpu_and_its_memory_in_words_with_model_and_fp8_beside_it()
    {
        var panel = RenderChecked();

        Assert.Equal("Running on NVIDIA H100 80GB HBM3: 1.0 GiB in use, 78.2 GiB free of 79.2 GiB.",
            panel.Find("[data-testid=status-headline]").TextContent.Trim());
        Assert.StartsWith("Model not loaded yet", panel.Find("[data-testid=status-model]").TextContent.Trim());
        Assert.Equal("FP8 supported on this GPU", panel.Find("[data-testid=status-fp8]").TextContent.Trim());
        Assert.Equal(2, panel.FindAll("[data-testid=status-device]").Count);
    }

    [Fact]
    public void The_raw_libtorch_facts_sit_behind_details()
    {
        var panel = RenderChecked();

        var details = panel.Find("[data-testid=status-details]");
        Assert.StartsWith("ATen/Parallel:", details.QuerySelector("[data-testid=status-parallel]")!.TextContent.Trim());
        Assert.Equal("2.5.1", details.QuerySelector("[data-testid=status-libtorch]")!.TextContent.Trim());
        Assert.NotNull(details.QuerySelector("[data-testid=status-checkpoint]"));
    }

    [Fact]
    public void Refresh_reads_the_status_again_and_stamps_the_check()
    {
        var panel = RenderChecked();
        Assert.Equal("1", panel.Find("[data-testid=status]").GetAttribute("data-check-count"));

        panel.Find("[data-testid=status-refresh]").Click();

        panel.WaitForAssertion(() => Assert.Equal("checked at 13:14:15 (check #2)", panel.Find("[data-testid=status-checked-at]").TextContent.Trim()),
            TimeSpan.FromSeconds(30));
        Assert.Equal(2, Provider.Reads);
    }

    [Fact]
    public void A_native_failure_shows_the_error_and_what_to_install()
    {
        Provider.Status = SampleStatus.NativeMissing("libliveavatar_native.so: cannot open shared object file");

        var panel = RenderChecked();

        Assert.Equal("libliveavatar_native.so: cannot open shared object file", panel.Find("[data-testid=status-native-error]").TextContent.Trim());
        Assert.Equal(EngineStatusView.InstallHint, panel.Find("[data-testid=status-install-hint]").TextContent.Trim());
        Assert.NotEmpty(panel.FindAll("[data-testid=status-no-devices]"));
        Assert.StartsWith("The engine could not start", panel.Find("[data-testid=status-headline]").TextContent.Trim());
    }

    [Fact]
    public void Missing_checkpoint_files_are_listed_by_name()
    {
        Provider.Status = SampleStatus.LoadedWithGpu(SampleStatus.MissingTwo());

        var panel = RenderChecked();

        Assert.StartsWith("2 of 3 expected files missing", panel.Find("[data-testid=status-checkpoint-summary]").TextContent.Trim());
        Assert.Contains("Wan2.1_VAE.pth", panel.Find("[data-testid=status-checkpoint-missing]").TextContent);
    }

    [Fact]
    public void The_last_engine_error_is_shown_with_its_hint()
    {
        var view = GeneratorStatusView.From(new FakeVideoGenerator().Info,
            new JobError(GenerationErrorKind.OutOfMemory, "CUDA out of memory", ErrorHints.OutOfMemory), SampleStatus.CheckedAt, TimeZoneInfo.Utc);

        var section = Bunit.Render<GeneratorSection>(p => p.Add(x => x.View, view));

        Assert.StartsWith("demo checkpoint", section.Find("[data-testid=status-generator-weights]").TextContent.Trim());
        Assert.Equal("Devices: cpu, cuda:0", section.Find("[data-testid=status-generator-devices]").TextContent.Trim());
        Assert.Equal("Last error (13:14:15): CUDA out of memory (OutOfMemory)", section.Find("[data-testid=status-last-error]").TextContent.Trim());
        Assert.Contains("Lower the resolution", section.Find("[data-testid=status-last-error-hint]").TextContent);
    }
}
