using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Runtime;

/// <summary>
/// Tensor arithmetic with a scalar kept alive until libtorch has finished with it. TorchSharp 0.107 makes a temporary
/// Scalar for <c>a + b</c> (alpha 1) and <c>a * 2.0</c> and keeps no reference to it during the native call, so the GC
/// may finalize it while libtorch still reads it ("Expected false to be true ... toFloat at c10/core/Scalar.h",
/// docs/reliability.md F23). The window is the length of the native op, so it matters where one op runs long on the
/// CPU, such as merging a LoRA into a full weight matrix; short ops elsewhere keep the ordinary operators.
/// </summary>
public static class ScalarSafeOps
{
    /// <summary>a + b.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        var one = 1.ToScalar();
        try { return a.add(b, one); }
        finally { GC.KeepAlive(one); one.Dispose(); }
    }

    /// <summary>a · factor.</summary>
    public static Tensor Mul(Tensor a, double factor)
    {
        var scalar = factor.ToScalar();
        try { return a.mul(scalar); }
        finally { GC.KeepAlive(scalar); scalar.Dispose(); }
    }
}
