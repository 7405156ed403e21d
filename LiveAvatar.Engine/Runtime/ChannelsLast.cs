using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Runtime;

/// <summary>
/// Channels-last tensors without a memory-format API: a [N, C, ...] tensor whose storage is [N, ..., C] (the
/// permutation of a contiguous tensor). cuDNN runs bf16 3-D convolutions on such data natively; given the usual layout
/// it converts the input and the output around every convolution (docs/benchmarks.md, the VAE's kernel split).
/// Every PyTorch op reads either layout the same way, so only speed, never a value, depends on it.
/// </summary>
public static class ChannelsLast
{
    /// <summary>Whether x [N, C, ...] (3 or more dims) keeps its channels innermost with the rest packed in order.</summary>
    public static bool Is(Tensor x)
    {
        if (x.ndim < 3 || x.shape[1] <= 1 || x.stride(1) != 1) return false;
        var expected = x.shape[1];
        for (var d = x.ndim - 1; d >= 2; d--)
        {
            if (x.shape[d] != 1 && x.stride((int)d) != expected) return false;
            expected *= x.shape[d];
        }
        return x.shape[0] == 1 || x.stride(0) == expected;
    }

    /// <summary>An uninitialised channels-last tensor of sizes [N, C, ...].</summary>
    public static Tensor Empty(long[] shape, ScalarType dtype, Device device)
    {
        long[] stored = [shape[0], .. shape[2..], shape[1]];
        return torch.empty(stored, dtype, device).permute(ToChannelsFirst(shape.Length));
    }

    /// <summary>x [N, C, ...] as a channels-last copy (x itself when it already is one).</summary>
    public static Tensor From(Tensor x)
    {
        if (Is(x)) return x.alias();
        var n = (int)x.ndim;
        long[] toLast = [0, .. Enumerable.Range(2, n - 2).Select(i => (long)i), 1];
        return x.permute(toLast).contiguous().permute(ToChannelsFirst(n));
    }

    // [N, ..., C] → [N, C, ...]
    private static long[] ToChannelsFirst(int dims) => [0, dims - 1, .. Enumerable.Range(1, dims - 2).Select(i => (long)i)];
}
