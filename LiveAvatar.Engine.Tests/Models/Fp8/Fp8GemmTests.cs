using LiveAvatar.Engine.Models.Fp8;

namespace LiveAvatar.Engine.Tests.Models.Fp8;

public sealed class Fp8GemmTests
{
    [Theory]
    [InlineData(null, Fp8GemmPath.CublasLt)]
    [InlineData("", Fp8GemmPath.CublasLt)]
    [InlineData("cuBLASLt", Fp8GemmPath.CublasLt)]
    [InlineData(" torch ", Fp8GemmPath.Torch)]
    public void The_path_reads_the_documented_names(string? name, Fp8GemmPath expected) => Assert.Equal(expected, Fp8Gemm.Parse(name));

    [Fact]
    public void An_unknown_path_is_named_in_the_error()
    {
        var e = Assert.Throws<ArgumentException>(() => Fp8Gemm.Parse("cutlass"));
        Assert.Contains("'cutlass'", e.Message);
    }
}
