namespace LiveAvatar.Engine.Native;

/// <summary>
/// cuDNN's convolution autotuner for CUDA runs (the VAE is almost all 3-D convolutions of a few fixed shapes per
/// size). LIVEAVATAR_CUDNN_BENCHMARK=1 turns it on, 0 off; it needs the native extension (TorchSharp has no switch).
/// </summary>
public static unsafe class CudnnAutotune
{
    private static readonly Lazy<bool> Applied = new(() =>
    {
        var wanted = Wanted(Environment.GetEnvironmentVariable("LIVEAVATAR_CUDNN_BENCHMARK"));
        if (!NativeExtension.HasCuda || !NativeExtension.HasExport("lax_set_cudnn_benchmark")) return false;
        NativeExtension.Check(((delegate* unmanaged<int, int>)NativeExtension.Export("lax_set_cudnn_benchmark"))(wanted ? 1 : 0), "cudnn benchmark");
        return wanted;
    });

    /// <summary>Applies the setting once per process (before a model's first convolution on a GPU); returns whether
    /// the autotuner is on.</summary>
    public static bool EnsureConfigured() => Applied.Value;

    /// <summary>Whether a LIVEAVATAR_CUDNN_BENCHMARK value asks for the autotuner (unset: off).</summary>
    public static bool Wanted(string? value) => value?.Trim() is "1" or "true" or "on";
}
