using System.Runtime.InteropServices;
using TorchSharp;

namespace LiveAvatar.Engine.Runtime;

/// <summary>
/// Loads libtorch through TorchSharp once per process and explains a failure in words a user can act on.
/// TorchSharp reports every load failure as a missing package reference; the real cause (usually the libstdc++
/// version, see README FAQ) is what <see cref="LoadError"/> gives.
/// </summary>
public static class TorchRuntime
{
    public const string BindingLibrary = "libLibTorchSharp.so";
    private static readonly Lazy<string?> Error = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Null when libtorch loaded; otherwise what went wrong and what to do.</summary>
    public static string? LoadError => Error.Value;

    /// <summary>Where the TorchSharp binding was loaded from, when the engine loaded it by path.</summary>
    public static string? BindingPath { get; private set; }

    public static void EnsureLoaded()
    {
        if (LoadError is { } e) throw new TorchLoadException(e);
    }

    /// <summary>The libtorch version TorchSharp runs on (e.g. 2.10.0).</summary>
    public static string Version
    {
        get
        {
            EnsureLoaded();
            return torch.__version__;
        }
    }

    private static string? Load()
    {
        try
        {
            // Loading the binding by path first lets an external libtorch (LD_LIBRARY_PATH, the GPU bundle) serve it.
            if (FindBinding() is { } path)
            {
                NativeLibrary.Load(path);
                BindingPath = path;
            }
            torch.InitializeDeviceType(DeviceType.CPU);
            ConfigureThreads();
            return null;
        }
        catch (Exception e)
        {
            return Explain(e);
        }
    }

    // OpenMP may start with one thread in some containers; use every core unless the user chose.
    private static void ConfigureThreads()
    {
        var env = Environment.GetEnvironmentVariable("LIVEAVATAR_THREADS") ?? Environment.GetEnvironmentVariable("OMP_NUM_THREADS");
        torch.set_num_threads(int.TryParse(env, out var v) && v > 0 ? v : Environment.ProcessorCount);
    }

    private static string? FindBinding()
    {
        var dir = AppContext.BaseDirectory;
        foreach (var candidate in new[] { Path.Combine(dir, BindingLibrary), Path.Combine(dir, "runtimes", "linux-x64", "native", BindingLibrary) })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    private static string Explain(Exception e)
    {
        var message = e is DllNotFoundException ? e.Message : e.Message.Split('\n')[0];
        if (message.Contains("GLIBCXX_3.4.32", StringComparison.Ordinal))
            return $"libtorch could not be loaded: {message.Trim()}. The system libstdc++ is older than TorchSharp's binding " +
                   "expects; rebuild with launch-scripts/setup.sh (it patches the copy in the build output) or see the README FAQ.";
        if (message.Contains("undefined symbol", StringComparison.Ordinal))
            return $"libtorch could not be loaded: {message.Trim()}. The libtorch found (through LD_LIBRARY_PATH or the system's " +
                   "library folders) is not one TorchSharp 0.107 can bind to; point LD_LIBRARY_PATH at the lib folder of libtorch " +
                   "2.10 or newer, or build with the NuGet libtorch (README, GPU users).";
        if (message.Contains("libtorch", StringComparison.OrdinalIgnoreCase) && FindBinding() is null)
            return $"libtorch could not be loaded: {message.Trim()}. {BindingLibrary} is not next to the application " +
                   $"({AppContext.BaseDirectory}); build or publish with the TorchSharp package, or see the README's GPU section.";
        return $"libtorch could not be loaded: {message.Trim()}";
    }
}

public sealed class TorchLoadException(string message) : Exception(message);
