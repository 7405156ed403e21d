using LiveAvatar.Engine.Generation;
using LiveAvatar.Engine.Pipelines.Core;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Pipelines.Core;

[Collection(TorchCollection.Name)]
public sealed partial class PipelineSamplerTests(TinySamplerModels models) : IClassFixture<TinySamplerModels>
{
    // Two blocks per clip and four steps, so four stages run one step each and blocks overlap across stages;
    // 9 motion frames give 3 motion latents to prime the decoder with.
    private const int InferFrames = 24;
    private const int Steps = 4;

    [Fact]
    public void One_two_three_and_four_stages_give_identical_videos_for_the_same_seed()
    {
        using var audio = Audio(3);
        using var one = Generate(1, audio, 3, 11);
        foreach (var stages in new[] { 2, 3, 4 })
        {
            using var other = Generate(stages, audio, 3, 11);
            Assert.Equal(0, TensorAssert.MaxAbsDiff(one.Video, other.Video));
            Assert.Equal(0, TensorAssert.MaxAbsDiff(one.Latents, other.Latents));
        }
        Assert.Equal([21L, 24, 24], one.FramesPerClip);
        Assert.Equal(3 * 2 * Steps, one.Steps);
    }

    [Fact]
    public void Another_seed_gives_a_different_video()
    {
        using var audio = Audio(2);
        using var a = Generate(2, audio, 2, 11);
        using var b = Generate(2, audio, 2, 12);
        Assert.True(TensorAssert.MaxAbsDiff(a.Video, b.Video) > 1e-3, "another seed should change the video");
    }

    [Fact]
    public void Every_block_gets_one_event_per_step_and_clips_arrive_in_order()
    {
        using var audio = Audio(2);
        var steps = new List<SamplerStep>();
        var clips = new List<int>();
        foreach (var e in Sampler(4).Run(Inputs(2, audio), new SeededRandomness(4)))
        {
            if (e is SamplerStep s) steps.Add(s);
            if (e is not SamplerClip c) continue;
            clips.Add(c.Clip);
            Assert.Equal([16, 6, 8, 8], c.Latents.shape);
            c.Latents.Dispose();
            c.Video.Dispose();
        }
        Assert.Equal([0, 1], clips);
        var expected = from r in Enumerable.Range(0, 2) from b in Enumerable.Range(0, 2) from i in Enumerable.Range(0, Steps) select new SamplerStep(r, b, i);
        Assert.Equal(expected.ToHashSet(), steps.ToHashSet());
        Assert.Equal(2 * 2 * Steps, steps.Count);
    }

    [Theory]
    [InlineData(4, 4, new[] { 0, 1, 1, 1, 2, 1, 3, 1 })]
    [InlineData(4, 3, new[] { 0, 1, 1, 1, 2, 2 })]
    [InlineData(4, 2, new[] { 0, 2, 2, 2 })]
    [InlineData(4, 1, new[] { 0, 4 })]
    [InlineData(2, 4, new[] { 0, 1, 1, 1 })]
    public void Steps_are_split_into_contiguous_ranges_one_per_working_stage(int steps, int stages, int[] flat)
    {
        var ranges = PipelineSampler.PartitionSteps(steps, stages);
        Assert.Equal(flat, ranges.SelectMany(r => new[] { r.First, r.Count }));
    }

    [Fact]
    public void Cancelling_mid_run_throws_and_frees_every_tensor()
    {
        using var audio = Audio(4);
        var before = LiveTensors.Settled();
        using var cts = new CancellationTokenSource();
        var clips = 0;
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (var e in Sampler(4).Run(Inputs(4, audio), new SeededRandomness(1), cts.Token))
            {
                if (e is not SamplerClip clip) continue;
                clips++;
                clip.Latents.Dispose();
                clip.Video.Dispose();
                cts.Cancel();
            }
        });
        Assert.Equal(1, clips);
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void An_error_in_a_stage_reaches_the_caller_with_its_message_and_frees_every_tensor()
    {
        using var audio = Audio(3);
        var before = LiveTensors.Settled();
        var ex = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var e in Sampler(2).Run(Inputs(3, audio), new FailingRandomness(failAtClip: 1)))
                if (e is SamplerClip clip)
                {
                    clip.Latents.Dispose();
                    clip.Video.Dispose();
                }
        });
        Assert.Equal("no noise for clip 1", ex.Message);
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void Memory_is_the_same_at_every_clip_boundary_and_returns_to_the_start_after_the_run()
    {
        using var audio = Audio(6);
        var before = LiveTensors.Settled();
        var atClip = new List<long>();
        // Stage 0 waits for the next clip's noise until the test has counted, so every thread is idle then.
        using var random = new GatedRandomness(3);
        foreach (var e in Sampler(2).Run(Inputs(6, audio), random))
        {
            if (e is not SamplerClip clip) continue;
            clip.Latents.Dispose();
            clip.Video.Dispose();
            atClip.Add(Tensor.TotalCount);
            random.Open();
        }
        Assert.Equal(6, atClip.Count);
        Assert.All(atClip.Take(5), n => Assert.Equal(atClip[0], n));
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void A_run_with_the_previous_runs_picture_reuses_its_reference_encodes_and_makes_the_same_video()
    {
        using var audio = Audio(1);
        using var cache = new SinkLatentCache();
        using var plain = Generate(1, audio, 1, 11);
        using var first = Generate(1, audio, 1, 11, cache);
        Assert.Equal(0, cache.Hits);
        using var second = Generate(1, audio, 1, 11, cache);
        Assert.Equal(1, cache.Hits);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(plain.Video, first.Video));
        Assert.Equal(0, TensorAssert.MaxAbsDiff(first.Video, second.Video));

        // Another picture is encoded again (and replaces the cached one).
        using var otherPicture = models.RefPixels.flip(3).contiguous();
        var inputs = Inputs(1, audio) with { RefPixels = otherPicture, SinkCache = cache };
        foreach (var e in Sampler(1).Run(inputs, new SeededRandomness(11)))
            if (e is SamplerClip c) { c.Video.Dispose(); c.Latents.Dispose(); }
        Assert.Equal(1, cache.Hits);
    }

    private PipelineSampler Sampler(int stages, bool offloadKv = false, HostRingPool? hostRings = null, long? kvBudget = null) =>
        new([.. Enumerable.Repeat((models.Dit, torch.CPU), stages)], models.Vae, ScalarType.Float32)
            { OffloadKvCache = offloadKv, HostRings = hostRings, KvBudgetBytes = kvBudget };

    private SamplerInputs Inputs(int clips, Tensor audio) =>
        new(models.RefPixels, models.Context, audio, clips, InferFrames, Steps, OnlineDecode: true, Norm3Bf16: false, MotionFrames: 9);

    private Tensor Audio(int clips) =>
        Noise.Randn([1, models.Dit.Config.NumAudioLayers, models.Dit.Config.AudioDim, clips * InferFrames], 5).DetachFromDisposeScope();

    private Result Generate(int stages, Tensor audio, int clips, ulong seed, SinkLatentCache? cache = null, bool offloadKv = false,
        HostRingPool? hostRings = null) =>
        Generate(Sampler(stages, offloadKv, hostRings), audio, clips, seed, cache);

    private Result Generate(PipelineSampler sampler, Tensor audio, int clips, ulong seed, SinkLatentCache? cache = null)
    {
        var videos = new List<Tensor>();
        var latents = new List<Tensor>();
        var steps = 0;
        foreach (var e in sampler.Run(Inputs(clips, audio) with { SinkCache = cache }, new SeededRandomness(seed)))
        {
            if (e is SamplerStep) steps++;
            if (e is not SamplerClip c) continue;
            videos.Add(c.Video);
            latents.Add(c.Latents);
        }
        using var scope = torch.NewDisposeScope();
        var result = new Result(torch.cat(videos, 1).DetachFromDisposeScope(), torch.cat(latents, 1).DetachFromDisposeScope(),
            [.. videos.Select(v => v.shape[1])], steps);
        foreach (var t in videos.Concat(latents)) t.Dispose();
        return result;
    }

    private sealed record Result(Tensor Video, Tensor Latents, long[] FramesPerClip, int Steps) : IDisposable
    {
        public void Dispose()
        {
            Video.Dispose();
            Latents.Dispose();
        }
    }

    private sealed class GatedRandomness(ulong seed) : ISamplerRandomness, IDisposable
    {
        private readonly SeededRandomness _inner = new(seed);
        private readonly SemaphoreSlim _gate = new(0);

        public void Open() => _gate.Release();

        public Tensor Noise(int clip, long[] shape) =>
            clip == 0 || _gate.Wait(TimeSpan.FromSeconds(20)) ? _inner.Noise(clip, shape) : throw new TimeoutException("the test never opened the gate");

        public int NextRollingOffset() => _inner.NextRollingOffset();

        public void Dispose() => _gate.Dispose();
    }

    private sealed class FailingRandomness(int failAtClip) : ISamplerRandomness
    {
        private readonly SeededRandomness _inner = new(1);

        public Tensor Noise(int clip, long[] shape) =>
            clip == failAtClip ? throw new InvalidOperationException($"no noise for clip {clip}") : _inner.Noise(clip, shape);

        public int NextRollingOffset() => _inner.NextRollingOffset();
    }
}
