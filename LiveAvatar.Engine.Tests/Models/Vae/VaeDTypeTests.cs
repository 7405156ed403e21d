using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Engine.Parity;
using LiveAvatar.Engine.Tensors;
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
        using var bf16 = Wan21Vae.Load(folder.ReaderFor("encoder.conv1.weight"), Device.Cpu, DType.BFloat16, VaeConfig.FromJson(folder.Config));
        using var scope = DisposeScope.Enter();
        var z = folder.Load("input/z_random");

        var reference = fp32.Decode(z);
        var low = bf16.Decode(z);

        Assert.Equal(DType.Float32, low.DType);
        Assert.Equal(reference.Shape, low.Shape);
        Assert.InRange(reference.MaxAbsDiff(low), 0, 0.1);
    }
}
