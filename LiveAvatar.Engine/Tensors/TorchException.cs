using System.Runtime.InteropServices;
using LiveAvatar.Engine.Native;

namespace LiveAvatar.Engine.Tensors;

/// <summary>An error raised inside libtorch, carrying its message.</summary>
public sealed class TorchException(string message) : Exception(message)
{
    internal static TorchException FromNative(string op)
    {
        var p = NativeMethods.la_last_error();
        var msg = p == IntPtr.Zero ? "unknown error" : Marshal.PtrToStringUTF8(p) ?? "unknown error";
        NativeMethods.la_clear_error();
        return new TorchException($"{op}: {msg.Trim()}");
    }

    internal static IntPtr Check(IntPtr handle, string op) => handle != IntPtr.Zero ? handle : throw FromNative(op);

    internal static void Check(int rc, string op)
    {
        if (rc < 0) throw FromNative(op);
    }
}
