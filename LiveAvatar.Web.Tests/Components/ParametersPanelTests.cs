using Bunit;
using LiveAvatar.Web.Components.Generation;
using MudBlazor;

namespace LiveAvatar.Web.Tests.Components;

public class ParametersPanelTests : PageContext
{
    [Fact]
    public void Sliders_bind_to_the_form_and_show_their_value()
    {
        using var state = NewState();
        var panel = Panel<ParametersPanel>(state);

        panel.Find("[data-testid=sample-steps]").Input("2");
        panel.Find("[data-testid=infer-frames]").Input("24");
        panel.Find("[data-testid=num-clip]").Input("3");

        Assert.Equal((2, 24, 3), (state.Form.SampleSteps, state.Form.InferFrames, state.Form.NumClip));
        Assert.Equal("2", panel.Find("[data-testid=sample-steps-value]").TextContent.Trim());
        Assert.Equal("24", panel.Find("[data-testid=infer-frames-value]").TextContent.Trim());
        Assert.Equal(GenerationLimits.MaxInferFrames.ToString(System.Globalization.CultureInfo.InvariantCulture),
            panel.Find("[data-testid=infer-frames]").GetAttribute("max"));
    }

    [Fact]
    public void Guidance_above_one_warns_about_the_cost()
    {
        using var state = NewState();
        var panel = Panel<ParametersPanel>(state);
        Assert.Empty(panel.FindAll("[data-testid=guide-scale-cost]"));

        panel.Find("[data-testid=guide-scale]").Input("3");

        Assert.Equal(3, state.Form.GuideScale);
        Assert.Contains("twice per step", panel.Find("[data-testid=guide-scale-cost]").TextContent);
    }

    [Fact]
    public void A_frame_count_that_is_not_whole_blocks_gets_the_engine_message_under_its_slider()
    {
        using var state = NewState();
        var panel = Panel<ParametersPanel>(state);

        panel.Find("[data-testid=infer-frames]").Input("40");

        Assert.StartsWith("40 frames per clip: use a multiple of 12", panel.Find("[data-testid=infer-frames-error]").TextContent.Trim());
        Assert.DoesNotContain("--", panel.Find("[data-testid=infer-frames-error]").TextContent);
    }

    [Fact]
    public void A_preset_fills_size_clips_steps_and_decode_and_is_marked_with_its_description()
    {
        using var state = NewState();
        var panel = Panel<ParametersPanel>(state);

        panel.Find("[data-testid=preset-long]").Click();

        Assert.Equal(("688*368", 1000, 4, true), (state.Form.Size, state.Form.NumClip, state.Form.SampleSteps, state.Form.OnlineDecode));
        Assert.Equal(Presets.Long.Description, panel.Find("[data-testid=preset-description]").TextContent.Trim());
        Assert.Equal("688*368", panel.Find("[data-testid=size]").GetAttribute("data-value"));
        Assert.Equal("true", panel.Find("[data-testid=online-decode]").GetAttribute("aria-checked"));
    }

    [Fact]
    public void The_dice_rolls_a_new_seed_and_typing_one_binds_it()
    {
        using var state = NewState();
        var panel = Panel<ParametersPanel>(state);

        panel.Find("[data-testid=seed-randomize]").Click();
        Assert.NotEqual(GenerationDefaults.Seed, state.Form.Seed);
        Assert.InRange(state.Form.Seed, GenerationLimits.MinSeed, GenerationLimits.MaxSeed);

        panel.Find("[data-testid=seed]").Change("77");
        Assert.Equal(77, state.Form.Seed);
    }

    [Fact]
    public async Task The_size_selector_offers_every_size_and_shows_the_output_the_image_will_get()
    {
        using var state = NewState();
        await state.LoadExampleAsync("anna");
        var panel = Panel<ParametersPanel>(state);

        Assert.Equal("output 448×576 for this 512×704 image", panel.Find("[data-testid=size-output]").TextContent.Trim());
        panel.Find("[data-testid=size]").MouseDown();
        // The size select's own items (the LoRA select offers its list too).
        var sizeSelect = panel.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Video size (max area)");
        var items = sizeSelect.FindComponents<MudSelectItem<string>>().Select(i => i.Instance.Value!).ToList();
        Assert.Equal(OutputSizes.Keys, items);
        Assert.Matches(@"^\d+ clips? → \d+ frames = \d+\.\d s at 25 fps \(capped: the audio \(\d\.\d s\) allows at most \d clips?\)$",
            panel.Find("[data-testid=num-clip-info]").TextContent.Trim());
    }

    [Fact]
    public void Switches_bind_and_vae_parallel_explains_why_it_is_off()
    {
        using var state = NewState();
        var panel = Panel<ParametersPanel>(state);

        panel.Find("[data-testid=fp8]").Change(true);
        panel.Find("[data-testid=lora-enable]").Change(false);

        Assert.True(state.Form.Fp8);
        Assert.False(state.Form.LoraEnabled);
        Assert.True(panel.Find("[data-testid=vae-parallel]").HasAttribute("disabled"));
        Assert.Equal("Needs 2 or more GPUs; only 1 is present.", panel.Find("[data-testid=vae-parallel-reason]").TextContent.Trim());
        panel.Find("[data-testid=lora-reload]").Click();
        // The reload handler is asynchronous: wait for its status line rather than racing it.
        panel.WaitForAssertion(() => Assert.StartsWith("LoRA is off", panel.Find("[data-testid=lora-status]").TextContent.Trim()),
            TimeSpan.FromSeconds(30));
    }
}
