using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Media;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines;

public sealed partial class LiveAvatarGenerator
{
    /// <summary>Everything wrong with a request, each saying what to change. Files are checked later by content.</summary>
    private static Device SafeParse(string d)
    {
        try { return Devices.Parse(d); }
        catch (FormatException) { return torch.CPU; }
    }

    public IReadOnlyList<string> Validate(GenerationRequest r)
    {
        var p = new List<string>();
        if (string.IsNullOrWhiteSpace(r.ImagePath)) p.Add("a reference image is required.");
        if (string.IsNullOrWhiteSpace(r.AudioPath)) p.Add("an audio file is required.");
        if (!GenerationSize.SupportedKeys.Contains(r.Size)) p.Add($"size '{r.Size}' is not supported; use one of {string.Join(", ", GenerationSize.SupportedKeys)}.");
        if (r.SampleSteps is < 1 or > 4) p.Add($"sample steps {r.SampleSteps}: use 1 to 4.");
        if (r.InferFrames <= 0 || r.InferFrames % 12 != 0) p.Add($"frames per clip {r.InferFrames}: use a positive multiple of 12 (48 is the trained length).");
        if (r.NumClip is < 1) p.Add($"clips {r.NumClip}: use 1 or more.");
        var masks = r.SpeakerMaskPaths?.Count ?? 0;
        if (r.HasTwoSpeakers && masks != 2)
            p.Add(masks == 0 ? "two speakers need a mask for each (speaker masks: the left/first speaker's image, then the second's)."
                : $"{masks} speaker masks for two speakers: give exactly one mask per audio track.");
        if (!r.HasTwoSpeakers && masks > 0) p.Add("speaker masks are only used with a second audio track; add it or drop the masks.");
        if (r.PoseVideoPath is { } pv && string.IsNullOrWhiteSpace(pv)) p.Add("the pose video path is empty.");
        if (r.Solver != "euler") p.Add($"solver '{r.Solver}': only euler is implemented (as in the original).");
        if (double.IsNaN(r.GuideScale)) p.Add("guide scale is not a number: use 0 (the distilled model needs none) or a value above 1 for classifier-free guidance.");
        if (r.Fp8 && r.Devices.DitDevices.Count > 0 && Models.Fp8.Fp8Conversion.MissingFor(SafeParse(r.Devices.DitDevices[0])) is { } missing)
            p.Add($"FP8 cannot run here: {missing}; turn it off.");
        if (r.Devices.DitDevices.Count == 0) p.Add("the device plan names no DiT device.");
        else if (r.Devices.DitDevices.Count > r.SampleSteps) p.Add($"{r.Devices.DitDevices.Count} DiT devices exceed {r.SampleSteps} steps: each pipeline stage runs at least one step.");
        if (r.Devices.DitDevices.Count > 1 && (r.OffloadKvCache || r.OffloadModel)) p.Add("offloading applies to a single device; drop it for the multi-device pipeline.");
        foreach (var d in r.Devices.DitDevices.Append(r.Devices.EffectiveVaeDevice))
        {
            Device dev;
            try { dev = Devices.Parse(d); }
            catch (FormatException e) { p.Add(e.Message + "."); continue; }
            if (dev.type == DeviceType.CUDA && dev.index >= CudaDevices.Count) p.Add($"device {d} is not present (this machine has {CudaDevices.Count} CUDA devices).");
            if (dev.type == DeviceType.META) p.Add("the meta device cannot run a generation.");
        }
        return p;
    }
}
