using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>
/// Conv3d that pads time only on the past side (2·p_t frames, none after), so frame t never sees t+1. Cached past
/// frames, when given, replace that many zero frames.
/// </summary>
public sealed class CausalConv3d : Module
{
    private readonly long[] _stride;
    private readonly long _pastFrames;
    private readonly long[] _spatialPadding;

    public Parameter Weight { get; }
    public Parameter Bias { get; }

    public CausalConv3d(long inChannels, long outChannels, long[] kernel, long[]? stride = null, long[]? padding = null)
    {
        Weight = Param("weight", [outChannels, inChannels, .. kernel]);
        Bias = Param("bias", outChannels);
        _stride = stride ?? [1, 1, 1];
        var p = padding ?? [0, 0, 0];
        _pastFrames = 2 * p[0];
        // Symmetric zero padding in H and W is the convolution's own (no padded copy of the input).
        _spatialPadding = [0, p[1], p[2]];
    }

    public CausalConv3d(long inChannels, long outChannels, long kernel, long padding = 0)
        : this(inChannels, outChannels, [kernel, kernel, kernel], null, [padding, padding, padding]) { }

    /// <summary>x [B, Cin, T, H, W], cache [B, Cin, ≤2, H, W] → [B, Cout, T', H', W'].</summary>
    public Tensor Forward(Tensor x, Tensor? cache = null)
    {
        using var scope = torch.NewDisposeScope();
        var past = _pastFrames;
        if (cache is not null && past > 0)
        {
            x = torch.cat([cache.to(x.device), x], 2);
            past -= cache.shape[2];
        }
        // F.pad order: (w left, w right, h top, h bottom, t front, t back).
        if (past > 0) x = F.pad(x, [0, 0, 0, 0, past, 0]);
        return F.conv3d(x, Weight.T, Bias.T, _stride, _spatialPadding).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The cached-call pattern every ResidualBlock / Encoder3d / Decoder3d conv uses: remember the last CACHE_T input
    /// frames (topped up with the previous chunk's last frame when this chunk is shorter), run with the old cache.
    /// </summary>
    public Tensor Forward(Tensor x, FeatureCache cache)
    {
        using var scope = torch.NewDisposeScope();
        var slot = cache.Claim();
        var keep = LastFrames(x, cache.Frames(slot));
        var y = Forward(x, cache.Frames(slot));
        cache.Store(slot, keep);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="Forward(Tensor, FeatureCache)"/> with the input written straight into the causal buffer instead of
    /// concatenated behind the cached frames: <paramref name="fill"/> gets frames [past, past + T) of a new
    /// [B, Cin, past + T, H, W] buffer, whose first frames already hold the zeros and the cached frames, and writes
    /// the convolution's input there (a fused norm does). Same frames, same cache updates; without
    /// <paramref name="withBias"/> the bias is left to the caller's next kernel.
    /// </summary>
    /// <param name="channelsLast">Lay the buffer out channels-last (the input's layout: the fused norm writes either),
    /// which cuDNN convolves without converting, and which the output then has too.</param>
    public Tensor ForwardFilled(long[] inputShape, ScalarType dtype, Device device, Action<Tensor> fill, FeatureCache cache, bool withBias = true,
        bool channelsLast = false)
    {
        using var scope = torch.NewDisposeScope();
        var slot = cache.Claim();
        var prev = cache.Frames(slot);
        var (t, past) = (inputShape[2], _pastFrames);
        long[] shape = [inputShape[0], inputShape[1], past + t, inputShape[3], inputShape[4]];
        var buffer = channelsLast ? ChannelsLast.Empty(shape, dtype, device) : torch.empty(shape, dtype, device);
        var cached = prev is null ? 0 : Math.Min(prev.shape[2], past);
        if (past > cached) buffer.narrow(2, 0, past - cached).zero_();
        if (cached > 0) buffer.narrow(2, past - cached, cached).copy_(prev!.narrow(2, prev.shape[2] - cached, cached));
        var x = buffer.narrow(2, past, t);
        fill(x);
        var keep = LastFrames(x, prev);
        var y = F.conv3d(buffer, Weight.T, withBias ? Bias.T : null, _stride, _spatialPadding);
        cache.Store(slot, keep);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>SiLU(<paramref name="norm"/>(x + inputBias)) as this convolution's cached input, written by the fused
    /// norm straight into the causal buffer (<see cref="ForwardFilled"/>): the residual blocks' and the decoder head's
    /// norm-then-convolution on bf16 CUDA tensors.</summary>
    public Tensor ForwardNormed(RmsNorm norm, Tensor x, FeatureCache cache, Tensor? inputBias = null, bool withBias = true) =>
        ForwardFilled(x.shape, x.dtype, x.device, into => norm.ForwardInto(x, into, silu: true, inputBias), cache, withBias,
            channelsLast: ChannelsLast.Is(x));

    /// <summary>x[:, :, -CACHE_T:].clone(), prefixed with prev[:, :, -1] when x has fewer than CACHE_T frames.</summary>
    internal static Tensor LastFrames(Tensor x, Tensor? prev)
    {
        var t = x.shape[2];
        var n = Math.Min(t, FeatureCache.CacheT);
        var last = x.narrow(2, t - n, n);
        if (n < FeatureCache.CacheT && prev is not null)
            return torch.cat([prev.narrow(2, prev.shape[2] - 1, 1).to(x.device), last], 2);
        return last.clone();
    }
}
