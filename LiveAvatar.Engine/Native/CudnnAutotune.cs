namespace LiveAvatar.Engine.Native;

/// <summary>How cuDNN chooses convolution algorithms on CUDA (LIVEAVATAR_CUDNN_BENCHMARK).</summary>
public enum CudnnTuning
{
    /// <summary>cuDNN's heuristics for every convolution ("0").</summary>
    Off,

    /// <summary>The default: the VAE's first calls at each size time cuDNN's algorithms, so its few convolution
    /// shapes get the fastest one; every later call, and everything else, looks the choice up ("vae").</summary>
    Vae,

    /// <summary>The autotuner for every convolution of a new shape, whenever it appears ("1").</summary>
    All,
}

/// <summary>
/// cuDNN's convolution autotuner (torch.backends.cudnn.benchmark), which TorchSharp has no switch for: the native
/// extension sets it. With the autotuner on, the first convolution of a shape times cuDNN's algorithms and caches the
/// fastest; libtorch looks that cache up whether or not the autotuner is on later, so tuning the VAE's first calls
/// is enough. Why not always on: new shapes met in the middle of a request (the first block of a new picture) would
/// be timed there, which made the first frames 1.7 s later on an H200 (docs/benchmarks.md).
/// </summary>
public static unsafe class CudnnAutotune
{
    private static readonly object Gate = new();
    private static int _tuning;

    /// <summary>The process's setting, from LIVEAVATAR_CUDNN_BENCHMARK.</summary>
    public static CudnnTuning Mode => ModeValue.Value;

    private static readonly Lazy<CudnnTuning> ModeValue = new(() => Parse(Environment.GetEnvironmentVariable("LIVEAVATAR_CUDNN_BENCHMARK")));

    private static readonly Lazy<bool> Switchable = new(() =>
    {
        if (!NativeExtension.HasCuda || !NativeExtension.HasExport("lax_set_cudnn_benchmark")) return false;
        Set(Mode == CudnnTuning.All);
        return true;
    });

    /// <summary>Applies the setting once per process (before a model's first convolution on a GPU); returns whether
    /// the autotuner is on for every convolution.</summary>
    public static bool EnsureConfigured() => Switchable.Value && Mode == CudnnTuning.All;

    /// <summary>Turns the autotuner on until disposed, for the VAE's first calls at a size (<see cref="CudnnTuning.Vae"/>);
    /// null when the mode is another or the extension cannot switch it. Nested and concurrent scopes keep it on until
    /// the last one ends.</summary>
    public static IDisposable? TuneScope()
    {
        if (Mode != CudnnTuning.Vae || !Switchable.Value) return null;
        lock (Gate)
        {
            if (_tuning++ == 0) Set(true);
        }
        return new EndTuning();
    }

    /// <summary>Reads a LIVEAVATAR_CUDNN_BENCHMARK value: unset or "vae" the default, "1"/"on"/"all" everything,
    /// "0"/"off" nothing.</summary>
    public static CudnnTuning Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "vae" => CudnnTuning.Vae,
        "1" or "true" or "on" or "all" => CudnnTuning.All,
        "0" or "false" or "off" => CudnnTuning.Off,
        var other => throw new ArgumentException($"LIVEAVATAR_CUDNN_BENCHMARK is vae (default), 1 or 0, not '{other}'"),
    };

    private static void Set(bool on) =>
        NativeExtension.Check(((delegate* unmanaged<int, int>)NativeExtension.Export("lax_set_cudnn_benchmark"))(on ? 1 : 0), "cudnn benchmark");

    private sealed class EndTuning : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            lock (Gate)
            {
                if (--_tuning == 0) Set(false);
            }
        }
    }
}
