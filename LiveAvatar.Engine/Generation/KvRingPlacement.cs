namespace LiveAvatar.Engine.Generation;

/// <summary>
/// How many of a job's per-step KV rings stay on the GPU under a peak-memory budget; the others live in pinned host
/// memory and stream through two device layers during each forward (the memory profiles' KV saving, for some rings
/// instead of all). Each ring kept on the GPU saves its share of the host traffic: offloading all four costs about
/// 3 % of the steady speed at 704*384 on an H200 (docs/benchmarks.md), so one offloaded ring costs under 1 %.
/// </summary>
public static class KvRingPlacement
{
    private const double GiB = 1024.0 * 1024 * 1024;

    /// <summary>What a run needs on top of its weights, rings and sink at 704*384 (12,672 ring tokens): the measured
    /// peak 76.4 GiB less 30.4 + 38.7 + 2.0 GiB is 5.3 GiB (activations, the VAE decoding beside the DiT, the
    /// allocator's slack), rounded up. Scaled by the ring's token count for other sizes, never under 1 GiB.</summary>
    public const double ReserveGiBAt704x384 = 6.0;

    /// <summary>The ring tokens that reserve was measured at (12 latent frames of 704*384).</summary>
    public const int ReferenceRingTokens = 12_672;

    /// <summary>Bytes kept free for a run's activations with rings of <paramref name="ringTokens"/> tokens.</summary>
    public static long ReserveBytes(int ringTokens) =>
        (long)(Math.Max(1.0, ReserveGiBAt704x384 * ringTokens / ReferenceRingTokens) * GiB);

    /// <param name="rings">The run's step rings.</param>
    /// <param name="ringBytes">The device bytes of one ring.</param>
    /// <param name="streamSlotBytes">What streaming the host rings adds on the device (two layers of one ring).</param>
    /// <param name="budgetBytes">The peak the plan keeps under.</param>
    /// <param name="allocatedBytes">What the device holds already (models, the sink cache, the job's inputs).</param>
    /// <param name="reserveBytes">Left free for activations (<see cref="ReserveBytes"/>).</param>
    /// <returns>Rings to keep on the GPU, 0 to <paramref name="rings"/>.</returns>
    public static int OnGpu(int rings, long ringBytes, long streamSlotBytes, long budgetBytes, long allocatedBytes, long reserveBytes)
    {
        if (rings <= 0) return 0;
        var room = budgetBytes - allocatedBytes - reserveBytes;
        if (room >= rings * ringBytes) return rings;                // all fit: nothing streams, no slots needed
        room -= streamSlotBytes;
        return (int)Math.Clamp(room / Math.Max(1, ringBytes), 0, rings - 1);
    }

    /// <summary>Of the <paramref name="gpuRings"/> that <see cref="OnGpu"/> kept, how many also get a tail of
    /// <paramref name="tailBytes"/> (room for the sink's rows, so that attention reads the ring in place instead of
    /// copying it in every layer) from what the budget leaves after the rings (and the streaming slots, when some
    /// rings stream). Speed only, so a tail never displaces a ring.</summary>
    public static int TailsOnGpu(int gpuRings, int rings, long ringBytes, long tailBytes, long streamSlotBytes, long budgetBytes,
        long allocatedBytes, long reserveBytes)
    {
        if (gpuRings <= 0 || tailBytes <= 0) return 0;
        var room = budgetBytes - allocatedBytes - reserveBytes - gpuRings * ringBytes - (gpuRings < rings ? streamSlotBytes : 0);
        return (int)Math.Clamp(room / tailBytes, 0, gpuRings);
    }
}
