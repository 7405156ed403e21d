using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

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
        using var scope = torch.NewDisposeScope();
        if (Mode == ResampleMode.Upsample3d && cache is not null) x = TemporalUpsample(x, cache);
        var t = x.shape[2];
        var frames = VaeLayout.ToFrames(x);                                  // [B·T, C, H, W]
        var conv = ResampleSeq?.At<Conv>(1);
        switch (Mode)
        {
            case ResampleMode.Upsample2d or ResampleMode.Upsample3d:
                // nn.Upsample(scale_factor=2, mode="nearest-exact"): at an integer factor of 2 each output pixel i reads
                // input floor((i + 0.5) / 2) = i / 2, so repeating every row and column is the same copy, bit for bit
                // in any dtype (TorchSharp's interpolate also makes libtorch warn about align_corners on every call).
                var up = ChannelsLast.Is(frames) ? RepeatPixelsChannelsLast(frames) : frames.repeat_interleave(2, -1).repeat_interleave(2, -2);
                frames = conv!.Forward(up);
                break;
            case ResampleMode.Downsample2d or ResampleMode.Downsample3d:
                frames = conv!.Forward(F.pad(frames, [0, 1, 0, 1]));
                break;
        }
        x = VaeLayout.FromFrames(frames, t);
        if (Mode == ResampleMode.Downsample3d && cache is not null) x = TemporalDownsample(x, cache);
        return x.MoveToOuterDisposeScope();
    }

    private Tensor TemporalUpsample(Tensor x, FeatureCache cache)
    {
        var slot = cache.Claim();
        if (cache.IsEmpty(slot))
        {
            cache.MarkRep(slot);
            return x;
        }
        var (b, c, t, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4]);
        var rep = cache.IsRep(slot);
        var keep = CausalConv3d.LastFrames(x, cache.Frames(slot));
        if (keep.shape[2] < FeatureCache.CacheT && rep)
            keep = torch.cat([torch.zeros(keep.shape, keep.dtype, keep.device), keep], 2);
        var y = TimeConv!.Forward(x, rep ? null : cache.Frames(slot));       // [B, 2C, T, H, W]
        cache.Store(slot, keep);
        if (ChannelsLast.Is(y)) return InterleaveChannelsLast(y, b, c, t, h, w);
        y = y.reshape(b, 2, c, t, h, w);
        y = torch.stack([y.select(1, 0), y.select(1, 1)], 3);               // [B, C, T, 2, H, W]
        return y.reshape(b, c, t * 2, h, w);
    }

    // The interleave above on channels-last data, which it keeps: output frame 2t + s is channels [s·C, (s+1)·C) of
    // input frame t. (The stack would make the usual layout, and every convolution of the next level would convert.)
    // y [B, 2C, T, H, W] channels-last → [B, C, 2T, H, W] channels-last
    private static Tensor InterleaveChannelsLast(Tensor y, long b, long c, long t, long h, long w) =>
        y.permute(0, 2, 3, 4, 1).view(b, t, h, w, 2, c)                     // [B, T, H, W, s, C]
            .permute(0, 1, 4, 2, 3, 5).reshape(b, t * 2, h, w, c)           // [B, 2T, H, W, C]
            .permute(0, 4, 1, 2, 3);

    // Nearest ×2 of channels-last frames, kept channels-last: each pixel's channel row repeated in a 2×2 block.
    // frames [N, C, H, W] channels-last → [N, C, 2H, 2W] channels-last
    private static Tensor RepeatPixelsChannelsLast(Tensor frames)
    {
        var (n, c, h, w) = (frames.shape[0], frames.shape[1], frames.shape[2], frames.shape[3]);
        return frames.permute(0, 2, 3, 1).unsqueeze(2).unsqueeze(4).expand(n, h, 2, w, 2, c)
            .reshape(n, h * 2, w * 2, c).permute(0, 3, 1, 2);
    }

    private Tensor TemporalDownsample(Tensor x, FeatureCache cache)
    {
        var slot = cache.Claim();
        if (cache.IsEmpty(slot))
        {
            cache.Store(slot, x.clone());
            return x;
        }
        var prev = cache.Frames(slot)!;
        var keep = x.narrow(2, x.shape[2] - 1, 1).clone();
        var y = TimeConv!.Forward(torch.cat([prev.narrow(2, prev.shape[2] - 1, 1).to(x.device), x], 2));
        cache.Store(slot, keep);
        return y;
    }
}
