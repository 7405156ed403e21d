namespace LiveAvatar.Engine.Generation;

/// <summary>What to try after a failure, in the words of the settings rather than of one front end's flags.</summary>
public static class GenerationHints
{
    public const string OutOfMemory =
        "Lower the resolution (688*368 or 384*256), use fewer frames per clip (24 or 36), turn on online decode, " +
        "offload the KV cache, or turn on FP8 where the GPU supports it.";

    /// <summary>What ran out, naming the memory profile in force.</summary>
    public static string OutOfMemoryMessage(MemoryPlan? plan) => plan is { Profile: not MemoryProfile.Auto } p
        ? $"the GPU ran out of memory under the {MemoryProfiles.Name(p.Profile)} GB memory profile."
        : "the device ran out of memory.";

    /// <summary>The profile to choose after running out of memory under <paramref name="plan"/>, then the usual levers.</summary>
    public static string OutOfMemoryUnder(MemoryPlan? plan) => plan?.AfterOutOfMemory is { } lower
        ? $"Choose the {MemoryProfiles.Name(lower)} GB memory profile ({MemoryProfiles.Describe(lower)}), or: {OutOfMemory}"
        : OutOfMemory;

    /// <summary>Whether a native error is libtorch running out of device (or host) memory.</summary>
    public static bool IsOutOfMemory(Exception e) =>
        e is System.Runtime.InteropServices.ExternalException && e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase);

    public const string MissingCheckpoint =
        "Download Wan-AI/Wan2.2-S2V-14B and Quark-Vision/Live-Avatar (README, 'Model weights'), or make the demo " +
        "checkpoint (`liveavatar make-demo-checkpoint DIR`) to try the tool.";

    public const string BadRequest = "Change the listed settings and submit again.";

    public const string Fp8Unavailable = "Run without FP8.";
}
