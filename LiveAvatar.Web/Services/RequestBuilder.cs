namespace LiveAvatar.Web.Services;

/// <summary>Turns the form's parameters into the engine's request; the contract's planner picks the devices from
/// what the generator has.</summary>
public static class RequestBuilder
{
    /// <param name="loraFile">The LoRA file the catalog resolved p.LoraPath to; null: the engine's default.</param>
    /// <param name="conditioning">Paths of the optional inputs (pose video, second audio, speaker masks).</param>
    public static GenerationRequest Build(JobParameters p, string imagePath, string audioPath, string? outputPath,
        GeneratorInfo? info, string? loraFile = null,
        (string? Pose, string? SecondAudio, IReadOnlyList<string>? Masks) conditioning = default) => new()
    {
        ImagePath = imagePath,
        AudioPath = audioPath,
        Prompt = p.Prompt,
        Size = p.Size,
        NumClip = p.NumClip,
        SampleSteps = p.SampleSteps,
        GuideScale = p.GuideScale,
        InferFrames = p.InferFrames,
        Seed = p.Seed,
        OnlineDecode = p.OnlineDecode,
        Fp8 = p.Fp8,
        MemoryProfile = p.MemoryProfile,
        LoadLora = p.LoraEnabled,
        LoraPath = p.LoraEnabled ? loraFile : null,
        Devices = DevicePlanner.Plan(info?.Devices ?? [], p.VaeParallel, p.SampleSteps),
        OutputPath = outputPath,
        PoseVideoPath = conditioning.Pose,
        SecondAudioPath = conditioning.SecondAudio,
        SpeakerMaskPaths = conditioning.Masks,
    };
}
