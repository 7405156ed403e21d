using LiveAvatar.Engine.Pipelines.Core;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Pipelines.Core;

[Collection(TorchCollection.Name)]
public sealed class SamplerHelpersTests
{
    [Fact]
    public void Rolling_offsets_are_uniform_integers_from_4_to_30_and_repeat_for_the_same_seed()
    {
        var a = new SeededRandomness(42);
        var b = new SeededRandomness(42);
        var seen = new HashSet<int>();
        for (var i = 0; i < 2000; i++)
        {
            var x = a.NextRollingOffset();
            Assert.Equal(x, b.NextRollingOffset());
            Assert.InRange(x, 4, 30);
            seen.Add(x);
        }
        Assert.Equal(27, seen.Count);
        var other = new SeededRandomness(43);
        var fresh = new SeededRandomness(42);
        Assert.NotEqual(Enumerable.Range(0, 16).Select(_ => fresh.NextRollingOffset()), Enumerable.Range(0, 16).Select(_ => other.NextRollingOffset()));
    }

    [Fact]
    public void Clip_noise_is_the_cpu_generator_seeded_with_seed_plus_clip()
    {
        using var scope = torch.NewDisposeScope();
        var r = new SeededRandomness(100);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(r.Noise(2, [16, 3, 2, 2]), Noise.Randn([16, 3, 2, 2], 102)));
        Assert.True(TensorAssert.MaxAbsDiff(r.Noise(1, [16, 3, 2, 2]), Noise.Randn([16, 3, 2, 2], 102)) > 0);
    }

    [Fact]
    public void Save_video_conversion_clamps_scales_and_truncates_into_hwc_frames()
    {
        using var scope = torch.NewDisposeScope();
        // [3, 1, 1, 2]: pixel 0 = (-1, 0, 1), pixel 1 = (-0.5, 2, -3)
        var video = torch.tensor(new float[] { -1f, -0.5f, 0f, 2f, 1f, -3f }, [3, 1, 1, 2]);
        var frames = SaveVideoConversion.ToUint8(video);
        Assert.Single(frames);
        Assert.Equal(new byte[] { 0, 127, 255, 63, 255, 0 }, frames[0]);
        Assert.Equal([1L, 1, 2, 3], SaveVideoConversion.ToUint8Tensor(video).shape);
    }

    [Theory]
    [InlineData(48, 12, 4)]
    [InlineData(24, 6, 2)]
    [InlineData(12, 3, 1)]
    public void A_clip_of_infer_frames_has_the_original_latent_and_block_counts(int inferFrames, int latents, int blocks)
    {
        using var refPixels = torch.zeros([3, 1, 64, 64]);
        var g = ClipGeometry.For(new SamplerInputs(refPixels, refPixels, refPixels, 1, inferFrames, 4, false, false));
        Assert.Equal(latents, g.LatentFrames);
        Assert.Equal(blocks, g.Blocks);
        Assert.Equal(19, g.LatentMotionFrames);
        Assert.Equal(365, g.HistoryFrames);
        Assert.Equal(16, g.FrameSeqLen);
    }

    [Fact]
    public void Infer_frames_that_leave_latents_undenoised_are_rejected()
    {
        using var refPixels = torch.zeros([3, 1, 64, 64]);
        Assert.Throws<ArgumentException>(() => ClipGeometry.For(new SamplerInputs(refPixels, refPixels, refPixels, 1, 80, 4, false, false)));
    }
}
