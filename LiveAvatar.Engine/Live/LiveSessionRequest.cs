namespace LiveAvatar.Engine.Live;

/// <summary>What a live session is given once, before any audio: the reference picture, the prompt and the
/// generation settings that apply to a live run (the rest of a job's settings have no meaning without a file).</summary>
public sealed record LiveSessionRequest
{
    public required string ImagePath { get; init; }
    public string Prompt { get; init; } = "";
    public string Size { get; init; } = LiveDefaults.Size;
    public int SampleSteps { get; init; } = GenerationDefaults.SampleSteps;
    public int InferFrames { get; init; } = GenerationDefaults.InferFrames;
    public long Seed { get; init; } = GenerationDefaults.Seed;
    /// <summary>Null: the engine's default plan for this machine (the first GPU, else the CPU), the one the models
    /// are preloaded on, so starting a session does not reload them elsewhere.</summary>
    public DevicePlan? Devices { get; init; }
    public bool LoadLora { get; init; } = GenerationDefaults.LoadLora;
    public string? LoraPath { get; init; }

    /// <summary>Where the recording (every block with its audio) is written when the session stops.</summary>
    public required string RecordingPath { get; init; }

    /// <summary>The contract's request with the same settings, so the same rules and messages apply. Live audio has no
    /// file: the audio field is filled with a marker and its problems are left out by the validator.</summary>
    internal GenerationRequest AsGenerationRequest(IReadOnlyList<string> machineDevices) => new()
    {
        ImagePath = ImagePath, AudioPath = LiveMarker, Prompt = Prompt, Size = Size, SampleSteps = SampleSteps,
        InferFrames = InferFrames, Seed = Seed, Devices = Devices ?? DevicePlanner.Plan(machineDevices, false, SampleSteps),
        LoadLora = LoadLora, LoraPath = LoraPath,
        OutputPath = RecordingPath, NumClip = 1, OnlineDecode = true,
    };

    internal const string LiveMarker = "(live audio)";
}

/// <summary>The bounds of a live session: how much audio may wait, when it counts as behind, how long it may run.</summary>
public sealed record LiveSessionLimits
{
    /// <summary>Audio that may wait for generation; beyond it the sender waits (nothing is dropped).</summary>
    public TimeSpan MaxQueuedAudio { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Waiting audio beyond which the session reports that it is behind real time (three blocks: one being
    /// generated, one arriving, one spare).</summary>
    public TimeSpan BehindAfter { get; init; } = TimeSpan.FromSeconds(1.44);

    /// <summary>Past audio each block's wav2vec2 window includes.</summary>
    public double AudioContextSeconds { get; init; } = SlidingWindowAudioEncoder.DefaultContextSeconds;

    /// <summary>The longest session; the DiT's rotary table covers about two hours of frames.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromHours(1);

    public static LiveSessionLimits Default { get; } = new();
}
