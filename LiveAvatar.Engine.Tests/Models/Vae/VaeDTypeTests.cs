using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Tools.Parity;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Vae;

[Collection(TorchCollection.Name)]
public sealed class VaeDTypeTests
{
    [Fact]
    public void A_bfloat16_vae_decodes_close_to_the_float32_one_and_returns_float32()
    {
        using var folder = new GoldenFolder(VaeGolden.VaeDir);
        using var fp32 = VaeGolden.LoadTiny(folder);
        using var bf16 = Wan21Vae.Load(folder.ReaderFor("encoder.conv1.weight"), torch.CPU, ScalarType.BFloat16, VaeConfig.FromJson(folder.Config));
        using var scope = torch.NewDisposeScope();
        var z = folder.Load("input/z_random");

        var reference = fp32.Decode(z);
        var low = bf16.Decode(z);

        Assert.Equal(ScalarType.Float32, low.dtype);
        Assert.Equal(reference.shape, low.shape);
        Assert.InRange(TensorAssert.MaxAbsDiff(reference, low), 0, 0.1);
    }
}
