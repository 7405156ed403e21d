using LiveAvatar.Engine.Media;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Tests.Generation;

public class GenerationFormTests
{
    private static StoredUpload Image(int width, int height) =>
        new("img", UploadKind.Image, "img.png", "image/png", "face.png", 100, width, height);

    private static StoredUpload Audio(double seconds) =>
        new("aud", UploadKind.Audio, "aud.wav", "audio/wav", "voice.wav", 100, AudioSamples: (long)(seconds * 16000));

    private static GenerationForm Complete() => new() { Image = Image(720, 400), Audio = Audio(60) };

    [Fact]
    public void The_lora_is_on_by_default_because_the_distilled_sampler_needs_it()
    {
        Assert.True(new GenerationForm().LoraEnabled);
    }

    [Fact]
    public void The_defaults_are_the_original_gradio_apps()
    {
        var form = new GenerationForm();

        Assert.Equal(("704*384", 10, 4, 0.0, 48, 420L), (form.Size, form.NumClip, form.SampleSteps, form.GuideScale, form.InferFrames, form.Seed));
        Assert.Equal(GenerationDefaults.Prompt, form.Prompt);
    }

    [Fact]
    public void A_form_with_inputs_and_defaults_has_no_errors()
    {
        Assert.Empty(Complete().Validate());
    }

    [Fact]
    public void Missing_inputs_are_reported_against_their_controls()
    {
        var errors = new GenerationForm { Prompt = " " }.Validate();

        Assert.Equal(["audio-upload", "image-upload", "prompt"], errors.Keys.Order());
    }

    [Theory]
    [InlineData(12, true)]
    [InlineData(48, true)]
    [InlineData(156, true)]
    [InlineData(40, false)]
    [InlineData(80, false)]
    [InlineData(0, false)]
    [InlineData(168, false)]
    public void Infer_frames_must_be_a_multiple_of_12(int frames, bool valid)
    {
        var form = Complete();
        form.InferFrames = frames;

        Assert.Equal(valid, !form.Validate().ContainsKey("infer-frames"));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(4, true)]
    [InlineData(5, false)]
    public void Sampling_steps_go_from_1_to_4(int steps, bool valid)
    {
        var form = Complete();
        form.SampleSteps = steps;

        Assert.Equal(valid, !form.Validate().ContainsKey("sample-steps"));
    }

    [Fact]
    public void Clips_below_one_an_unknown_size_a_negative_seed_and_a_wild_guidance_are_refused()
    {
        var form = Complete();
        form.NumClip = 0;
        form.Size = "999*999";
        form.Seed = -1;
        form.GuideScale = 11;

        Assert.Equal(["guide-scale", "num-clip", "seed", "size"], form.Validate().Keys.Order());
    }

    [Fact]
    public void Lora_on_without_a_path_uses_the_default_file()
    {
        var form = Complete();
        form.LoraEnabled = true;

        Assert.False(form.Validate().ContainsKey("lora-path"));
        Assert.Null(form.ToParameters().LoraPath is { Length: > 0 } p ? p : null);
    }

    [Fact]
    public void The_output_size_follows_the_images_aspect_ratio_within_the_sizes_area()
    {
        var form = Complete();

        Assert.Equal((704, 384), form.OutputSize);
        Assert.Equal("output 704×384 for this 720×400 image", form.OutputSizeText);

        form.Image = Image(400, 720);
        Assert.Equal((384, 704), form.OutputSize);
    }

    [Fact]
    public void Without_an_image_the_output_size_says_the_image_decides()
    {
        Assert.Null(new GenerationForm().OutputSize);
        Assert.Contains("upload an image", new GenerationForm().OutputSizeText);
    }

    [Fact]
    public void Video_length_is_48_per_clip_minus_3_frames_at_25_fps()
    {
        var form = new GenerationForm { NumClip = 10 };

        Assert.Equal(477, VideoTiming.OutputFrames(10, 48));
        Assert.StartsWith("10 clips → 477 frames = 19.1 s at 25 fps", form.ClipsText);
    }

    [Fact]
    public void The_audio_caps_the_clips_and_the_text_says_so()
    {
        var form = Complete();
        form.Audio = Audio(4.0);
        form.NumClip = 100;
        int max = AudioClipMath.ClipCount(64000, 48);

        Assert.Equal(max, form.MaxClips);
        Assert.Equal(max, form.EffectiveClips);
        Assert.Contains($"capped: the audio (4.0 s) allows at most {max} clip", form.ClipsText);
        Assert.DoesNotContain("num-clip", form.Validate().Keys);
    }

    [Fact]
    public void Guidance_above_one_shows_its_cost()
    {
        var form = Complete();
        Assert.Null(form.GuideCostText);

        form.GuideScale = 4.5;

        Assert.Contains("twice per step", form.GuideCostText);
    }

    [Theory]
    [InlineData(0, "no GPU")]
    [InlineData(1, "only 1 is present")]
    public void Vae_parallel_is_unavailable_with_fewer_than_two_gpus_and_says_why(int gpus, string reason)
    {
        var form = Complete();
        form.GpuCount = gpus;
        form.VaeParallel = true;

        Assert.False(form.VaeParallelAvailable);
        Assert.Contains(reason, form.VaeParallelReason);
        Assert.False(form.ToParameters().VaeParallel);
    }

    [Fact]
    public void Each_preset_sets_size_clips_steps_and_online_decode_and_is_then_the_active_one()
    {
        foreach (var preset in Presets.All)
        {
            var form = Complete();
            form.Apply(preset);

            Assert.Equal((preset.Size, preset.NumClip, preset.SampleSteps, preset.OnlineDecode),
                (form.Size, form.NumClip, form.SampleSteps, form.OnlineDecode));
            Assert.Equal(preset.Id, form.ActivePresetId);
        }
    }

    [Fact]
    public void The_presets_are_the_four_the_issue_names()
    {
        Assert.Equal(("384*256", 10, 3), (Presets.Quick.Size, Presets.Quick.NumClip, Presets.Quick.SampleSteps));
        Assert.Equal(("688*368", 100, 4), (Presets.Standard.Size, Presets.Standard.NumClip, Presets.Standard.SampleSteps));
        Assert.True(Presets.Long.OnlineDecode);
        Assert.True(Presets.Long.NumClip >= 1000);
        Assert.Equal(("704*384", 50, 4), (Presets.HighQuality.Size, Presets.HighQuality.NumClip, Presets.HighQuality.SampleSteps));
    }

    [Fact]
    public void Randomize_picks_a_seed_in_range()
    {
        var form = Complete();
        form.RandomizeSeed(new Random(7));

        Assert.NotEqual(420, form.Seed);
        Assert.InRange(form.Seed, 0, GenerationLimits.MaxSeed);
    }

    [Fact]
    public void Parameters_round_trip_through_load_for_regenerate()
    {
        var form = Complete();
        form.Apply(Presets.Long);
        form.Seed = 1234;
        form.GuideScale = 2;
        form.Fp8 = true;
        form.MemoryProfile = MemoryProfile.Gb48;
        form.LoraEnabled = true;
        form.LoraPath = " /loras/a.safetensors ";
        var parameters = form.ToParameters();

        var again = new GenerationForm();
        again.Load(parameters, form.Image, form.Audio);

        Assert.Equal(parameters, again.ToParameters());
        Assert.Equal("/loras/a.safetensors", parameters.LoraPath);
    }

    [Fact]
    public void The_memory_profile_starts_on_auto()
    {
        Assert.Equal(MemoryProfile.Auto, new GenerationForm().MemoryProfile);
        Assert.Equal(MemoryProfile.Auto, new GenerationForm().ToParameters().MemoryProfile);
    }

    [Theory]
    [InlineData(1, MemoryProfile.Gb24, false)]
    [InlineData(3, MemoryProfile.Gb24, true)]
    [InlineData(3, MemoryProfile.Gb48, true)]
    [InlineData(3, MemoryProfile.Gb80, false)]
    [InlineData(3, MemoryProfile.Auto, false)]
    public void A_24_or_48_GB_profile_on_a_multi_GPU_pipeline_is_reported_against_the_selector(int gpus, MemoryProfile profile, bool refused)
    {
        var form = Complete();
        form.GpuCount = gpus;
        form.VaeParallel = true;
        form.MemoryProfile = profile;

        Assert.Equal(refused, form.Validate().ContainsKey("memory-profile"));
    }
}
