using LiveAvatar.Engine.Generation;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Pipelines.Core;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Pipelines.Core;

// KV rings in host memory: all of them, those beyond a memory budget, and the pool that keeps them between runs.
public sealed partial class PipelineSamplerTests
{
    [Fact]
    public void Kv_rings_in_host_memory_make_the_same_video_as_resident_rings()
    {
        // Three clips of two blocks: the 4-block rings fill and wrap, so rows written back by earlier forwards are read.
        using var audio = Audio(3);
        using var resident = Generate(1, audio, 3, 21);
        using var offloaded = Generate(1, audio, 3, 21, offloadKv: true);
        Assert.Equal(resident.FramesPerClip, offloaded.FramesPerClip);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(resident.Video, offloaded.Video));
    }

    [Fact]
    public void Rings_beyond_the_memory_budget_go_to_host_memory_and_the_video_is_the_same()
    {
        // A budget with room for the reserve, two rings and the streaming slots: two of the four step rings stay on
        // the device, the other two stream from host memory through the same forward.
        using var audio = Audio(3);
        var (budget, ring, _) = TwoRingBudget(audio);
        using var resident = Generate(1, audio, 3, 25);
        var mixed = Sampler(1, kvBudget: budget);
        using var video = Generate(mixed, audio, 3, 25);
        Assert.Equal((2, Steps), mixed.KvRings);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(resident.Video, video.Video));
        // Room for every ring: none streams.
        var roomy = Sampler(1, kvBudget: budget + 2 * ring);
        using var _ = Generate(roomy, audio, 1, 25);
        Assert.Equal((Steps, Steps), roomy.KvRings);
    }

    [Fact]
    public void Eight_bit_rings_under_a_budget_hold_every_ring_where_full_precision_rings_stream_and_the_video_stays_close()
    {
        // A budget with room for the reserve and two full-precision rings: 8-bit rings are about half their size,
        // so all four stay on the device, and the video differs from the full-precision one by the encoding alone.
        using var audio = Audio(3);
        var (budget, ring, tokens) = TwoRingBudget(audio);
        Assert.True(Steps * StepCaches.RingBytes(models.Dit.Config, tokens, ScalarType.Float32, KvRingFormat.Int8) <= 2 * ring);
        using var exact = Generate(1, audio, 3, 29);
        var coded = new PipelineSampler([(models.Dit, torch.CPU)], models.Vae, ScalarType.Float32)
            { KvBudgetBytes = budget, KvRingFormat = KvRingFormat.Int8 };
        using var video = Generate(coded, audio, 3, 29);
        Assert.Equal((Steps, Steps), coded.KvRings);
        Assert.Equal(0, coded.KvRingTails);
        var error = (video.Video - exact.Video).norm().item<float>() / exact.Video.norm().item<float>();
        Assert.True(error is > 0 and < 0.01f, $"video {error:P3} apart (relative L2)");
    }

    [Fact]
    public void Eight_bit_rings_in_host_memory_make_the_same_video_as_resident_8_bit_rings_and_the_pool_keeps_them_apart()
    {
        // Codes and scales stream through the slots as they are: every ring offloaded, or two of four, gives the
        // resident 8-bit rings' video exactly. A pool that kept full-precision rings makes 8-bit ones anew.
        using var audio = Audio(3);
        using var pool = new HostRingPool();
        using var full = Generate(Sampler(1, offloadKv: true, hostRings: pool), audio, 1, 31);
        Assert.Equal(Steps, pool.Created);
        PipelineSampler Coded(bool offload, long? kvBudget) => new([(models.Dit, torch.CPU)], models.Vae, ScalarType.Float32)
            { OffloadKvCache = offload, HostRings = pool, KvBudgetBytes = kvBudget, KvRingFormat = KvRingFormat.Int8 };
        using var resident = Generate(Coded(false, null), audio, 3, 31);
        using var offloaded = Generate(Coded(true, null), audio, 3, 31);
        Assert.Equal(2 * Steps, pool.Created);
        var mixed = Coded(false, TwoRingBudget(audio, KvRingFormat.Int8).Budget);
        using var mixedVideo = Generate(mixed, audio, 3, 31);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(resident.Video, offloaded.Video));
        Assert.Equal(0, TensorAssert.MaxAbsDiff(resident.Video, mixedVideo.Video));
        Assert.Equal((2, Steps), mixed.KvRings);
    }

    // A budget with room for the reserve, two rings of the format and the streaming slots (which hold the sink's rows
    // after the ring's, the ring tail, so they count with them); one ring's bytes and its tokens.
    private (long Budget, long RingBytes, int Tokens) TwoRingBudget(Tensor audio, KvRingFormat format = KvRingFormat.Compute)
    {
        var geometry = ClipGeometry.For(Inputs(3, audio));
        var tokens = geometry.LatentFrames * models.Dit.FrameSeqLen(geometry.LatentH, geometry.LatentW);
        var ring = StepCaches.RingBytes(models.Dit.Config, tokens, ScalarType.Float32, format);
        var tail = StepCaches.RingBytes(models.Dit.Config, StepCaches.TailRowsFor(models.Dit, geometry, format), ScalarType.Float32);
        return (KvRingPlacement.ReserveBytes(tokens) + 2 * ring + 2 * (ring + tail) / models.Dit.Config.NumLayers, ring, tokens);
    }

    [Fact]
    public void Host_rings_kept_for_the_next_run_are_reused_as_they_are_and_make_the_same_video()
    {
        // The pool's rings go to the next run without clearing: attention must only read rows that run wrote. Poison
        // every kept row with NaN; one row read before being written would turn the video into NaN.
        using var audio = Audio(3);
        using var pool = new HostRingPool();
        using var fresh = Generate(1, audio, 3, 23, offloadKv: true);
        using var first = Generate(1, audio, 3, 23, offloadKv: true, hostRings: pool);
        Assert.Equal((Steps, Steps), (pool.Created, pool.Idle));
        var geometry = ClipGeometry.For(Inputs(3, audio));
        var kept = Enumerable.Range(0, Steps).Select(_ => pool.Rent(models.Dit, geometry, ScalarType.Float32, pinned: false)).ToList();
        Assert.Equal(Steps, pool.Created);
        foreach (var ring in kept)
            for (var l = 0; l < ring.Layers; l++) { ring.K(l).fill_(float.NaN); ring.V(l).fill_(float.NaN); }
        foreach (var ring in kept) pool.Return(ring);
        using var second = Generate(1, audio, 3, 23, offloadKv: true, hostRings: pool);
        Assert.Equal(Steps, pool.Created);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(fresh.Video, first.Video));
        Assert.Equal(0, TensorAssert.MaxAbsDiff(fresh.Video, second.Video));
    }

    [Fact]
    public void Prewarmed_host_rings_are_what_the_next_run_rents()
    {
        using var audio = Audio(3);
        using var pool = new HostRingPool();
        var geometry = ClipGeometry.For(Inputs(3, audio));
        pool.Prewarm(models.Dit, geometry, ScalarType.Float32, pinned: false, Steps);
        Assert.Equal((Steps, Steps), (pool.Created, pool.Idle));
        pool.Prewarm(models.Dit, geometry, ScalarType.Float32, pinned: false, Steps);
        Assert.Equal(Steps, pool.Created);
        using var run = Generate(1, audio, 3, 27, offloadKv: true, hostRings: pool);
        Assert.Equal((Steps, Steps), (pool.Created, pool.Idle));
    }

    [Fact]
    public void Larger_kept_rings_serve_a_smaller_picture_as_views_and_the_video_is_the_same()
    {
        // Rings kept from a larger picture (two more latent rows and columns) lend their first rows to this one: no
        // new pinned rings, and the same video as rings made for it. The views go, the whole rings come back.
        using var audio = Audio(3);
        using var pool = new HostRingPool();
        var geometry = ClipGeometry.For(Inputs(3, audio));
        var larger = geometry with { LatentH = geometry.LatentH + 2, LatentW = geometry.LatentW + 2 };
        pool.Prewarm(models.Dit, larger, ScalarType.Float32, pinned: false, Steps);
        using var fresh = Generate(1, audio, 3, 29, offloadKv: true);
        using var reused = Generate(1, audio, 3, 29, offloadKv: true, hostRings: pool);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(fresh.Video, reused.Video));
        Assert.Equal((Steps, Steps), (pool.Created, pool.Idle));
        var kept = pool.Rent(models.Dit, larger, ScalarType.Float32, pinned: false);
        Assert.Equal(larger.LatentFrames * models.Dit.FrameSeqLen(larger.LatentH, larger.LatentW), kept.Length);
        pool.Return(kept);
    }

    [Fact]
    public void A_host_ring_pool_keeps_one_geometry_and_frees_what_comes_back_after_it_is_disposed()
    {
        using var audio = Audio(1);
        var pool = new HostRingPool();
        var geometry = ClipGeometry.For(Inputs(1, audio));
        var ring = pool.Rent(models.Dit, geometry, ScalarType.Float32, pinned: false);
        pool.Return(ring);
        // Another dtype is another shape of ring: the idle one is freed rather than kept beside it.
        var other = pool.Rent(models.Dit, geometry, ScalarType.Float64, pinned: false);
        Assert.Equal((2, 0), (pool.Created, pool.Idle));
        Assert.Throws<InvalidOperationException>(() => ring.K(0).sum());
        pool.Dispose();
        pool.Return(other);
        Assert.Equal(0, pool.Idle);
        Assert.Throws<InvalidOperationException>(() => other.K(0).sum());
    }
}
