using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Api;

/// <summary>The API's form field for each field of the engine's request, so a problem document names the field the
/// client sent (num_clip, not numClip). Fields without a form field of their own keep the contract's name.</summary>
public static class ApiFieldNames
{
    private static readonly IReadOnlyDictionary<string, string> ByField = new Dictionary<string, string>
    {
        [GenerationField.NumClip] = "num_clip",
        [GenerationField.SampleSteps] = "sample_steps",
        [GenerationField.GuideScale] = "guide_scale",
        [GenerationField.InferFrames] = "infer_frames",
        [GenerationField.Devices] = "vae_parallel",
        [GenerationField.MemoryProfile] = "memory_profile",
        [GenerationField.PoseVideo] = "pose_video",
        [GenerationField.SpeakerMasks] = "speaker_masks",
        [ConditioningInputs.SecondAudioField] = "audio_2",
    };

    public static string For(string field) => ByField.TryGetValue(field, out var name) ? name : field;

    /// <summary>Every problem's message under its form field, in the order found (RFC 9457 "errors" member).</summary>
    public static Dictionary<string, string[]> Group(IEnumerable<GenerationProblem> problems) => problems
        .GroupBy(p => For(p.Field))
        .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray());
}
