namespace LiveAvatar.Engine.Generation;

/// <summary>Which devices do what. One DiT device runs every step; several run the timestep-forcing pipeline
/// (device i runs denoising step i). The VAE decodes on its own device or shares the last DiT device.</summary>
public sealed record DevicePlan(IReadOnlyList<string> DitDevices, string? VaeDevice = null)
{
    public static DevicePlan Single(string device = "cpu") => new([device]);

    public string EffectiveVaeDevice => VaeDevice ?? DitDevices[^1];
}

/// <summary>One generation job, in the original CLI's terms (plain .NET values only). Defaults come from
/// <see cref="GenerationDefaults"/>; <see cref="GenerationValidator"/> says what is wrong with one.</summary>
public sealed record GenerationRequest
{
    public required string ImagePath { get; init; }
    public required string AudioPath { get; init; }
    public string Prompt { get; init; } = "";

    /// <summary>A size key of the original (e.g. "704*384"); it picks the pixel area, the image picks the aspect.</summary>
    public string Size { get; init; } = GenerationDefaults.Size;

    /// <summary>Clips of <see cref="InferFrames"/> frames; null means all the audio allows. Capped by the audio.</summary>
    public int? NumClip { get; init; }

    public int SampleSteps { get; init; } = GenerationDefaults.SampleSteps;

    /// <summary>≤ 1: one conditional forward per step (the original). &gt; 1: classifier-free guidance with the
    /// negative prompt, which doubles the DiT work and needs a second set of KV caches.</summary>
    public double GuideScale { get; init; } = GenerationDefaults.GuideScale;

    public string? NegativePrompt { get; init; }
    public int InferFrames { get; init; } = GenerationDefaults.InferFrames;
    public long Seed { get; init; } = GenerationDefaults.Seed;
    public string Solver { get; init; } = GenerationDefaults.Solver;
    public bool OnlineDecode { get; init; }
    public bool OffloadModel { get; init; }
    public bool OffloadKvCache { get; init; }

    /// <summary>
    /// Run the original's single-GPU loop (denoise a whole clip, then decode it) instead of the default block
    /// streaming (its timestep-forcing pipeline on one or more devices: every 12-frame block is decoded and handed
    /// out as soon as it is clean, about twice the frame rate and the first frames in seconds instead of a clip's
    /// time). Guidance above 1 always takes the original loop, which supports it.
    /// </summary>
    public bool OriginalLoop { get; init; }
    public bool Fp8 { get; init; }

    /// <summary>The GPU memory budget (<see cref="MemoryPlanner"/> turns it into what stays resident); auto picks one
    /// from the GPU's free memory. FP8 and the offload settings add to the profile's savings.</summary>
    public MemoryProfile MemoryProfile { get; init; } = MemoryProfile.Auto;
    public bool LoadLora { get; init; } = GenerationDefaults.LoadLora;
    public string? LoraPath { get; init; }
    public DevicePlan Devices { get; init; } = DevicePlan.Single();

    /// <summary>A rendered pose video (DWPose-style skeletons) that drives body motion through cond_encoder; null
    /// keeps the original's zero pose.</summary>
    public string? PoseVideoPath { get; init; }

    /// <summary>The second speaker's audio (the original's `--audio a.wav+b.wav`); needs <see cref="SpeakerMaskPaths"/>.</summary>
    public string? SecondAudioPath { get; init; }

    /// <summary>One mask image per speaker, at the reference picture's size (white = that speaker).</summary>
    public IReadOnlyList<string>? SpeakerMaskPaths { get; init; }

    /// <summary>Whether two people speak (two audio tracks routed by masks).</summary>
    public bool HasTwoSpeakers => !string.IsNullOrWhiteSpace(SecondAudioPath);

    /// <summary>Where the final MP4 goes; null lets the generator name it like the original.</summary>
    public string? OutputPath { get; init; }
}
