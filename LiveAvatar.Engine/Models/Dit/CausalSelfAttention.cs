using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Models.Fp8;
using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>Receives named intermediates (hook names of the golden fixtures); it must copy what it keeps.</summary>

/// <summary>CausalWanS2VSelfAttention: q/k/v/o with full-width RMSNorm on q and k, 3-D RoPE, and the two cache
/// modes of the streaming model (sink prefill into the cond cache; noisy block into the step's KV ring).</summary>
public sealed class CausalSelfAttention : Module
{
    private readonly int _heads;
    private readonly int _headDim;
    public Linear Q { get; }
    public Linear K { get; }
    public Linear V { get; }
    public Linear O { get; }
    public WanRmsNorm NormQ { get; }
    public WanRmsNorm NormK { get; }

    public CausalSelfAttention(int dim, int heads, double eps)
    {
        _heads = heads;
        _headDim = dim / heads;
        Q = Child("q", new Linear(dim, dim));
        K = Child("k", new Linear(dim, dim));
        V = Child("v", new Linear(dim, dim));
        O = Child("o", new Linear(dim, dim));
        NormQ = Child("norm_q", new WanRmsNorm(dim, eps));
        NormK = Child("norm_k", new WanRmsNorm(dim, eps));
    }

    // x [B, L, C] → q, k, v [B, L, N, D]
    private (Tensor Q, Tensor K, Tensor V) Project(Tensor x)
    {
        var q = NormQ.Forward(Q.Forward(x));
        var k = NormK.Forward(K.Forward(x));
        var v = V.Forward(x);
        if (IsProbed)
        {
            Report("norm_q.out", q);
            Report("norm_k.out", k);
            Report("v.out", v);
        }
        long b = x.shape[0], l = x.shape[1];
        return (q.view(b, l, _heads, _headDim), k.view(b, l, _heads, _headDim), v.view(b, l, _heads, _headDim));
    }

    /// <summary>Sink prefill: attention among the cond tokens; caches their un-RoPE'd keys and raw values.</summary>
    // x [B, Lc, C], rope factors [Lc, D/2] → [B, Lc, C]
    public Tensor ForwardPrefill(Tensor x, RopeFactors rope, DitCondCache cache, int layer)
    {
        using var scope = torch.NewDisposeScope();
        var (q, k, v) = Project(x);
        var lc = (int)x.shape[1];
        cache.End = Math.Max(cache.End, lc);
        cache.K(layer).narrow(1, 0, lc).copy_(k);
        cache.V(layer).narrow(1, 0, lc).copy_(v);
        var rq = DitRope.Apply(q, rope.Cos, rope.Sin).to(v.dtype);
        var rk = DitRope.Apply(k, rope.Cos, rope.Sin).to(v.dtype);
        var y = DitAttention.Attend(rq, rk, cache.V(layer).narrow(1, 0, cache.End), _heads);
        return O.Forward(y).MoveToOuterDisposeScope();
    }

    /// <summary>Streaming: writes the block's RoPE'd keys and values at current_start mod S and attends to the ring
    /// (up to current_end before the first wrap, all of it after) plus the cond keys RoPE'd at the rolled positions.</summary>
    // x [B, L, C], rope [L, D/2], condRope [Lc, D/2] → [B, L, C]
    public Tensor ForwardStreaming(Tensor x, RopeFactors rope, RopeFactors condRope, DitRingCache ring, DitCondCache cond,
        int layer, int currentStart)
    {
        using var scope = torch.NewDisposeScope();
        if (FusedKernels.Applies(x) && ring.Dtype == ScalarType.BFloat16 && !IsProbed && NormQ.Weight.T.dtype == ScalarType.BFloat16)
            return ForwardStreamingFused(x, rope, condRope, ring, cond, layer, currentStart).MoveToOuterDisposeScope();
        var (q, k, v) = Project(x);
        var l = (int)x.shape[1];
        var rq = DitRope.Apply(q, rope.Cos, rope.Sin).to(v.dtype);
        var rk = DitRope.Apply(k, rope.Cos, rope.Sin).to(v.dtype);
        var (start, active) = ring.BlockSlot(currentStart, l);
        ring.Write(layer, start, rk, v);
        if (IsProbed)
        {
            Report("kv_written.k", rk);
            Report("kv_written.v", v);
        }
        var lc = cond.End;
        var condK = DitRope.Apply(cond.K(layer).narrow(1, 0, lc), condRope.Cos, condRope.Sin).to(v.dtype);
        if (ring.ReadsInPlace(active, lc))
        {
            // The same [ring | sink] keys and values: the sink's rows in the full ring's tail instead of a concatenation.
            ring.K(layer).narrow(1, active, lc).copy_(condK);
            CopyValuesToTail(ring, cond, layer);
            return O.Forward(DitAttention.Attend(rq, ring.K(layer).narrow(1, 0, active + lc), ring.V(layer).narrow(1, 0, active + lc), _heads))
                .MoveToOuterDisposeScope();
        }
        var (keys, values) = RingRowsAndSink(ring, layer, active, lc, rq);
        keys.narrow(1, active, lc).copy_(condK);
        values.narrow(1, active, lc).copy_(cond.V(layer).narrow(1, 0, lc));
        return O.Forward(DitAttention.Attend(rq, keys, values, _heads)).MoveToOuterDisposeScope();
    }

    // New [1, active + sink, N, D] key and value buffers with the ring's first rows (decoded when 8-bit) in front;
    // the caller writes the sink's rows after them (the same keys and values, in the same order, as concatenating).
    private (Tensor Keys, Tensor Values) RingRowsAndSink(DitRingCache ring, int layer, int active, int sinkRows, Tensor like)
    {
        var keys = torch.empty(1, active + sinkRows, _heads, _headDim, like.dtype, like.device);
        var values = torch.empty(1, active + sinkRows, _heads, _headDim, like.dtype, like.device);
        ring.Read(layer, active, keys.narrow(1, 0, active), values.narrow(1, 0, active));
        return (keys, values);
    }

    // The sink's values into a full ring's tail, unless it holds them since the last prefill.
    private static void CopyValuesToTail(DitRingCache ring, DitCondCache cond, int layer)
    {
        if (ring.TailHoldsValuesOf(cond, layer)) return;
        ring.V(layer).narrow(1, ring.Length, cond.End).copy_(cond.V(layer).narrow(1, 0, cond.End));
        ring.MarkTailValues(cond, layer);
    }

    /// <summary>
    /// <see cref="ForwardStreaming"/> on the fused kernels: RMSNorm and RoPE of q in one kernel; of k in one kernel
    /// that writes straight into the ring; the cond keys RoPE'd straight into the attention's keys (the full ring's
    /// tail, else a new buffer after a copy of the ring's rows), which replaces the concatenation (same keys, same order).
    /// </summary>
    private Tensor ForwardStreamingFused(Tensor x, RopeFactors rope, RopeFactors condRope, DitRingCache ring, DitCondCache cond,
        int layer, int currentStart)
    {
        var l = (int)x.shape[1];
        var (start, active) = ring.BlockSlot(currentStart, l);
        // A bf16 ring takes the block's rows straight from the kernels; an 8-bit one encodes them from a buffer.
        var encoded = ring.Format == KvRingFormat.Int8;
        var ringV = encoded ? torch.empty(1, l, _heads, _headDim, x.dtype, x.device) : ring.V(layer).narrow(1, start, l);
        var ringK = encoded ? torch.empty(1, l, _heads, _headDim, x.dtype, x.device) : ring.K(layer).narrow(1, start, l);
        Tensor q, k;
        if (Fp8Activation.Applies(x, Q, K, V))
        {
            using var shared = Fp8Activation.Quantize(x);
            q = Q.Fp8!.Forward(shared);
            k = K.Fp8!.Forward(shared);
            V.Fp8!.Forward(shared, into: ringV);
        }
        else
        {
            q = Q.Forward(x);
            k = K.Forward(x);
            ringV.copy_(V.Forward(x).view(x.shape[0], l, _heads, _headDim));
        }
        var rq = torch.empty(q.shape[0], l, _heads, _headDim, q.dtype, q.device);
        FusedKernels.RmsNormRope(q, NormQ.Weight.T, rope.Cos, rope.Sin, NormQ.Eps, normalize: true, rq);
        FusedKernels.RmsNormRope(k, NormK.Weight.T, rope.Cos, rope.Sin, NormK.Eps, normalize: true, ringK);
        if (encoded) ring.Write(layer, start, ringK, ringV);

        int lc = cond.End;
        Tensor keys, values;
        var inPlace = ring.ReadsInPlace(active, lc);
        if (inPlace)
        {
            // Attention reads the full ring in place, the sink's rows written into its tail.
            keys = ring.K(layer).narrow(1, 0, active + lc);
            values = ring.V(layer).narrow(1, 0, active + lc);
        }
        else (keys, values) = RingRowsAndSink(ring, layer, active, lc, rq);
        // Rows of the full width: the factors are per token, shared by the heads.
        FusedKernels.RmsNormRope(cond.K(layer).narrow(1, 0, lc).view(1, lc, _heads * _headDim), null, condRope.Cos, condRope.Sin, 0, normalize: false, keys.narrow(1, active, lc));
        if (inPlace) CopyValuesToTail(ring, cond, layer);
        else values.narrow(1, active, lc).copy_(cond.V(layer).narrow(1, 0, lc));
        return O.Forward(DitAttention.Attend(rq, keys, values, _heads));
    }
}

/// <summary>RoPE factors of a token sequence: cos and sin [L, D/2] (fp16-quantised values in float32).</summary>
public sealed record RopeFactors(Tensor Cos, Tensor Sin) : IDisposable
{
    /// <param name="device">Where the factors live, once per forward: left on the host they would be copied to the GPU
    /// in every layer. Assembled there from small per-axis tables (<see cref="DitRope.Factors"/>).</param>
    public static RopeFactors For(int headDim, IReadOnlyList<RopeGrid> grids, Device? device = null)
    {
        var (c, s) = DitRope.Factors(headDim, grids, device);
        return new RopeFactors(c.DetachFromDisposeScope(), s.DetachFromDisposeScope());
    }

    public void Dispose()
    {
        Cos.Dispose();
        Sin.Dispose();
    }
}
