using LiveAvatar.Engine.Native;
using static LiveAvatar.Engine.Native.NativeMethods;

namespace LiveAvatar.Engine.Tensors;

/// <summary>Library-wide facts and switches.</summary>
public static class Torch
{
    private static readonly Lazy<string?> LoadError = new(() =>
    {
        try
        {
            var abi = la_abi_version();
            if (abi == 1) ConfigureThreads();
            return abi == 1 ? null : $"native shim ABI {abi} does not match this build (expected 1); rebuild it with ./launch-scripts/build-native.sh --force";
        }
        catch (DllNotFoundException e) { return e.Message; }
        catch (EntryPointNotFoundException e) { return "native shim is out of date (" + e.Message + "); rebuild it with ./launch-scripts/build-native.sh --force"; }
    });

    /// <summary>Null when the native shim and libtorch load; otherwise what is wrong and what to do.</summary>
    public static string? NativeLoadError => LoadError.Value;

    // OpenMP may start with one thread in some environments; use every core unless the user chose.
    private static void ConfigureThreads()
    {
        var env = Environment.GetEnvironmentVariable("LIVEAVATAR_THREADS") ?? Environment.GetEnvironmentVariable("OMP_NUM_THREADS");
        var n = int.TryParse(env, out var v) && v > 0 ? v : Environment.ProcessorCount;
        la_set_num_threads(n);
    }

    /// <summary>Throws a clear error when libtorch is unusable.</summary>
    public static void EnsureLoaded()
    {
        if (NativeLoadError is { } e) throw new TorchException(e);
    }

    public static string? NativeLibraryPath => NativeLibraryLoader.LoadedFrom;

    public static Version Version
    {
        get
        {
            EnsureLoaded();
            la_torch_version(out var a, out var b, out var c);
            return new Version(a, b, c);
        }
    }

    public static bool HasFusedAttention => la_has_fused_sdpa() == 1;
    public static bool HasFloat8 => la_has_float8() == 1;
    public static bool BuiltWithCuda => la_built_with_cuda() == 1;
    public static string ParallelInfo => Tensor.Utf8(la_parallel_info());

    public static int NumThreads
    {
        get => la_get_num_threads();
        set => la_set_num_threads(value);
    }

    /// <summary>Disables autograd recording on this thread (the engine never trains).</summary>
    public static void DisableGrad() => la_set_grad_enabled(0);
}
