using System.Globalization;
using static LiveAvatar.Engine.Generation.GenerationLimits;

namespace LiveAvatar.Engine.Generation;

/// <summary>
/// Every rule a request must follow, in one place. Problems are keyed by <see cref="GenerationField"/> and worded
/// for anyone: they say what is wrong and what to use instead, never which flag or button to press.
/// </summary>
public static class GenerationValidator
{
    /// <summary>The settings alone: presence of inputs, ranges, frame arithmetic, the device plan's shape. Needs no
    /// file system and no libtorch, so a form can run it on every change.</summary>
    public static IReadOnlyList<GenerationProblem> ValidateSettings(GenerationRequest r)
    {
        var p = new List<GenerationProblem>();
        void Add(string field, string message) => p.Add(new GenerationProblem(field, message));

        if (string.IsNullOrWhiteSpace(r.ImagePath)) Add(GenerationField.Image, "A reference image is required (a portrait works best).");
        if (string.IsNullOrWhiteSpace(r.AudioPath)) Add(GenerationField.Audio, "An audio file is required: the speech the avatar says.");
        if (string.IsNullOrWhiteSpace(r.Prompt)) Add(GenerationField.Prompt, "A prompt is required: describe the person and the scene.");
        else if (r.Prompt.Length > MaxPromptLength)
            Add(GenerationField.Prompt, $"The prompt is {r.Prompt.Length:N0} characters; at most {MaxPromptLength:N0} are allowed (the text encoder reads about 512 tokens).");
        if (!OutputSizes.IsSupported(r.Size)) Add(GenerationField.Size, OutputSizes.UnsupportedMessage(r.Size));
        if (r.NumClip is < MinNumClip or > MaxNumClip)
            Add(GenerationField.NumClip, $"{r.NumClip} clips is outside {MinNumClip} to {MaxNumClip:N0}; the audio length caps the count anyway.");
        if (r.SampleSteps is < MinSampleSteps or > MaxSampleSteps)
            Add(GenerationField.SampleSteps, $"{r.SampleSteps} sampling steps is outside {MinSampleSteps} to {MaxSampleSteps}: the distilled sampler is trained for 4.");
        if (!VideoTiming.IsWholeBlocks(r.InferFrames) || r.InferFrames is < MinInferFrames or > MaxInferFrames)
            Add(GenerationField.InferFrames, $"{r.InferFrames} frames per clip: use a multiple of {VideoTiming.FramesPerBlock} from {MinInferFrames} to {MaxInferFrames} " +
                "(48 is the trained length; other counts leave frames undenoised).");
        if (double.IsNaN(r.GuideScale) || r.GuideScale is < MinGuideScale or > MaxGuideScale)
            Add(GenerationField.GuideScale, $"Guidance scale {Format(r.GuideScale)} is outside {Format(MinGuideScale)} to {Format(MaxGuideScale)}: " +
                "0 runs the distilled model as trained; above 1 adds classifier-free guidance.");
        if (r.Seed is < MinSeed or > MaxSeed) Add(GenerationField.Seed, $"Seed {r.Seed} is outside {MinSeed} to {MaxSeed}.");
        if (r.Solver != GenerationDefaults.Solver) Add(GenerationField.Solver, $"Solver '{r.Solver}' is not available; only euler is implemented (as in the original).");
        ValidatePlanShape(r, Add);
        return p;
    }

    /// <summary>The settings plus what only this machine can answer: the files exist, the devices are present, FP8
    /// runs here.</summary>
    public static IReadOnlyList<GenerationProblem> Validate(GenerationRequest r, DeviceFacts facts)
    {
        var p = ValidateSettings(r).ToList();
        if (!string.IsNullOrWhiteSpace(r.ImagePath) && !File.Exists(r.ImagePath))
            p.Add(new(GenerationField.Image, $"There is no image file at {r.ImagePath}."));
        if (!string.IsNullOrWhiteSpace(r.AudioPath) && !File.Exists(r.AudioPath))
            p.Add(new(GenerationField.Audio, $"There is no audio file at {r.AudioPath}."));
        var absent = r.Devices.DitDevices.Append(r.Devices.EffectiveVaeDevice).Distinct()
            .Where(d => DevicePlanner.TryParse(d, out var kind, out var index) && kind == "cuda" && index >= facts.CudaDevices).ToList();
        if (absent.Count > 0)
            p.Add(new(GenerationField.Devices, $"The plan needs {string.Join(", ", absent)}, which {(absent.Count == 1 ? "is" : "are")} not present: " +
                $"this machine has {Plural(facts.CudaDevices, "CUDA device")}."));
        if (r.Fp8 && facts.Fp8Unavailable is { } why)
            p.Add(new(GenerationField.Fp8, $"FP8 cannot run here ({why}); run without FP8."));
        return p;
    }

    /// <summary>The optional conditioning of the original: a pose video, and a mask per speaker when there are two.
    /// Settings only (counts, presence), so a form can run it too; the masks' pixels are checked when a job loads them.</summary>
    public static IEnumerable<GenerationProblem> ValidateConditioning(GenerationRequest r)
    {
        var masks = r.SpeakerMaskPaths?.Count ?? 0;
        if (r.HasTwoSpeakers && masks != 2)
            yield return new(GenerationField.SpeakerMasks, masks == 0
                ? "two speakers need a mask for each (the first speaker's mask image, then the second's)."
                : $"{masks} speaker masks for two speakers: give exactly one mask per audio track.");
        if (!r.HasTwoSpeakers && masks > 0)
            yield return new(GenerationField.SpeakerMasks, "speaker masks are only used with a second audio track; add it or drop the masks.");
        if (r.PoseVideoPath is { } pv && string.IsNullOrWhiteSpace(pv))
            yield return new(GenerationField.PoseVideo, "the pose video path is empty.");
    }

    private static void ValidatePlanShape(GenerationRequest r, Action<string, string> add)
    {
        var plan = r.Devices;
        if (plan.DitDevices.Count == 0)
        {
            add(GenerationField.Devices, "The device plan names no device for the DiT.");
            return;
        }
        if (plan.DitDevices.Count > Math.Max(1, r.SampleSteps))
            add(GenerationField.Devices, $"{plan.DitDevices.Count} DiT devices exceed {r.SampleSteps} sampling steps: each pipeline stage runs at least one step.");
        if (plan.DitDevices.Count > 1 && (r.OffloadKvCache || r.OffloadModel))
            add(GenerationField.Offload, "Offloading applies to a single device; turn it off for the multi-device pipeline.");
        if (plan.DitDevices.Count > 1 && r.MemoryProfile is MemoryProfile.Gb24 or MemoryProfile.Gb48)
            add(GenerationField.MemoryProfile, $"The {MemoryProfiles.Name(r.MemoryProfile)} GB memory profile runs on one GPU; " +
                "the multi-device pipeline keeps its weights resident on each GPU: choose auto or 80.");
        if (!Enum.IsDefined(r.MemoryProfile))
            add(GenerationField.MemoryProfile, $"Unknown memory profile {(int)r.MemoryProfile}: use {string.Join(", ", MemoryProfiles.Names)}.");
        // The block-streaming pipeline is the original's timestep-forcing pipeline, which has no guidance branch.
        if (plan.DitDevices.Count > 1 && GenerationLimits.UsesGuidance(r.GuideScale))
            add(GenerationField.GuideScale, $"Guidance above {GenerationLimits.GuidanceThreshold} runs on a single device only; " +
                "set it to 1 or less for the multi-device pipeline, or use one device.");
        foreach (var d in plan.DitDevices.Append(plan.EffectiveVaeDevice).Distinct())
        {
            if (!DevicePlanner.TryParse(d, out var kind, out _))
                add(GenerationField.Devices, $"Unknown device '{d}': use cpu, cuda or cuda:N.");
            else if (kind == "meta")
                add(GenerationField.Devices, "The meta device holds no data and cannot run a generation.");
        }
    }

    private static string Format(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
