using LiveAvatar.Engine.Media;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Components.Generation;

/// <summary>The generation form's values, what they imply (output size, video length, cost) and what is wrong
/// with them. Keys of <see cref="Validate"/> are the data-testids of the offending controls.</summary>
public sealed partial class GenerationForm
{
    public const string DefaultPrompt =
        "A scene in which the anchorwoman is interacting with the audience, with a clean interior in the background.";

    public const string PromptHint =
        "What works: who (look, clothes) + what they do (talking to the camera, gestures, expression) + where " +
        "(background, lighting) + framing (close-up, medium shot). E.g. \"A young woman with short brown hair in a red " +
        "sweater talks warmly to the camera in a bright studio, medium close-up.\"";

    public const int MinSteps = 1, MaxSteps = 4;
    public const int FrameMultiple = 12, MinInferFrames = 12, MaxInferFrames = 156;
    public const int MaxNumClip = 100_000;
    public const double MaxGuideScale = 10;
    public const long MaxSeed = int.MaxValue;
    public const double Fps = 25;

    /// <summary>Frames the first clip drops (spec §5.7): N clips give N·infer_frames − 3 frames.</summary>
    public const int DroppedFrames = 3;

    public string Prompt { get; set; } = DefaultPrompt;
    public StoredUpload? Image { get; set; }
    public StoredUpload? Audio { get; set; }
    public string Size { get; set; } = "704*384";
    public int NumClip { get; set; } = 10;
    public int SampleSteps { get; set; } = 4;
    public double GuideScale { get; set; }
    public int InferFrames { get; set; } = 48;
    public long Seed { get; set; } = 420;
    public bool OnlineDecode { get; set; }
    public bool VaeParallel { get; set; }
    public bool Fp8 { get; set; }
    // The DMD LoRA is what makes the 4-step sampler work: on unless the user turns it off (as the scripts pass --load_lora).
    public bool LoraEnabled { get; set; } = true;
    public string LoraPath { get; set; } = "";

    /// <summary>GPUs the generator can use; VAE parallel needs two.</summary>
    public int GpuCount { get; set; }

    public static IReadOnlyList<string> Sizes => GenerationSize.SupportedKeys;

    public bool InferFramesValid => InferFrames is >= MinInferFrames and <= MaxInferFrames && InferFrames % FrameMultiple == 0;

    public (int Width, int Height)? OutputSize
    {
        get
        {
            if (Image is null || !Sizes.Contains(Size)) return null;
            var (h, w) = GenerationSize.Compute(Image.Height, Image.Width, GenerationSize.MaxArea(Size));
            return (w, h);
        }
    }

    public string OutputSizeText => OutputSize is var (w, h)
        ? $"output {w}×{h} for this {Image!.Width}×{Image.Height} image"
        : "the image's aspect ratio picks the output size; upload an image to see it";

    /// <summary>Clips the audio allows, or null without audio (or with an invalid frame count).</summary>
    public int? MaxClips => Audio is not null && InferFramesValid ? Audio.ClipsAllowed(InferFrames) : null;

    public int EffectiveClips => Math.Max(0, MaxClips is int max ? Math.Min(NumClip, max) : NumClip);

    public static int FramesFor(int clips, int inferFrames) => clips <= 0 ? 0 : clips * inferFrames - DroppedFrames;

    public string ClipsText
    {
        get
        {
            if (NumClip < 1 || !InferFramesValid) return "";
            int clips = EffectiveClips;
            int frames = FramesFor(clips, InferFrames);
            string length = $"{clips} clip{(clips == 1 ? "" : "s")} → {frames} frames = {DisplayFormat.Seconds(frames / Fps)} at 25 fps";
            if (MaxClips is not int max) return length + "; the audio sets the maximum";
            string cap = $"the audio ({DisplayFormat.Seconds(Audio!.Duration.TotalSeconds)}) allows at most {max} clip{(max == 1 ? "" : "s")}";
            return NumClip > max ? $"{length} (capped: {cap})" : $"{length}; {cap}";
        }
    }

    public string? GuideCostText => GuideScale > 1
        ? "Guidance above 1 runs the DiT twice per step (prompt and negative prompt): about 2× the time and a second set of KV caches in memory."
        : null;

    public bool VaeParallelAvailable => GpuCount >= 2;

    public string? VaeParallelReason => VaeParallelAvailable ? null
        : GpuCount == 0 ? "Needs 2 or more GPUs; no GPU is available to the generator."
        : $"Needs 2 or more GPUs; only {GpuCount} is present.";

    public string? ActivePresetId => Presets.All.FirstOrDefault(p =>
        p.Size == Size && p.NumClip == NumClip && p.SampleSteps == SampleSteps && p.OnlineDecode == OnlineDecode)?.Id;

    public void Apply(Preset preset)
    {
        Size = preset.Size;
        NumClip = preset.NumClip;
        SampleSteps = preset.SampleSteps;
        OnlineDecode = preset.OnlineDecode;
    }

    public void RandomizeSeed(Random random) => Seed = random.NextInt64(0, MaxSeed + 1);

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
        LoraEnabled = LoraEnabled,
        LoraPath = LoraEnabled ? LoraPath.Trim() : null,
    };

    /// <summary>Regenerate: a past run's parameters back into the form, with its inputs where they still exist.</summary>
    public void Load(JobParameters p, StoredUpload? image, StoredUpload? audio)
    {
        Prompt = p.Prompt;
        Image = image;
        Audio = audio;
        Size = p.Size;
        NumClip = p.NumClip;
        SampleSteps = p.SampleSteps;
        GuideScale = p.GuideScale;
        InferFrames = p.InferFrames;
        Seed = p.Seed;
        OnlineDecode = p.OnlineDecode;
        VaeParallel = p.VaeParallel && VaeParallelAvailable;
        Fp8 = p.Fp8;
        LoraEnabled = p.LoraEnabled;
        LoraPath = p.LoraPath ?? "";
    }
}
