using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Pipelines.Core;
using LiveAvatar.Engine.Sampling;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Pipelines.Core;

/// <summary>The pipeline against a plain sequential loop written from the original's TPP rules, so a mistake shared
/// by every stage count (sink inputs, adaptive sink, decode priming, frame drop) cannot hide.</summary>
[Collection(TorchCollection.Name)]
public sealed class PipelineSamplerReferenceTests(TinySamplerModels models) : IClassFixture<TinySamplerModels>
{
    private const int InferFrames = 24;
    private const int Steps = 4;
    private const int MotionFrames = 9;
    private const int Clips = 2;

    [Fact]
    public void Four_stages_reproduce_the_sequential_tpp_loop_latents_and_frames()
    {
        using var scope = torch.NewDisposeScope();
        var audio = Noise.Randn([1, models.Dit.Config.NumAudioLayers, models.Dit.Config.AudioDim, Clips * InferFrames], 5);
        var inputs = new SamplerInputs(models.RefPixels, models.Context, audio, Clips, InferFrames, Steps, true, false, MotionFrames);
        var sampler = new PipelineSampler([.. Enumerable.Repeat((models.Dit, torch.CPU), 4)], models.Vae, ScalarType.Float32);
        var latents = new List<Tensor>();
        var videos = new List<Tensor>();
        foreach (var e in sampler.Run(inputs, new SeededRandomness(21)))
            if (e is SamplerClip c)
            {
                latents.Add(c.Latents);
                videos.Add(c.Video);
            }

        var expected = SequentialLatents(inputs, new SeededRandomness(21));
        Assert.Equal(0, TensorAssert.MaxAbsDiff(torch.cat(latents, 1), expected));

        // Stream decoding equals one decode of [first motion latents | clean latents]; the primed frames and the
        // first 3 generated frames are dropped. Checked up to clip 1's first block (a whole decode is slow on the CPU).
        var motion = models.Vae.Encode(models.RefPixels.repeat(1, MotionFrames, 1, 1));   // [16, 3, h, w]
        var checkedLatents = InferFrames / 4 + 3;
        var whole = models.Vae.Decode(torch.cat([motion, expected.narrow(1, 0, checkedLatents)], 1));
        var skip = 1 + 4 * ((int)motion.shape[1] - 1) + ClipGeometry.DroppedFirstFrames;
        var video = torch.cat(videos, 1);
        Assert.Equal(Clips * InferFrames - 3, video.shape[1]);
        var reference = whole.narrow(1, skip, whole.shape[1] - skip);
        Assert.True(TensorAssert.MaxAbsDiff(video.narrow(1, 0, reference.shape[1]), reference) < 1e-4);
    }

    // The TPP math with one thread: ref latent = encode of one frame, motion = the ref repeated motion_frames times,
    // prefill at clip 0 and at clip 1 with the first clean latent, per-step rings, Euler steps.
    private Tensor SequentialLatents(SamplerInputs inputs, ISamplerRandomness random)
    {
        var dit = models.Dit;
        var g = ClipGeometry.For(inputs);
        var schedule = FlowMatchSchedule.Create(Steps);
        var options = new DitRunOptions(false, MotionFrames, g.LatentMotionFrames);
        var refLatent = models.Vae.Encode(models.RefPixels);
        var motion = models.Vae.Encode(models.RefPixels.repeat(1, MotionFrames, 1, 1));
        var rings = Enumerable.Range(0, Steps).Select(_ => dit.NewRingCache(g.LatentH, g.LatentW, g.LatentFrames, torch.CPU, ScalarType.Float32)).ToArray();
        using var cond = dit.NewCondCache(g.LatentH, g.LatentW, torch.CPU, ScalarType.Float32);
        var clean = new List<Tensor>();
        try
        {
            for (var r = 0; r < Clips; r++)
            {
                if (r == 1) refLatent = clean[0].narrow(1, 0, 1);
                if (r <= 1) dit.Prefill(new DitSinkInput(refLatent, motion, inputs.Context), cond, options);
                var noise = random.Noise(r, [16, g.LatentFrames, g.LatentH, g.LatentW]);
                for (var b = 0; b < g.Blocks; b++)
                {
                    var x = noise.narrow(1, 3 * b, 3);
                    var audio = inputs.AudioEmbedding.narrow(3, r * InferFrames + b * 12, 12);
                    for (var i = 0; i < Steps; i++)
                    {
                        var input = new DitStreamInput(x, schedule.Timesteps[i], inputs.Context, audio,
                            g.BlockStartFrame(r, b) * g.FrameSeqLen, random.NextRollingOffset());
                        x = schedule.Step(x, dit.Forward(input, rings[i], cond, options), i);
                    }
                    clean.Add(x);
                }
            }
        }
        finally
        {
            foreach (var ring in rings) ring.Dispose();
        }
        return torch.cat(clean, 1);
    }
}
