using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Tests.Models.Vae;

/// <summary>The fused VAE path writes each convolution's input straight into its causal buffer
/// (<see cref="CausalConv3d.ForwardFilled"/>); it must give the concatenating path's frames and cache updates chunk
/// after chunk, from the first chunk's zero frames through one- and two-frame caches.</summary>
[Collection(TorchCollection.Name)]
public sealed class CausalConvBufferTests
{
    [Fact]
    public void Filling_the_causal_buffer_equals_concatenating_behind_the_cache()
    {
        using var scope = torch.NewDisposeScope();
        using var conv = RandomConv(3, 4, 1);
        using var concatenated = new FeatureCache();
        using var filled = new FeatureCache();
        // Chunk lengths as the encoder (1 then 4) and the decoder's first level (1 frame per latent) run them.
        var chunk = 0;
        foreach (var frames in new[] { 1, 4, 1, 1, 4, 2 })
        {
            var x = Noise.Randn([1, 3, frames, 5, 6], (ulong)(10 + chunk++));
            concatenated.BeginChunk();
            filled.BeginChunk();
            var expected = conv.Forward(x, concatenated);
            var got = conv.ForwardFilled(x.shape, x.dtype, x.device, into => into.copy_(x), filled);
            Assert.Equal(expected.shape, got.shape);
            Assert.True(TensorAssert.MaxAbsDiff(expected, got) < 1e-5, $"chunk of {frames} frames differs");
            Assert.Equal(0.0, TensorAssert.MaxAbsDiff(concatenated.Frames(0)!, filled.Frames(0)!));
        }
    }

    [Fact]
    public void A_channels_last_buffer_gives_the_same_frames_and_cache_in_its_own_layout()
    {
        using var scope = torch.NewDisposeScope();
        using var conv = RandomConv(3, 4, 7);
        using var usual = new FeatureCache();
        using var last = new FeatureCache();
        var chunk = 0;
        foreach (var frames in new[] { 1, 4, 1, 2 })
        {
            var x = Noise.Randn([1, 3, frames, 5, 6], (ulong)(30 + chunk++));
            usual.BeginChunk();
            last.BeginChunk();
            var expected = conv.ForwardFilled(x.shape, x.dtype, x.device, into => into.copy_(x), usual);
            var got = conv.ForwardFilled(x.shape, x.dtype, x.device, into => into.copy_(x), last, channelsLast: true);
            Assert.True(ChannelsLast.Is(last.Frames(0)!), $"chunk of {frames} frames: the cache keeps the buffer's layout");
            Assert.True(TensorAssert.MaxAbsDiff(expected, got) < 1e-5, $"chunk of {frames} frames differs");
            Assert.Equal(0.0, TensorAssert.MaxAbsDiff(usual.Frames(0)!, last.Frames(0)!));
        }
    }

    [Fact]
    public void Without_its_bias_the_filled_convolution_leaves_the_bias_to_the_caller()
    {
        using var scope = torch.NewDisposeScope();
        using var conv = RandomConv(2, 3, 3);
        using var a = new FeatureCache();
        using var b = new FeatureCache();
        var x = Noise.Randn([1, 2, 4, 4, 4], 5);
        var with = conv.ForwardFilled(x.shape, x.dtype, x.device, into => into.copy_(x), a);
        var without = conv.ForwardFilled(x.shape, x.dtype, x.device, into => into.copy_(x), b, withBias: false);
        Assert.True(TensorAssert.MaxAbsDiff(with, without + conv.Bias.T.view(1, 3, 1, 1, 1)) < 1e-5);
    }

    // A 3×3×3 causal convolution (time padding 1) with seeded random weights and bias.
    private static CausalConv3d RandomConv(long inChannels, long outChannels, ulong seed)
    {
        var conv = new CausalConv3d(inChannels, outChannels, 3, padding: 1);
        conv.Weight.Set(Noise.Randn(conv.Weight.Shape, seed).DetachFromDisposeScope());
        conv.Bias.Set(Noise.Randn(conv.Bias.Shape, seed + 1).DetachFromDisposeScope());
        return conv;
    }
}
