using LiveAvatar.Engine.Models.Dit;

namespace LiveAvatar.Engine.Generation;

/// <summary>
/// What a job keeps on the GPU and what it moves elsewhere, decided by <see cref="MemoryPlanner"/> from a profile.
/// Explicit settings of the request (FP8, offloading) add to it; they never take a saving away.
/// </summary>
/// <param name="Profile">The profile in force (never <see cref="MemoryProfile.Auto"/> on a GPU).</param>
/// <param name="Fp8Weights">The DiT's Linear weights in E4M3 (half the bytes of bf16).</param>
/// <param name="StreamDitWeights">The DiT's blocks live in pinned host memory; two at a time are on the GPU, the next
/// one copied in on a stream of its own while the current one runs.</param>
/// <param name="KvOnHost">The per-step KV rings live in pinned host memory; one working ring is on the GPU.</param>
/// <param name="EncodersOnCpu">T5 and wav2vec2 (used once per job) run on the CPU.</param>
/// <param name="Summary">What was picked and why, in words for the job log.</param>
public sealed record MemoryPlan(MemoryProfile Profile, bool Fp8Weights, bool StreamDitWeights, bool KvOnHost, bool EncodersOnCpu,
    string Summary)
{
    /// <summary>Everything resident: the plan of a CPU run (host memory is all there is) and of the 80 GB profile.</summary>
    public static MemoryPlan Resident(MemoryProfile profile, string summary) => new(profile, false, false, false, false, summary);

    /// <summary>The GPU peak a run keeps under by moving KV rings to host memory once everything else is placed
    /// (<see cref="KvRingPlacement"/>); null: no limit (every ring resident, or all in host memory with
    /// <see cref="KvOnHost"/>).</summary>
    public long? KvBudgetBytes { get; init; }

    /// <summary>How the KV rings store their rows, on the GPU and in host memory: 8-bit (<see cref="KvRingFormat.Int8"/>)
    /// in the smaller profiles, where half the bytes keep every ring on a 48 GB card and halve the host memory and the
    /// copies of rings streamed from it.</summary>
    public KvRingFormat KvRingFormat { get; init; }

    /// <summary>The GPU memory the plan was made for; null for a CPU run or a plan made without it.</summary>
    public GpuMemory? Gpu { get; init; }

    /// <summary>A lower profile than this one, to name in an out-of-memory message; null for the lowest.</summary>
    public MemoryProfile? NextLower => Profile switch
    {
        MemoryProfile.Gb80 => MemoryProfile.Gb48,
        MemoryProfile.Gb48 => MemoryProfile.Gb24,
        _ => null,
    };

    /// <summary>The profile to try after running out of memory under this one: the one auto picks for this GPU when
    /// that is lower (an 80 GB profile forced on a 24 GB card should point at 24, not 48), else the next lower one.</summary>
    public MemoryProfile? AfterOutOfMemory =>
        Gpu is { IsKnown: true } gpu && MemoryPlanner.Pick(gpu) is var fits && fits < Profile ? fits : NextLower;
}
