using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>
/// Spatial ×2 / ÷2 per frame, plus (3d modes) a temporal step. upsample: nearest-exact ×2 (computed in fp32) then
/// Conv2d C→C/2 3×3; upsample3d first runs time_conv C→2C (3,1,1) and interleaves the halves into 2T frames, except
/// on the very first chunk ("Rep"). downsample: ZeroPad2d(0,1,0,1) then Conv2d 3×3 stride 2; downsample3d then runs
/// time_conv (3,1,1) stride 2 over [previous chunk's last frame ‖ x], and only stores on the first chunk.
/// </summary>
public sealed class Resample : Module, IVaeLayer
{
    public ResampleMode Mode { get; }
    public VaeSequential? ResampleSeq { get; }
    public CausalConv3d? TimeConv { get; }

    public Resample(long dim, ResampleMode mode)
    {
        Mode = mode;
        switch (mode)
        {
            case ResampleMode.Upsample2d or ResampleMode.Upsample3d:
                ResampleSeq = Child("resample", new VaeSequential().Add(1, new Conv(dim, dim / 2, [3, 3], padding: [1, 1])));
                break;
            case ResampleMode.Downsample2d or ResampleMode.Downsample3d:
                ResampleSeq = Child("resample", new VaeSequential().Add(1, new Conv(dim, dim, [3, 3], stride: [2, 2])));
                break;
        }
        if (mode == ResampleMode.Upsample3d)
            TimeConv = Child("time_conv", new CausalConv3d(dim, dim * 2, [3, 1, 1], padding: [1, 0, 0]));
        else if (mode == ResampleMode.Downsample3d)
            TimeConv = Child("time_conv", new CausalConv3d(dim, dim, [3, 1, 1], stride: [2, 1, 1]));
    }

    /// <summary>x [B, C, T, H, W] → upsample [B, C/2, T or 2T, 2H, 2W]; downsample [B, C, T or ~T/2, H/2, W/2].
    /// upsample3d and downsample3d each use one cache slot.</summary>
    public Tensor Forward(Tensor x, FeatureCache? cache)
    {
        using var scope = DisposeScope.Enter();
        if (Mode == ResampleMode.Upsample3d && cache is not null) x = TemporalUpsample(x, cache);
        var t = x.Shape[2];
        var frames = VaeLayout.ToFrames(x);                                  // [B·T, C, H, W]
        var conv = ResampleSeq?.At<Conv>(1);
        switch (Mode)
        {
            case ResampleMode.Upsample2d or ResampleMode.Upsample3d:
                // nn.Upsample subclass: interpolates x.float(), casts back (bf16 has no nearest-exact kernel).
                var up = NN.Interpolate(frames.To(DType.Float32), [2.0, 2.0], InterpolationMode.NearestExact).To(x.DType);
                frames = conv!.Forward(up);
                break;
            case ResampleMode.Downsample2d or ResampleMode.Downsample3d:
                frames = conv!.Forward(NN.Pad(frames, [0, 1, 0, 1]));
                break;
        }
        x = VaeLayout.FromFrames(frames, t);
        if (Mode == ResampleMode.Downsample3d && cache is not null) x = TemporalDownsample(x, cache);
        return x.MoveToOuterScope();
    }

    private Tensor TemporalUpsample(Tensor x, FeatureCache cache)
    {
        var slot = cache.Claim();
        if (cache.IsEmpty(slot))
        {
            cache.MarkRep(slot);
            return x;
        }
        var (b, c, t, h, w) = (x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], x.Shape[4]);
        var rep = cache.IsRep(slot);
        var keep = CausalConv3d.LastFrames(x, cache.Frames(slot));
        if (keep.Shape[2] < FeatureCache.CacheT && rep)
            keep = Tensor.Cat([Tensor.Zeros(keep.Shape, keep.DType, keep.Device), keep], 2);
        var y = TimeConv!.Forward(x, rep ? null : cache.Frames(slot));       // [B, 2C, T, H, W]
        cache.Store(slot, keep);
        y = y.Reshape(b, 2, c, t, h, w);
        y = Tensor.Stack([y.Select(1, 0), y.Select(1, 1)], 3);               // [B, C, T, 2, H, W]
        return y.Reshape(b, c, t * 2, h, w);
    }

    private Tensor TemporalDownsample(Tensor x, FeatureCache cache)
    {
        var slot = cache.Claim();
        if (cache.IsEmpty(slot))
        {
            cache.Store(slot, x.Clone());
            return x;
        }
        var prev = cache.Frames(slot)!;
        var keep = x.Narrow(2, x.Shape[2] - 1, 1).Clone();
        var y = TimeConv!.Forward(Tensor.Cat([prev.Narrow(2, prev.Shape[2] - 1, 1).To(x.Device), x], 2));
        cache.Store(slot, keep);
        return y;
    }
}
