using LiveAvatar.Tools.Parity;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Vae;

[Collection(TorchCollection.Name)]
public sealed class VaeInputValidationTests
{
    [Fact]
    public void A_video_without_three_channels_is_rejected_naming_its_shape()
    {
        using var folder = new GoldenFolder(VaeGolden.VaeDir);
        using var vae = VaeGolden.LoadTiny(folder);
        using var video = torch.zeros([4, 5, 16, 16]);

        var ex = Assert.Throws<ArgumentException>(() => vae.Encode(video));

        Assert.Contains("[3, T, H, W]", ex.Message);
        Assert.Contains("[4, 5, 16, 16]", ex.Message);
    }

    [Fact]
    public void A_latent_with_the_wrong_channel_count_is_rejected_naming_both_shapes()
    {
        using var folder = new GoldenFolder(VaeGolden.VaeDir);
        using var vae = VaeGolden.LoadTiny(folder);
        using var z = torch.zeros([vae.Config.ZDim - 1, 3, 4, 4]);
        using var stream = vae.CreateStreamDecoder();

        var batch = Assert.Throws<ArgumentException>(() => vae.Decode(z));
        var streamed = Assert.Throws<ArgumentException>(() => stream.Decode(z));

        Assert.Contains($"[{vae.Config.ZDim}, F, H, W]", batch.Message);
        Assert.Contains($"[{vae.Config.ZDim - 1}, 3, 4, 4]", batch.Message);
        Assert.Contains($"[{vae.Config.ZDim - 1}, 3, 4, 4]", streamed.Message);
    }

    [Fact]
    public void A_stream_refuses_latents_of_another_size_until_reset()
    {
        using var folder = new GoldenFolder(VaeGolden.VaeDir);
        using var vae = VaeGolden.LoadTiny(folder);
        using var scope = torch.NewDisposeScope();
        using var stream = vae.CreateStreamDecoder();
        stream.Decode(torch.zeros([vae.Config.ZDim, 1, 2, 2]));

        var ex = Assert.Throws<ArgumentException>(() => stream.Decode(torch.zeros([vae.Config.ZDim, 1, 3, 2])));

        Assert.Contains("Reset", ex.Message);
        stream.Reset();
        Assert.Equal(1, stream.Decode(torch.zeros([vae.Config.ZDim, 1, 3, 2])).shape[1]);
    }
}
