
namespace LiveAvatar.Cli.Commands;

/// <summary>The engine's field-keyed problems in the CLI's terms: each prefixed with the flag that sets the field.</summary>
public static class CliProblems
{
    private static readonly IReadOnlyDictionary<string, string> FlagOf = new Dictionary<string, string>
    {
        [GenerationField.Image] = "--image",
        [GenerationField.Audio] = "--audio",
        [GenerationField.SpeakerMasks] = "--speaker_masks",
        [GenerationField.PoseVideo] = "--pose_video",
        [GenerationField.Prompt] = "--prompt",
        [GenerationField.Size] = "--size",
        [GenerationField.NumClip] = "--num_clip",
        [GenerationField.SampleSteps] = "--sample_steps",
        [GenerationField.GuideScale] = "--sample_guide_scale",
        [GenerationField.InferFrames] = "--infer_frames",
        [GenerationField.Seed] = "--base_seed",
        [GenerationField.Solver] = "--sample_solver",
        [GenerationField.Fp8] = "--fp8",
        [GenerationField.Devices] = "--num_gpus_dit / --enable_vae_parallel / --device",
        [GenerationField.Offload] = "--offload_model / --offload_kv_cache",
        [GenerationField.Lora] = "--lora_path_dmd",
        [GenerationField.MemoryProfile] = "--memory_profile",
    };

    public static string FlagFor(string field) => FlagOf.TryGetValue(field, out var flag) ? flag : field;

    public static IEnumerable<string> Describe(IEnumerable<GenerationProblem> problems) =>
        problems.Select(p => $"{FlagFor(p.Field)}: {p.Message}");
}
