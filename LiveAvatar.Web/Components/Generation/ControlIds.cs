namespace LiveAvatar.Web.Components.Generation;

/// <summary>Where the page shows a problem with each field of the engine's request: the data-testid of the control
/// a person changes to fix it.</summary>
public static class ControlIds
{
    /// <summary>Problems that are not about one control are listed beside the Generate button.</summary>
    public const string Generate = "generate";

    private static readonly IReadOnlyDictionary<string, string> ByField = new Dictionary<string, string>
    {
        [GenerationField.Image] = "image-upload",
        [GenerationField.Audio] = "audio-upload",
        [GenerationField.Prompt] = "prompt",
        [GenerationField.Size] = "size",
        [GenerationField.NumClip] = "num-clip",
        [GenerationField.SampleSteps] = "sample-steps",
        [GenerationField.GuideScale] = "guide-scale",
        [GenerationField.InferFrames] = "infer-frames",
        [GenerationField.Seed] = "seed",
        [GenerationField.Fp8] = "fp8",
        [GenerationField.MemoryProfile] = "memory-profile",
        [GenerationField.Devices] = "vae-parallel",
        [GenerationField.Lora] = "lora-path",
        [GenerationField.PoseVideo] = "pose-upload",
        [GenerationField.SpeakerMasks] = "speaker-marks",
        [LiveAvatar.Web.Services.ConditioningInputs.SecondAudioField] = "audio2-upload",
    };

    public static string For(string field) => ByField.TryGetValue(field, out var id) ? id : Generate;

    /// <summary>The first problem of each control (one message under a control is enough to act on).</summary>
    public static IReadOnlyDictionary<string, string> ByControl(IEnumerable<GenerationProblem> problems)
    {
        var result = new Dictionary<string, string>();
        foreach (var p in problems) result.TryAdd(For(p.Field), p.Message);
        return result;
    }
}
