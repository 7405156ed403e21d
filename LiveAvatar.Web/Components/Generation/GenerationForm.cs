using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Components.Generation;

/// <summary>The generation form's values and what they imply (output size, video length, cost). Every rule comes
/// from the engine's contract (<see cref="GenerationDefaults"/>, <see cref="GenerationLimits"/>,
/// <see cref="VideoTiming"/>, <see cref="OutputSizes"/>); this class only says it in the page's words.</summary>
public sealed partial class GenerationForm
{
    public const string PromptHint =
        "What works: who (look, clothes) + what they do (talking to the camera, gestures, expression) + where " +
        "(background, lighting) + framing (close-up, medium shot). E.g. \"A young woman with short brown hair in a red " +
        "sweater talks warmly to the camera in a bright studio, medium close-up.\"";

    public string Prompt { get; set; } = GenerationDefaults.Prompt;
    public StoredUpload? Image { get; set; }
    public StoredUpload? Audio { get; set; }

    /// <summary>Optional: a rendered pose video that drives the body.</summary>
    public StoredUpload? PoseVideo { get; set; }

    /// <summary>Optional: a second speaker's audio; then each speaker is marked on the picture.</summary>
    public StoredUpload? SecondAudio { get; set; }

    public SpeakerMarking Speakers { get; } = new();

    /// <summary>Mask images a run submitted through the API brought along (Regenerate keeps them until the person
    /// marks the speakers here instead).</summary>
    public IReadOnlyList<StoredUpload>? UploadedMasks { get; set; }

    public bool HasTwoSpeakers => SecondAudio is not null;
    public string Size { get; set; } = GenerationDefaults.Size;
    public int NumClip { get; set; } = GenerationDefaults.PageNumClip;
    public int SampleSteps { get; set; } = GenerationDefaults.SampleSteps;
    public double GuideScale { get; set; } = GenerationDefaults.GuideScale;
    public int InferFrames { get; set; } = GenerationDefaults.InferFrames;
    public long Seed { get; set; } = GenerationDefaults.Seed;
    public bool OnlineDecode { get; set; }
    public bool VaeParallel { get; set; }
    public bool Fp8 { get; set; }
    public MemoryProfile MemoryProfile { get; set; } = MemoryProfile.Auto;
    // The DMD LoRA is what makes the 4-step sampler work: on unless the user turns it off.
    public bool LoraEnabled { get; set; } = GenerationDefaults.LoadLora;
    public string LoraPath { get; set; } = "";

    /// <summary>GPUs the generator can use; VAE parallel needs two.</summary>
    public int GpuCount { get; set; }

    public static IReadOnlyList<string> Sizes => OutputSizes.Keys;

    public static IReadOnlyList<MemoryProfile> MemoryProfileChoices => MemoryProfiles.All;

    /// <summary>The selector's short label; what each profile does is the engine's <see cref="MemoryProfiles.Describe"/>.</summary>
    public static string MemoryProfileLabel(MemoryProfile p) => p == MemoryProfile.Auto ? "Auto" : $"{MemoryProfiles.Name(p)} GB";

    public bool InferFramesValid => VideoTiming.IsWholeBlocks(InferFrames)
        && InferFrames is >= GenerationLimits.MinInferFrames and <= GenerationLimits.MaxInferFrames;

    public (int Width, int Height)? OutputSize =>
        Image is null || !OutputSizes.IsSupported(Size) ? null : OutputSizes.For(Image.Width, Image.Height, Size);

    public string OutputSizeText => OutputSize is var (w, h)
        ? $"output {w}×{h} for this {Image!.Width}×{Image.Height} image"
        : "the image's aspect ratio picks the output size; upload an image to see it";

    /// <summary>Clips the audio allows, or null without audio (or with an invalid frame count).</summary>
    public int? MaxClips => Audio is not null && InferFramesValid ? Audio.ClipsAllowed(InferFrames) : null;

    public int EffectiveClips => Math.Max(0, MaxClips is int max ? Math.Min(NumClip, max) : NumClip);

    public string ClipsText
    {
        get
        {
            if (NumClip < 1 || !InferFramesValid) return "";
            int clips = EffectiveClips;
            int frames = VideoTiming.OutputFrames(clips, InferFrames);
            string length = $"{clips} clip{(clips == 1 ? "" : "s")} → {frames} frames = " +
                $"{DisplayFormat.Seconds(VideoTiming.Duration(frames).TotalSeconds)} at {VideoTiming.Fps} fps";
            if (MaxClips is not int max) return length + "; the audio sets the maximum";
            string cap = $"the audio ({DisplayFormat.Seconds(Audio!.Duration.TotalSeconds)}) allows at most {max} clip{(max == 1 ? "" : "s")}";
            return NumClip > max ? $"{length} (capped: {cap})" : $"{length}; {cap}";
        }
    }

    /// <summary>The clips slider only needs to reach what the audio allows (or the contract's cap without audio).</summary>
    public int ClipSliderMax => Math.Max(1, MaxClips ?? GenerationLimits.MaxNumClip);

    public string? GuideCostText => GenerationLimits.UsesGuidance(GuideScale)
        ? "Guidance above 1 runs the DiT twice per step (prompt and negative prompt): about 2× the time and a second set of KV caches in memory."
        : null;

    public bool VaeParallelAvailable => DevicePlanner.CanRunVaeParallel(GpuCount);

    public string? VaeParallelReason => VaeParallelAvailable ? null
        : GpuCount == 0 ? $"Needs {DevicePlanner.MinGpusForVaeParallel} or more GPUs; no GPU is available to the generator."
        : $"Needs {DevicePlanner.MinGpusForVaeParallel} or more GPUs; only {GpuCount} is present.";

    public string? ActivePresetId => Presets.All.FirstOrDefault(p =>
        p.Size == Size && p.NumClip == NumClip && p.SampleSteps == SampleSteps && p.OnlineDecode == OnlineDecode)?.Id;

    public void Apply(Preset preset)
    {
        Size = preset.Size;
        NumClip = preset.NumClip;
        SampleSteps = preset.SampleSteps;
        OnlineDecode = preset.OnlineDecode;
    }

    public void RandomizeSeed(Random random) => Seed = GenerationLimits.RandomSeed(random);

    public JobParameters ToParameters() => new()
    {
        Prompt = Prompt.Trim(),
        ImageId = Image?.Id ?? "",
        AudioId = Audio?.Id ?? "",
        Size = Size,
        NumClip = NumClip,
        SampleSteps = SampleSteps,
        GuideScale = GuideScale,
        InferFrames = InferFrames,
        Seed = Seed,
        OnlineDecode = OnlineDecode,
        VaeParallel = VaeParallel && VaeParallelAvailable,
        Fp8 = Fp8,
        MemoryProfile = MemoryProfile,
        LoraEnabled = LoraEnabled,
        LoraPath = LoraEnabled ? LoraPath.Trim() : null,
        PoseVideoId = PoseVideo?.Id,
        SecondAudioId = SecondAudio?.Id,
        // Marks without a second speaker mean nothing; the marker is hidden then and its marks stay out of the job.
        SpeakerMarks = HasTwoSpeakers && UploadedMasks is null && !Speakers.IsEmpty ? Speakers.ToList() : null,
        SpeakerMaskIds = HasTwoSpeakers && UploadedMasks is not null ? UploadedMasks.Select(m => m.Id).ToList() : null,
    };

    /// <summary>The optional inputs as the submission rules see them.</summary>
    public ConditioningInputs Conditioning => new(PoseVideo, SecondAudio,
        HasTwoSpeakers && UploadedMasks is null && !Speakers.IsEmpty ? Speakers.ToList() : null,
        HasTwoSpeakers ? UploadedMasks : null);

    /// <summary>Regenerate: a past run's parameters back into the form, with its inputs where they still exist.</summary>
    public void Load(JobParameters p, StoredUpload? image, StoredUpload? audio, ConditioningInputs? conditioning = null)
    {
        Prompt = p.Prompt;
        Image = image;
        Audio = audio;
        PoseVideo = conditioning?.PoseVideo;
        SecondAudio = conditioning?.SecondAudio;
        UploadedMasks = conditioning?.MaskUploads is { Count: > 0 } masks ? masks : null;
        Speakers.Load(p.SpeakerMarks);
        Size = p.Size;
        NumClip = p.NumClip;
        SampleSteps = p.SampleSteps;
        GuideScale = p.GuideScale;
        InferFrames = p.InferFrames;
        Seed = p.Seed;
        OnlineDecode = p.OnlineDecode;
        VaeParallel = p.VaeParallel && VaeParallelAvailable;
        Fp8 = p.Fp8;
        MemoryProfile = p.MemoryProfile;
        LoraEnabled = p.LoraEnabled;
        LoraPath = p.LoraPath ?? "";
    }
}
