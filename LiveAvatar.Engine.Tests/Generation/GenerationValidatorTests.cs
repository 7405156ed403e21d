namespace LiveAvatar.Engine.Tests.Generation;

public class GenerationValidatorTests
{
    private static GenerationRequest Valid => new() { ImagePath = "a.png", AudioPath = "a.wav", Prompt = "a person talks" };

    private static IReadOnlyList<string> FieldsOf(GenerationRequest r) =>
        GenerationValidator.ValidateSettings(r).Select(p => p.Field).ToList();

    [Fact]
    public void The_defaults_with_inputs_and_a_prompt_are_valid()
    {
        Assert.Empty(GenerationValidator.ValidateSettings(Valid));
    }

    [Theory]
    [InlineData(0), InlineData(5)]
    public void Sample_steps_outside_one_to_four_are_refused(int steps)
    {
        Assert.Equal([GenerationField.SampleSteps], FieldsOf(Valid with { SampleSteps = steps }));
    }

    [Theory]
    [InlineData(0), InlineData(40), InlineData(168)]
    public void Frames_per_clip_must_be_whole_blocks_within_the_limit(int frames)
    {
        Assert.Equal([GenerationField.InferFrames], FieldsOf(Valid with { InferFrames = frames }));
    }

    [Theory]
    [InlineData(-0.5), InlineData(10.5), InlineData(double.NaN)]
    public void Guidance_outside_zero_to_ten_is_refused(double scale)
    {
        Assert.Equal([GenerationField.GuideScale], FieldsOf(Valid with { GuideScale = scale }));
    }

    [Fact]
    public void Missing_inputs_a_blank_prompt_and_a_long_prompt_are_each_named()
    {
        Assert.Equal([GenerationField.Image, GenerationField.Audio, GenerationField.Prompt],
            FieldsOf(new GenerationRequest { ImagePath = "", AudioPath = " ", Prompt = " " }));
        var tooLong = GenerationValidator.ValidateSettings(Valid with { Prompt = new string('a', GenerationLimits.MaxPromptLength + 1) });
        Assert.Contains("at most 2,000", tooLong.Single(p => p.Field == GenerationField.Prompt).Message);
    }

    [Fact]
    public void Clips_seed_size_and_solver_limits_hold()
    {
        Assert.Equal([GenerationField.NumClip, GenerationField.Seed, GenerationField.Size, GenerationField.Solver],
            FieldsOf(Valid with { NumClip = 0, Seed = -1, Size = "100*100", Solver = "unipc" }).Order(StringComparer.Ordinal));
        Assert.Empty(FieldsOf(Valid with { NumClip = null }));
    }

    [Fact]
    public void No_message_names_a_command_line_flag()
    {
        var bad = new GenerationRequest
        {
            ImagePath = "", AudioPath = "", Prompt = "", Size = "1*1", NumClip = 0, SampleSteps = 9, GuideScale = 99, InferFrames = 7,
            Seed = -5, Solver = "x", Fp8 = true, OffloadKvCache = true, Devices = new DevicePlan(["cuda:0", "cuda:1", "meta"], "gpu7"),
        };
        var problems = GenerationValidator.Validate(bad, new DeviceFacts(1, "no FP8 on this GPU"));
        Assert.True(problems.Count >= 12, string.Join("\n", problems));
        Assert.DoesNotContain(problems, p => p.Message.Contains("--"));
    }

    [Fact]
    public void Devices_the_machine_lacks_and_fp8_it_cannot_run_are_reported_by_the_full_check()
    {
        var dir = Path.Combine(Path.GetTempPath(), "la-validator-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var image = Path.Combine(dir, "a.png");
            var audio = Path.Combine(dir, "a.wav");
            File.WriteAllText(image, "x");
            File.WriteAllText(audio, "x");
            var r = Valid with { ImagePath = image, AudioPath = audio, Fp8 = true, Devices = new DevicePlan(["cuda:0", "cuda:1"], "cuda:2") };
            var problems = GenerationValidator.Validate(r, new DeviceFacts(1, "this GPU has no FP8 units"));
            Assert.Contains(problems, p => p.Field == GenerationField.Devices && p.Message.Contains("cuda:1, cuda:2, which are not present"));
            Assert.Contains(problems, p => p.Field == GenerationField.Fp8 && p.Message.Contains("no FP8 units"));
            Assert.Empty(GenerationValidator.Validate(r with { Fp8 = false, Devices = DevicePlan.Single("cuda:0") }, new DeviceFacts(1)));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

public class VideoTimingAndDevicePlannerTests
{
    [Fact]
    public void N_clips_of_48_frames_make_48N_minus_3_frames_at_25_fps()
    {
        Assert.Equal(93, VideoTiming.OutputFrames(2, 48));
        Assert.Equal(0, VideoTiming.OutputFrames(0, 48));
        Assert.Equal(TimeSpan.FromSeconds(3.72), VideoTiming.Duration(93));
        Assert.Equal(4, VideoTiming.BlocksPerClip(48));
    }

    [Fact]
    public void Vae_parallel_puts_the_decoder_on_the_last_gpu_and_at_most_one_dit_stage_per_step()
    {
        string[] gpus = ["cpu", "cuda:0", "cuda:1", "cuda:2", "cuda:3", "cuda:4", "cuda:5"];
        var plan = DevicePlanner.Plan(gpus, vaeParallel: true, sampleSteps: 4);
        Assert.Equal(["cuda:0", "cuda:1", "cuda:2", "cuda:3"], plan.DitDevices);
        Assert.Equal("cuda:5", plan.EffectiveVaeDevice);
        Assert.Equal(DevicePlan.Single("cuda:0").DitDevices, DevicePlanner.Plan(gpus, vaeParallel: false, 4).DitDevices);
        Assert.Equal("cpu", DevicePlanner.Plan(["cpu"], vaeParallel: true, 4).DitDevices.Single());
    }

    [Fact]
    public void The_output_size_follows_the_image_aspect_under_the_area_of_the_key()
    {
        Assert.Equal((448, 576), OutputSizes.For(512, 704, "704*384"));
        Assert.Equal((704, 384), OutputSizes.For(1920, 1080, "704*384"));
        Assert.False(OutputSizes.IsSupported("700*300"));
    }
}
