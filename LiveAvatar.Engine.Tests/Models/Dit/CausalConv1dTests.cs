using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Tests.Models.Dit;

[Collection(TorchCollection.Name)]
public sealed class CausalConv1dTests
{
    [Theory]
    [InlineData(1, 1, 37)] // the audio encoder's first convolutions
    [InlineData(2, 2, 19)] // its strided ones, two speakers
    [InlineData(2, 2, 20)] // an even length: the last window ends at the input's end
    public void The_gemm_over_windows_computes_the_convolution(int batch, int stride, int length)
    {
        using var scope = torch.NewDisposeScope();
        using var conv = new CausalConv1d(24, 40, 3, stride);
        conv.Conv.Weight.Set(Noise.Randn([40, 24, 3], 1) * 0.2);
        conv.Conv.Bias!.Set(Noise.Randn([40], 2));
        var x = Noise.Randn([batch, 24, length], 3);

        var expected = conv.Forward(x); // the CPU runs the convolution itself
        var got = conv.ForwardAsGemm(x);

        Assert.Equal(expected.shape, got.shape);
        Assert.True(TensorAssert.MaxAbsDiff(expected, got) < 1e-5, $"max |diff| {TensorAssert.MaxAbsDiff(expected, got)}");
    }
}
