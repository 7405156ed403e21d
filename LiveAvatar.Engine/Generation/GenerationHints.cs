namespace LiveAvatar.Engine.Generation;

/// <summary>What to try after a failure, in the words of the settings rather than of one front end's flags.</summary>
public static class GenerationHints
{
    public const string OutOfMemory =
        "Lower the resolution (688*368 or 384*256), use fewer frames per clip (24 or 36), turn on online decode, " +
        "offload the KV cache, or turn on FP8 where the GPU supports it.";

    public const string MissingCheckpoint =
        "Download Wan-AI/Wan2.2-S2V-14B and Quark-Vision/Live-Avatar (README, 'Model weights'), or make the demo " +
        "checkpoint (`liveavatar make-demo-checkpoint DIR`) to try the tool.";

    public const string BadRequest = "Change the listed settings and submit again.";

    public const string Fp8Unavailable = "Run without FP8.";
}
