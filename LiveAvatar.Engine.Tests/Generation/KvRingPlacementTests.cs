using LiveAvatar.Engine.Generation;

namespace LiveAvatar.Engine.Tests.Generation;

public sealed class KvRingPlacementTests
{
    private const long GiB = 1L << 30;
    private const long Ring = 9_900_000_000;   // one step ring at 704*384 in bf16 (about 9.2 GiB)
    private const long Slots = Ring / 20;      // two of its forty layers

    [Fact]
    public void Every_ring_stays_when_all_fit_and_no_streaming_slots_are_counted()
    {
        // budget - allocated - reserve is exactly four rings: the slots are only needed when a ring streams.
        Assert.Equal(4, KvRingPlacement.OnGpu(4, Ring, Slots, 40 * GiB + 4 * Ring + 6 * GiB, 40 * GiB, 6 * GiB));
    }

    [Theory]
    [InlineData(70, 32.5, 3)] // the 80 GB profile's budget with the DiT alone resident (the benchmark)
    [InlineData(70, 43.6, 2)] // with T5 and wav2vec2 resident too (a job)
    [InlineData(70, 60, 0)]   // nothing left after the reserve
    [InlineData(200, 32.5, 4)]
    public void Rings_that_do_not_fit_under_the_budget_go_to_host_memory(double budgetGiB, double allocatedGiB, int expected) =>
        Assert.Equal(expected, KvRingPlacement.OnGpu(4, Ring, Slots, (long)(budgetGiB * GiB), (long)(allocatedGiB * GiB), 6 * GiB));

    [Fact]
    public void The_reserve_scales_with_the_ring_and_never_drops_under_one_GiB()
    {
        Assert.Equal(6 * GiB, KvRingPlacement.ReserveBytes(KvRingPlacement.ReferenceRingTokens));
        Assert.Equal(12 * GiB, KvRingPlacement.ReserveBytes(2 * KvRingPlacement.ReferenceRingTokens));
        Assert.Equal(1 * GiB, KvRingPlacement.ReserveBytes(100));
    }

    [Fact]
    public void No_rings_means_none_on_the_gpu() => Assert.Equal(0, KvRingPlacement.OnGpu(0, Ring, Slots, 100 * GiB, 0, 0));

    private const long Tail = Ring / 5;        // the sink's rows at 704*384 (2,640 of a ring's 12,672 rows)

    [Theory]
    [InlineData(4, 4, 4)]   // room for four tails after four rings
    [InlineData(4, 3.5, 3)] // a partial tail does not count
    [InlineData(4, 0, 0)]
    [InlineData(2, 9, 2)]   // never more tails than rings on the GPU
    public void Tails_go_to_rings_on_the_gpu_from_what_the_budget_leaves(int gpuRings, double tailsOfRoom, int expected)
    {
        var allocated = 20 * GiB;
        var budget = allocated + 6 * GiB + gpuRings * Ring + (long)(tailsOfRoom * Tail) + (gpuRings < 4 ? Slots : 0);
        Assert.Equal(expected, KvRingPlacement.TailsOnGpu(gpuRings, 4, Ring, Tail, Slots, budget, allocated, 6 * GiB));
    }

    [Fact]
    public void A_tail_never_takes_room_from_a_ring()
    {
        // Three of four rings fit with their slots and nothing is left: no tails, whatever the rings would save.
        var allocated = 20 * GiB;
        var budget = allocated + 6 * GiB + 3 * Ring + Slots;
        var rings = KvRingPlacement.OnGpu(4, Ring, Slots, budget, allocated, 6 * GiB);
        Assert.Equal(3, rings);
        Assert.Equal(0, KvRingPlacement.TailsOnGpu(rings, 4, Ring, Tail, Slots, budget, allocated, 6 * GiB));
    }

    [Fact]
    public void No_rings_on_the_gpu_means_no_tails() =>
        Assert.Equal(0, KvRingPlacement.TailsOnGpu(0, 4, Ring, Tail, Slots, 1000 * GiB, 0, 0));
}
