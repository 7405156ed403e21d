using LiveAvatar.Engine.Pipelines;

namespace LiveAvatar.Web.Services;

/// <summary>Turns the form's parameters into the engine's request, choosing devices from what the generator has.</summary>
public static class RequestBuilder
{
    /// <param name="loraFile">The LoRA file the catalog resolved p.LoraPath to; null: the engine's default.</param>
    public static GenerationRequest Build(JobParameters p, string imagePath, string audioPath, string outputPath,
        GeneratorInfo? info, string? loraFile = null) => new()
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
        LoadLora = p.LoraEnabled,
        LoraPath = p.LoraEnabled ? loraFile : null,
        Devices = Plan(info?.Devices ?? [], p.VaeParallel, p.SampleSteps),
        OutputPath = outputPath,
    };

    public static IReadOnlyList<string> Gpus(IReadOnlyList<string> devices) =>
        devices.Where(d => d.StartsWith("cuda", StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>One GPU (or the CPU) runs everything; with VAE parallel the last GPU decodes and the others run the
    /// DiT steps, as the original's multi-GPU launcher does.
    /// Each DiT stage runs at least one denoising step, so at most <paramref name="maxDitStages"/> GPUs run the DiT.</summary>
    public static DevicePlan Plan(IReadOnlyList<string> devices, bool vaeParallel, int maxDitStages = 4)
    {
        var gpus = Gpus(devices);
        if (gpus.Count == 0) return DevicePlan.Single(devices.FirstOrDefault() ?? "cpu");
        if (vaeParallel && gpus.Count >= 2)
            return new DevicePlan(gpus.Take(Math.Clamp(gpus.Count - 1, 1, Math.Max(1, maxDitStages))).ToList(), gpus[^1]);
        return DevicePlan.Single(gpus[0]);
    }
}
