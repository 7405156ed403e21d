using System.Runtime.InteropServices;

namespace LiveAvatar.Engine.Native;

/// <summary>Owns one native at::Tensor handle. Released deterministically by Tensor.Dispose; the
/// finalizer is only a backstop for leaks, never the plan for device memory.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal TensorHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    /// <summary>A handle that stands for "no tensor" (an optional argument left out).</summary>
    internal static readonly TensorHandle Null = new();

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.la_free(handle);
        return true;
    }
}
