using static LiveAvatar.Engine.Native.NativeMethods;

namespace LiveAvatar.Engine.Tensors;

public sealed partial class Tensor
{
    private enum R { Sum, Mean, Amax, Amin, Prod, Var, Std, Any, All, Norm2 }

    private Tensor Reduce(R op, long[] dims, bool keepDim) =>
        Wrap(la_reduce((int)op, Handle, dims, dims.Length, keepDim ? 1 : 0), op.ToString().ToLowerInvariant());

    /// <summary>Sum over <paramref name="dims"/>, or over everything when none are given.</summary>
    public Tensor Sum(long[]? dims = null, bool keepDim = false) => Reduce(R.Sum, dims ?? [], keepDim);
    public Tensor Sum(long dim, bool keepDim = false) => Reduce(R.Sum, [dim], keepDim);
    public Tensor Mean(long[]? dims = null, bool keepDim = false) => Reduce(R.Mean, dims ?? [], keepDim);
    public Tensor Mean(long dim, bool keepDim = false) => Reduce(R.Mean, [dim], keepDim);
    public Tensor Amax(long[]? dims = null, bool keepDim = false) => Reduce(R.Amax, dims ?? [], keepDim);
    public Tensor Amax(long dim, bool keepDim = false) => Reduce(R.Amax, [dim], keepDim);
    public Tensor Amin(long[]? dims = null, bool keepDim = false) => Reduce(R.Amin, dims ?? [], keepDim);
    public Tensor Amin(long dim, bool keepDim = false) => Reduce(R.Amin, [dim], keepDim);
    public Tensor Prod(long? dim = null, bool keepDim = false) => Reduce(R.Prod, dim is { } d ? [d] : [], keepDim);
    /// <summary>Population variance (unbiased = false), as the norms use it.</summary>
    public Tensor Var(long[]? dims = null, bool keepDim = false) => Reduce(R.Var, dims ?? [], keepDim);
    public Tensor Std(long[]? dims = null, bool keepDim = false) => Reduce(R.Std, dims ?? [], keepDim);
    public Tensor Any(long? dim = null, bool keepDim = false) => Reduce(R.Any, dim is { } d ? [d] : [], keepDim);
    public Tensor All(long? dim = null, bool keepDim = false) => Reduce(R.All, dim is { } d ? [d] : [], keepDim);
    /// <summary>L2 norm over <paramref name="dims"/> (all when none).</summary>
    public Tensor Norm(long[]? dims = null, bool keepDim = false) => Reduce(R.Norm2, dims ?? [], keepDim);
    public Tensor ArgMax(long dim, bool keepDim = false) => Wrap(la_argmax(Handle, dim, keepDim ? 1 : 0), "argmax");
    public Tensor CumSum(long dim) => Wrap(la_cumsum(Handle, dim), "cumsum");

    /// <summary>max |this - other| as a double (a diagnostic for parity checks).</summary>
    public double MaxAbsDiff(Tensor other)
    {
        using var scope = DisposeScope.Enter();
        var a = To(Device.Cpu, DType.Float64);
        var b = other.To(Device.Cpu, DType.Float64);
        return (a - b).Abs().Amax().Item();
    }
}
