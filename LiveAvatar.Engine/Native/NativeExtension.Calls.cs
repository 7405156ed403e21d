using System.Runtime.InteropServices;
using TorchSharp;

namespace LiveAvatar.Engine.Native;

public static partial class NativeExtension
{
    private static readonly Dictionary<string, IntPtr> Exports = new();

    /// <summary>The address of one exported function; a missing one means an extension older than this code.</summary>
    internal static IntPtr Export(string name)
    {
        lock (Exports)
        {
            if (Exports.TryGetValue(name, out var p)) return p;
            Require(name);
            if (!NativeLibrary.TryGetExport(Loaded.Value.Handle, name, out p))
                throw new NotSupportedException($"the native extension at {LoadedFrom} has no '{name}'; rebuild it with launch-scripts/build-native.sh --force");
            Exports[name] = p;
            return p;
        }
    }

    /// <summary>Whether the loaded extension exports <paramref name="name"/> (an older build may not).</summary>
    internal static bool HasExport(string name)
    {
        if (!IsAvailable) return false;
        try { Export(name); return true; }
        catch (NotSupportedException) { return false; }
    }

    private static unsafe T Call<T>(string name) where T : unmanaged => ((delegate* unmanaged<T>)Export(name))();

    internal static string LastError() =>
        Marshal.PtrToStringUTF8(Call<IntPtr>("lax_last_error")) is { Length: > 0 } s ? s : "unknown error in the native extension";

    internal static void Check(int rc, string what)
    {
        if (rc < 0) throw new InvalidOperationException($"{what} failed: {LastError()}");
    }

    internal static IntPtr Check(IntPtr p, string what) =>
        p == IntPtr.Zero ? throw new InvalidOperationException($"{what} failed: {LastError()}") : p;

    /// <summary>Wraps a new at::Tensor* made by the extension; the current dispose scope owns it like any tensor.</summary>
    internal static torch.Tensor WrapTensor(IntPtr handle, string what) => torch.Tensor.UnsafeCreateTensor(Check(handle, what));
}
