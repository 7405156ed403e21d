using LiveAvatar.Cli.Commands;

namespace LiveAvatar.Cli.Tests;

public sealed class GenerateOptionsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("la-gen-");
    private readonly string _img;
    private readonly string _wav;

    public GenerateOptionsTests()
    {
        _img = Path.Combine(_dir.FullName, "a.png");
        _wav = Path.Combine(_dir.FullName, "a.wav");
        File.WriteAllText(_img, "x");
        File.WriteAllText(_wav, "x");
    }

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void The_original_flags_map_onto_the_request()
    {
        var o = GenerateOptions.Parse(["--image", _img, "--audio", _wav, "--prompt", "a woman talks", "--size", "720*400",
            "--num_clip", "10", "--sample_steps", "3", "--infer_frames", "48", "--base_seed", "7", "--enable_online_decode",
            "--offload_model", "True", "--fp8", "--load_lora", "--sample_guide_scale", "0"], cudaDevices: 0);
        var r = o.Request;
        Assert.Equal("720*400", r.Size);
        Assert.Equal(10, r.NumClip);
        Assert.Equal(3, r.SampleSteps);
        Assert.Equal(7, r.Seed);
        Assert.True(r.OnlineDecode);
        Assert.True(r.OffloadModel);
        Assert.True(r.Fp8);
        Assert.True(r.LoadLora);
        Assert.Null(r.NegativePrompt);
        Assert.Equal(["cpu"], r.Devices.DitDevices);
        Assert.False(r.OriginalLoop); // block streaming is the default
    }

    [Fact]
    public void The_original_loop_is_one_flag_away_and_guidance_on_several_devices_is_refused()
    {
        Assert.True(GenerateOptions.Parse(["--image", _img, "--audio", _wav, "--original_loop"], cudaDevices: 0).Request.OriginalLoop);
        Assert.Contains("--original_loop", GenerateOptions.Usage);
        var e = Assert.Throws<ArgumentException>(() => GenerateOptions.Parse(
            ["--image", _img, "--audio", _wav, "--sample_guide_scale", "4", "--num_gpus_dit", "2"], cudaDevices: 2));
        Assert.Contains("--sample_guide_scale: Guidance above 1 runs on a single device only", e.Message);
    }

    [Fact]
    public void The_memory_profile_defaults_to_auto_takes_its_names_and_refuses_others_and_the_pipeline()
    {
        Assert.Equal(MemoryProfile.Auto, GenerateOptions.Parse(["--image", _img, "--audio", _wav], cudaDevices: 0).Request.MemoryProfile);
        Assert.Equal(MemoryProfile.Gb24, GenerateOptions.Parse(["--image", _img, "--audio", _wav, "--memory_profile", "24"], cudaDevices: 0).Request.MemoryProfile);
        var bad = Assert.Throws<ArgumentException>(() => GenerateOptions.Parse(["--image", _img, "--audio", _wav, "--memory_profile", "16"], cudaDevices: 0));
        Assert.Contains("--memory_profile 16: use auto, 24, 48, 80", bad.Message);
        var pipeline = Assert.Throws<ArgumentException>(() => GenerateOptions.Parse(
            ["--image", _img, "--audio", _wav, "--memory_profile", "48", "--num_gpus_dit", "2"], cudaDevices: 2));
        Assert.Contains("--memory_profile: The 48 GB memory profile runs on one GPU", pipeline.Message);
        Assert.Contains("--memory_profile P", GenerateOptions.Usage);
    }

    [Fact]
    public void Every_bad_value_is_reported_at_once_with_what_to_change()
    {
        var e = Assert.Throws<ArgumentException>(() => GenerateOptions.Parse(["--audio", "/nope.wav", "--size", "700*300",
            "--sample_steps", "8", "--infer_frames", "50", "--sample_solver", "unipc", "--num_clip", "0"], cudaDevices: 0));
        Assert.Contains("--image: A reference image is required", e.Message);
        Assert.Contains("--audio: There is no audio file at /nope.wav", e.Message);
        Assert.Contains("--size: '700*300' is not a supported size; use one of", e.Message);
        Assert.Contains("--sample_steps: 8 sampling steps is outside 1 to 4", e.Message);
        Assert.Contains("--infer_frames: 50 frames per clip: use a multiple of 12", e.Message);
        Assert.Contains("--sample_solver: Solver 'unipc' is not available; only euler", e.Message);
        Assert.Contains("--num_clip: 0 clips is outside 1 to 10,000", e.Message);
    }

    [Fact]
    public void Several_dit_devices_need_that_many_gpus()
    {
        var e = Assert.Throws<ArgumentException>(() => GenerateOptions.Parse(["--image", _img, "--audio", _wav, "--num_gpus_dit", "4",
            "--enable_vae_parallel"], cudaDevices: 1));
        Assert.Contains("The plan needs cuda:1, cuda:2, cuda:3, cuda:4, which are not present: this machine has 1 CUDA device.", e.Message);
        var ok = GenerateOptions.Parse(["--image", _img, "--audio", _wav, "--num_gpus_dit", "2", "--enable_vae_parallel"], cudaDevices: 3);
        Assert.Equal(["cuda:0", "cuda:1"], ok.Request.Devices.DitDevices);
        Assert.Equal("cuda:2", ok.Request.Devices.EffectiveVaeDevice);
    }

    [Fact]
    public void Guidance_above_one_brings_the_negative_prompt()
    {
        var o = GenerateOptions.Parse(["--image", _img, "--audio", _wav, "--sample_guide_scale", "4.5"], 0);
        Assert.Equal(GenerateOptions.DefaultNegativePrompt, o.Request.NegativePrompt);
    }

    [Fact]
    public void The_output_is_named_like_the_original()
    {
        var name = GenerateOptions.DefaultFileName(4, "A woman/man talks " + new string('x', 60), new DateTime(2026, 1, 2, 3, 4, 5));
        Assert.Equal("20260102_030405_4step_A_woman_man_talks_" + new string('x', 32) + ".mp4", name);
    }

    [Fact]
    public void A_typo_in_an_option_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => GenerateOptions.Parse(["--image", _img, "--audio", _wav, "--num_clips", "3"], 0));
        Assert.Contains("--num_clips", e.Message);
    }
}
