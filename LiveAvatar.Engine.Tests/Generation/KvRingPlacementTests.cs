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
}
