using LiveAvatar.Engine.Native;

namespace LiveAvatar.Engine.Tests.Runtime;

public sealed class CudnnTuningTests
{
    [Theory]
    [InlineData(null, CudnnTuning.Vae)]
    [InlineData("", CudnnTuning.Vae)]
    [InlineData(" VAE ", CudnnTuning.Vae)]
    [InlineData("1", CudnnTuning.All)]
    [InlineData("on", CudnnTuning.All)]
    [InlineData("0", CudnnTuning.Off)]
    [InlineData("false", CudnnTuning.Off)]
    public void The_setting_reads_the_documented_values(string? value, CudnnTuning expected) =>
        Assert.Equal(expected, CudnnAutotune.Parse(value));

    [Fact]
    public void An_unknown_value_is_named_in_the_error()
    {
        var e = Assert.Throws<ArgumentException>(() => CudnnAutotune.Parse("fast"));
        Assert.Contains("'fast'", e.Message);
        Assert.Contains("LIVEAVATAR_CUDNN_BENCHMARK", e.Message);
    }

    [Fact]
    public void Without_a_GPU_extension_no_tuning_scope_opens()
    {
        if (NativeExtension.HasCuda) return; // the machine can tune; nothing to check here
        Assert.Null(CudnnAutotune.TuneScope());
    }
}
