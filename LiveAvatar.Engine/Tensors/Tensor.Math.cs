using static LiveAvatar.Engine.Native.NativeMethods;

namespace LiveAvatar.Engine.Tensors;

public sealed partial class Tensor
{
    private enum U { Neg, Exp, Log, Sqrt, Rsqrt, Abs, Sin, Cos, Tanh, Sigmoid, Silu, Relu, Gelu, GeluTanh, Reciprocal,
        Floor, Round, Square, LogicalNot, Sign, IsNan, IsFinite, Ceil, Trunc }

    internal enum B { Add, Sub, Mul, Div, Pow, Maximum, Minimum, Eq, Ne, Lt, Le, Gt, Ge, And, Or, Remainder, Atan2, FloorDivide }

    private Tensor Un(U op) => Wrap(la_unary((int)op, Handle), op.ToString().ToLowerInvariant());
    internal static Tensor Bin(B op, Tensor a, Tensor b) => Wrap(la_binary((int)op, a.Handle, b.Handle), op.ToString().ToLowerInvariant());
    internal static Tensor Bin(B op, Tensor a, double s) => Wrap(la_binary_scalar((int)op, a.Handle, s), op.ToString().ToLowerInvariant());
    internal static Tensor Bin(B op, double s, Tensor b) => Wrap(la_scalar_binary((int)op, s, b.Handle), op.ToString().ToLowerInvariant());

    public Tensor Neg() => Un(U.Neg);
    public Tensor Exp() => Un(U.Exp);
    public Tensor Log() => Un(U.Log);
    public Tensor Sqrt() => Un(U.Sqrt);
    public Tensor Rsqrt() => Un(U.Rsqrt);
    public Tensor Abs() => Un(U.Abs);
    public Tensor Sin() => Un(U.Sin);
    public Tensor Cos() => Un(U.Cos);
    public Tensor Tanh() => Un(U.Tanh);
    public Tensor Sigmoid() => Un(U.Sigmoid);
    public Tensor Silu() => Un(U.Silu);
    public Tensor Relu() => Un(U.Relu);
    /// <summary>Exact (erf) GELU.</summary>
    public Tensor Gelu() => Un(U.Gelu);
    /// <summary>GELU with the tanh approximation (PyTorch approximate='tanh').</summary>
    public Tensor GeluTanh() => Un(U.GeluTanh);
    public Tensor Reciprocal() => Un(U.Reciprocal);
    public Tensor Floor() => Un(U.Floor);
    public Tensor Ceil() => Un(U.Ceil);
    public Tensor Trunc() => Un(U.Trunc);
    /// <summary>Round half to even, like torch.round.</summary>
    public Tensor Round() => Un(U.Round);
    public Tensor Square() => Un(U.Square);
    public Tensor LogicalNot() => Un(U.LogicalNot);
    public Tensor Sign() => Un(U.Sign);
    public Tensor IsNan() => Un(U.IsNan);
    public Tensor IsFinite() => Un(U.IsFinite);

    public Tensor Pow(double exponent) => Bin(B.Pow, this, exponent);
    public Tensor Pow(Tensor exponent) => Bin(B.Pow, this, exponent);
    public Tensor Maximum(Tensor other) => Bin(B.Maximum, this, other);
    public Tensor Minimum(Tensor other) => Bin(B.Minimum, this, other);
    public Tensor Eq(Tensor o) => Bin(B.Eq, this, o);
    public Tensor Eq(double o) => Bin(B.Eq, this, o);
    public Tensor Ne(Tensor o) => Bin(B.Ne, this, o);
    public Tensor Lt(Tensor o) => Bin(B.Lt, this, o);
    public Tensor Lt(double o) => Bin(B.Lt, this, o);
    public Tensor Le(double o) => Bin(B.Le, this, o);
    public Tensor Gt(Tensor o) => Bin(B.Gt, this, o);
    public Tensor Gt(double o) => Bin(B.Gt, this, o);
    public Tensor Ge(double o) => Bin(B.Ge, this, o);
    public Tensor LogicalAnd(Tensor o) => Bin(B.And, this, o);
    public Tensor LogicalOr(Tensor o) => Bin(B.Or, this, o);
    public Tensor Remainder(double o) => Bin(B.Remainder, this, o);
    public Tensor FloorDivide(double o) => Bin(B.FloorDivide, this, o);
    public Tensor Atan2(Tensor o) => Bin(B.Atan2, this, o);

    public Tensor Clamp(double? min = null, double? max = null) =>
        Wrap(la_clamp(Handle, min ?? 0, max ?? 0, min.HasValue ? 1 : 0, max.HasValue ? 1 : 0), "clamp");

    /// <summary>Softmax over <paramref name="dim"/>; <paramref name="dtype"/> casts the input first (e.g. fp32 accumulation).</summary>
    public Tensor Softmax(long dim, DType? dtype = null) => Wrap(la_softmax(Handle, dim, dtype.HasValue ? (int)dtype.Value : -1), "softmax");
    public Tensor LogSoftmax(long dim) => Wrap(la_log_softmax(Handle, dim), "log_softmax");
    public Tensor Lerp(Tensor end, double weight) => Wrap(la_lerp(Handle, end.Handle, weight), "lerp");
    /// <summary>this + value * a * b.</summary>
    public Tensor Addcmul(Tensor a, Tensor b, double value = 1) => Wrap(la_addcmul(Handle, a.Handle, b.Handle, value), "addcmul");

    public static Tensor operator +(Tensor a, Tensor b) => Bin(B.Add, a, b);
    public static Tensor operator -(Tensor a, Tensor b) => Bin(B.Sub, a, b);
    public static Tensor operator *(Tensor a, Tensor b) => Bin(B.Mul, a, b);
    public static Tensor operator /(Tensor a, Tensor b) => Bin(B.Div, a, b);
    public static Tensor operator +(Tensor a, double s) => Bin(B.Add, a, s);
    public static Tensor operator -(Tensor a, double s) => Bin(B.Sub, a, s);
    public static Tensor operator *(Tensor a, double s) => Bin(B.Mul, a, s);
    public static Tensor operator /(Tensor a, double s) => Bin(B.Div, a, s);
    public static Tensor operator +(double s, Tensor a) => Bin(B.Add, a, s);
    public static Tensor operator -(double s, Tensor a) => Bin(B.Sub, s, a);
    public static Tensor operator *(double s, Tensor a) => Bin(B.Mul, a, s);
    public static Tensor operator /(double s, Tensor a) => Bin(B.Div, s, a);
    public static Tensor operator -(Tensor a) => a.Neg();

    private Tensor InPlace(B op, Tensor o)
    {
        TorchException.Check(la_binary_((int)op, Handle, o.Handle), op + "_");
        return this;
    }

    private Tensor InPlace(B op, double s)
    {
        TorchException.Check(la_binary_scalar_((int)op, Handle, s), op + "_");
        return this;
    }

    public Tensor AddInPlace(Tensor o) => InPlace(B.Add, o);
    public Tensor AddInPlace(double s) => InPlace(B.Add, s);
    public Tensor SubInPlace(Tensor o) => InPlace(B.Sub, o);
    public Tensor MulInPlace(Tensor o) => InPlace(B.Mul, o);
    public Tensor MulInPlace(double s) => InPlace(B.Mul, s);
    public Tensor DivInPlace(Tensor o) => InPlace(B.Div, o);
    public Tensor DivInPlace(double s) => InPlace(B.Div, s);

    public Tensor MatMul(Tensor other) => Wrap(la_matmul(Handle, other.Handle), $"matmul {Describe(Shape)} x {Describe(other.Shape)}");
    public Tensor Bmm(Tensor other) => Wrap(la_bmm(Handle, other.Handle), "bmm");
    public Tensor Outer(Tensor other) => Wrap(la_outer(Handle, other.Handle), "outer");

    /// <summary>beta * this + alpha * (a @ b).</summary>
    public Tensor Addmm(Tensor a, Tensor b, double beta = 1, double alpha = 1) =>
        Wrap(la_addmm(Handle, a.Handle, b.Handle, beta, alpha), "addmm");
}
