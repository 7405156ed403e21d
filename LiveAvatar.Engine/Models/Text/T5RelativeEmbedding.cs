using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>T5 relative position bias: a learned [buckets, heads] table indexed by the bucket of k − q.</summary>
public sealed class T5RelativeEmbedding : Module
{
    public long NumBuckets { get; }
    public long NumHeads { get; }
    public bool Bidirectional { get; }
    public long MaxDist { get; }
    public Embedding Embedding { get; }

    public T5RelativeEmbedding(long numBuckets, long numHeads, bool bidirectional, long maxDist = 128)
    {
        NumBuckets = numBuckets;
        NumHeads = numHeads;
        Bidirectional = bidirectional;
        MaxDist = maxDist;
        Embedding = Child("embedding", new Embedding(numBuckets, numHeads));
    }

    /// <summary>The bias [1, N, Lq, Lk] added to the attention logits.</summary>
    public Tensor Forward(long lq, long lk)
    {
        using var scope = DisposeScope.Enter();
        var w = Embedding.Weight.T;
        var buckets = Buckets(lq, lk, w.Device);
        var bias = Embedding.Forward(buckets).Permute(2, 0, 1).Unsqueeze(0).Contiguous();
        return scope.MoveToOuter(bias);
    }

    /// <summary>Bucket index [Lq, Lk] (int64) of rel = k − q: exact below half the per-direction buckets,
    /// log-spaced up to <see cref="MaxDist"/>. The log runs in fp32 through libtorch, as in t5.py, so that the
    /// truncation lands on the same side at the powers of two (rel 16, 32, 64). It is always computed on the CPU,
    /// whose result is tested against the exact formula up to 512 tokens, and then moved to <paramref name="device"/>.</summary>
    public Tensor Buckets(long lq, long lk, Device device)
    {
        using var scope = DisposeScope.Enter();
        var cpu = Device.Cpu;
        var rel = Tensor.Arange(0, lk, device: cpu).Unsqueeze(0) - Tensor.Arange(0, lq, device: cpu).Unsqueeze(1);
        long numBuckets;
        Tensor buckets;
        if (Bidirectional)
        {
            numBuckets = NumBuckets / 2;
            buckets = rel.Gt(0).To(DType.Int64) * numBuckets;
            rel = rel.Abs();
        }
        else
        {
            numBuckets = NumBuckets;
            buckets = Tensor.Zeros([lq, lk], DType.Int64, cpu);
            rel = -rel.Minimum(Tensor.Zeros([1], DType.Int64, cpu));
        }
        var maxExact = numBuckets / 2;
        var large = (rel.To(DType.Float32) / (double)maxExact).Log() / Math.Log((double)MaxDist / maxExact) * (double)(numBuckets - maxExact);
        var largeIdx = (large.To(DType.Int64) + maxExact).Clamp(max: numBuckets - 1);
        // Scalar arithmetic on int64 tensors promotes to float here; every value is a small exact integer.
        var result = (buckets + Tensor.Where(rel.Lt(maxExact), rel.To(DType.Float32), largeIdx.To(DType.Float32))).To(DType.Int64);
        return scope.MoveToOuter(result.To(device));
    }
}
