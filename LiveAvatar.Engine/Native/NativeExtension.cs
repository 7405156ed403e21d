using System.Runtime.InteropServices;
using TorchSharp;

namespace LiveAvatar.Engine.Native;

/// <summary>
/// LiveAvatar's optional native extension (libliveavatar_ext.so): float8 GEMM, CUDA streams and events, allocator
/// statistics and the per-process memory cap. It is built against the headers of the libtorch that TorchSharp
/// loads (launch-scripts/build-native.sh); CPU machines have no such headers, so there it is absent and the features
/// that need it say so through <see cref="Require"/>.
/// </summary>
public static partial class NativeExtension
{
    public const string LibraryFileName = "libliveavatar_ext.so";

    private static readonly Lazy<(IntPtr Handle, string? Error, string? Path)> Loaded = new(Load);

    public static bool IsAvailable => Loaded.Value.Handle != IntPtr.Zero;

    /// <summary>Why the extension is not loaded, in words a user can act on; null when it is.</summary>
    public static string? UnavailableReason => Loaded.Value.Error;

    /// <summary>Where the loaded extension came from; null when it is absent.</summary>
    public static string? LoadedFrom => Loaded.Value.Path;

    /// <summary>The libtorch version whose headers the extension was built against.</summary>
    public static string? BuiltAgainst => IsAvailable ? Marshal.PtrToStringUTF8(Call<IntPtr>("lax_torch_version")) : null;

    public static bool HasCuda => IsAvailable && Call<int>("lax_built_with_cuda") == 1;

    public static void Require(string feature)
    {
        if (!IsAvailable) throw new NotSupportedException($"{feature} needs LiveAvatar's native extension, which is not loaded: {UnavailableReason}");
    }

    internal static void RequireCuda(string feature)
    {
        Require(feature);
        if (!HasCuda) throw new NotSupportedException($"{feature} needs CUDA, and the native extension was built against a CPU-only libtorch ({BuiltAgainst}).");
    }

    private static (IntPtr, string?, string?) Load()
    {
        try
        {
            // The extension links against libtorch by soname; TorchSharp must have loaded libtorch first so both
            // bind to the same copy.
            _ = torch.cuda.is_available();
        }
        catch (Exception e)
        {
            return (IntPtr.Zero, $"TorchSharp itself could not load libtorch ({e.Message})", null);
        }
        var tried = new List<string>();
        foreach (var path in Candidates())
        {
            tried.Add(path);
            if (!File.Exists(path)) continue;
            try
            {
                return (NativeLibrary.Load(path), null, path);
            }
            catch (DllNotFoundException e)
            {
                return (IntPtr.Zero, $"{path} exists but did not load ({e.Message}); rebuild it against the libtorch in use with launch-scripts/build-native.sh", null);
            }
        }
        return (IntPtr.Zero, $"{LibraryFileName} was not found (looked at {string.Join(", ", tried)}). It is built on a machine with " +
                             "libtorch 2.x headers (a pip torch or a libtorch folder) by launch-scripts/build-native.sh; set LIVEAVATAR_EXT to its path.", null);
    }

    private static IEnumerable<string> Candidates()
    {
        var env = Environment.GetEnvironmentVariable("LIVEAVATAR_EXT");
        if (!string.IsNullOrWhiteSpace(env)) { yield return env; yield break; }
        yield return Path.Combine(AppContext.BaseDirectory, LibraryFileName);
        // A source checkout: build/native under the repository root, found by walking up from the binaries.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LiveAvatar.sln")))
            {
                yield return Path.Combine(dir.FullName, "build", "native", LibraryFileName);
                yield break;
            }
        }
    }
}
