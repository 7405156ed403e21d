using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines;

public sealed partial class LiveAvatarGenerator
{
    /// <summary>The contract's rules with this machine's facts (CUDA devices, FP8 on the first DiT device).</summary>
    public IReadOnlyList<GenerationProblem> Validate(GenerationRequest r)
    {
        string? fp8 = null;
        if (r.Fp8 && r.Devices.DitDevices.Count > 0 && DevicePlanner.TryParse(r.Devices.DitDevices[0], out _, out _))
            fp8 = Models.Fp8.Fp8Conversion.MissingFor(Devices.Parse(r.Devices.DitDevices[0]));
        return [.. GenerationValidator.Validate(r, new DeviceFacts(CudaDevices.IsAvailable ? CudaDevices.Count : 0, fp8)),
            .. ConditioningProblems(r)];
    }

    // The optional conditioning of the original: a pose video, and a mask per speaker when there are two.
    private static IEnumerable<GenerationProblem> ConditioningProblems(GenerationRequest r)
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
}
