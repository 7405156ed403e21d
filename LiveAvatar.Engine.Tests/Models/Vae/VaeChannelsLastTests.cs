using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.Pipelines.Core;
using LiveAvatar.Engine.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Tests.Models.Vae;

/// <summary>The decoder's channels-last activations (the GPU default) change no frame: the whole streaming decode of
/// the tiny fixture VAE (middle attention, temporal and spatial upsampling, the head) run channels-last on the CPU
/// against the usual layout.</summary>
[Collection(TorchCollection.Name)]
public sealed class VaeChannelsLastTests(TinySamplerModels models) : IClassFixture<TinySamplerModels>
{
    [Fact]
    public void Decoding_channels_last_gives_the_usual_layouts_frames()
    {
        using var scope = torch.NewDisposeScope();
        var (h, w) = (models.RefPixels.shape[2] / 8, models.RefPixels.shape[3] / 8);
        var latents = Noise.Randn([models.Vae.Config.ZDim, 4, h, w], 3);
        var previous = Decoder3d.ChannelsLastMode;
        try
        {
            Decoder3d.ChannelsLastMode = VaeChannelsLast.Off;
            var usual = models.Vae.Decode(latents);
            Decoder3d.ChannelsLastMode = VaeChannelsLast.Always;
            var last = models.Vae.Decode(latents);
            Assert.Equal(usual.shape, last.shape);
            Assert.True(last.is_contiguous(), "the frames leave in the usual layout");
            Assert.True(TensorAssert.MaxAbsDiff(usual, last) < 1e-4, $"max |diff| {TensorAssert.MaxAbsDiff(usual, last)}");
        }
        finally
        {
            Decoder3d.ChannelsLastMode = previous;
        }
    }

    [Fact]
    public void The_layout_helpers_round_trip_and_recognise_channels_last()
    {
        using var scope = torch.NewDisposeScope();
        var x = Noise.Randn([1, 6, 3, 4, 5], 1);
        var last = ChannelsLast.From(x);
        Assert.True(ChannelsLast.Is(last));
        Assert.False(ChannelsLast.Is(x));
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(x, last));
        Assert.True(ChannelsLast.Is(last.narrow(2, 1, 2)), "a frame range of a channels-last tensor stays channels-last");
        Assert.True(ChannelsLast.Is(ChannelsLast.Empty([1, 6, 3, 4, 5], ScalarType.Float32, CPU)));
    }
}
