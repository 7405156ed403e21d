using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

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
        using var scope = torch.NewDisposeScope();
        var w = Embedding.Weight.T;
        var buckets = Buckets(lq, lk, w.device);
        var bias = Embedding.Forward(buckets).permute(2, 0, 1).unsqueeze(0).contiguous();
        return scope.MoveToOuter(bias);
    }

    /// <summary>Bucket index [Lq, Lk] (int64) of rel = k − q: exact below half the per-direction buckets,
    /// log-spaced up to <see cref="MaxDist"/>. The log runs in fp32 through libtorch, as in t5.py, so that the
    /// truncation lands on the same side at the powers of two (rel 16, 32, 64). It is always computed on the CPU,
    /// whose result is tested against the exact formula up to 512 tokens, and then moved to <paramref name="device"/>.</summary>
    public Tensor Buckets(long lq, long lk, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = torch.CPU;
        var rel = torch.arange(0, lk, device: cpu).unsqueeze(0) - torch.arange(0, lq, device: cpu).unsqueeze(1);
        long numBuckets;
        Tensor buckets;
        if (Bidirectional)
        {
            numBuckets = NumBuckets / 2;
            buckets = rel.gt(0).to(ScalarType.Int64) * numBuckets;
            rel = rel.abs();
        }
        else
        {
            numBuckets = NumBuckets;
            buckets = torch.zeros([lq, lk], ScalarType.Int64, cpu);
            rel = -rel.minimum(torch.zeros([1], ScalarType.Int64, cpu));
        }
        var maxExact = numBuckets / 2;
        var large = (rel.to(ScalarType.Float32) / (double)maxExact).log() / Math.Log((double)MaxDist / maxExact) * (double)(numBuckets - maxExact);
        var largeIdx = (large.to(ScalarType.Int64) + maxExact).clamp(max: numBuckets - 1);
        // Scalar arithmetic on int64 tensors promotes to float here; every value is a small exact integer.
        var result = (buckets + torch.where(rel.lt(maxExact), rel.to(ScalarType.Float32), largeIdx.to(ScalarType.Float32))).to(ScalarType.Int64);
        return scope.MoveToOuter(result.to(device));
    }
}
