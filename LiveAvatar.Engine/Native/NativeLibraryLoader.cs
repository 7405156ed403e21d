using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LiveAvatar.Engine.Native;

/// <summary>Finds libliveavatar_native.so: $LIVEAVATAR_NATIVE, next to the app, or build/native/ in a
/// parent folder of the app or of the working directory (the repo layout).</summary>
internal static class NativeLibraryLoader
{
    internal const string FileName = "libliveavatar_native.so";
    private static string? _loadedFrom;
    private static string? _failure;

    // The resolver must be in place before the first P/Invoke from any entry point (CLI, web, tests).
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);

    internal static string? LoadedFrom => _loadedFrom;

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != NativeMethods.Lib) return IntPtr.Zero;
        var errors = new List<string>();
        foreach (var candidate in Candidates())
        {
            if (!File.Exists(candidate)) continue;
            try
            {
                var h = NativeLibrary.Load(candidate);
                _loadedFrom = candidate;
                return h;
            }
            catch (DllNotFoundException e)
            {
                errors.Add($"{candidate}: {e.Message}");
            }
        }
        _failure = errors.Count > 0
            ? "the native shim was found but could not be loaded (is libtorch installed? " +
              "on Debian/Ubuntu: apt-get install libtorch-dev libopenblas0-pthread): " + string.Join("; ", errors)
            : $"{FileName} not found; build it with ./launch-scripts/build-native.sh " +
              "(needs g++ and libtorch: apt-get install libtorch-dev libopenblas0-pthread), " +
              "or set LIVEAVATAR_NATIVE to its path";
        throw new DllNotFoundException(_failure);
    }

    internal static IEnumerable<string> Candidates()
    {
        var env = Environment.GetEnvironmentVariable("LIVEAVATAR_NATIVE");
        if (!string.IsNullOrEmpty(env)) yield return Directory.Exists(env) ? Path.Combine(env, FileName) : env;
        yield return Path.Combine(AppContext.BaseDirectory, FileName);
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                yield return Path.Combine(dir.FullName, "build", "native", FileName);
        }
    }
}
