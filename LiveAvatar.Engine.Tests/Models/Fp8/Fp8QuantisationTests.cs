using LiveAvatar.Engine.Models.Fp8;
using TorchSharp;

namespace LiveAvatar.Engine.Tests.Models.Fp8;

public sealed class Fp8QuantisationTests
{
    [Theory]
    [InlineData(null, Fp8QuantisationMode.Fused)]
    [InlineData("", Fp8QuantisationMode.Fused)]
    [InlineData("fused", Fp8QuantisationMode.Fused)]
    [InlineData(" Fast ", Fp8QuantisationMode.Fast)]
    [InlineData("REFERENCE", Fp8QuantisationMode.Reference)]
    public void Names_select_a_mode_and_nothing_selects_the_fused_kernels(string? name, Fp8QuantisationMode expected) =>
        Assert.Equal(expected, Fp8Quantisation.Parse(name));

    [Fact]
    public void An_unknown_name_is_refused_with_the_choices()
    {
        var e = Assert.Throws<ArgumentException>(() => Fp8Quantisation.Parse("int8"));
        Assert.Contains("'int8'", e.Message);
        Assert.Contains("'fused' (default), 'fast' or 'reference'", e.Message);
    }

    [Fact]
    public void Without_a_CUDA_tensor_the_fused_choice_falls_back_to_the_reference_ops()
    {
        var saved = Fp8Quantisation.Mode;
        try
        {
            using var x = torch.zeros(4, 16);
            Fp8Quantisation.Mode = Fp8QuantisationMode.Fused;
            Assert.Equal(Fp8QuantisationMode.Reference, Fp8Quantisation.For(x));
            Fp8Quantisation.Mode = Fp8QuantisationMode.Fast;
            Assert.Equal(Fp8QuantisationMode.Fast, Fp8Quantisation.For(x));
        }
        finally
        {
            Fp8Quantisation.Mode = saved;
        }
    }
}
