using LiveAvatar.Engine.Media;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// The original's two-speaker mask preparation (generate's '+' branch with process_masks_to_routing_logits):
/// each full-picture mask is resized bilinearly (trilinear over a single frame, align_corners=False) to the patch
/// grid H/16 × W/16, thresholded at 0.5, a later speaker taking the cells both claim; each speaker's region is then
/// dilated by 10% of its box (dilate_mask_by_ratio) and kept only where no other speaker is present.
/// </summary>
internal static class SpeakerRouting
{
    public const double DilationRatio = 0.1;

    // masks (picture size) → [S, infer_frames/4, H/16, W/16, 1] float32 0/1 on the CPU
    public static Tensor Build(IReadOnlyList<SpeakerMaskImage> masks, int pictureWidth, int pictureHeight, int height, int width, int inferFrames)
    {
        Validate(masks, pictureWidth, pictureHeight);
        using var scope = torch.NewDisposeScope();
        int hp = height / 16, wp = width / 16, frames = inferFrames / 4, s = masks.Count;
        var index = torch.full([hp, wp], -1L, ScalarType.Int64);
        for (var a = 0; a < s; a++)
        {
            var m = torch.tensor(masks[a].Bits, [1, 1, masks[a].Height, masks[a].Width]).to(ScalarType.Float32);
            var resized = F.interpolate(m, size: [hp, wp], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(0).squeeze(0);
            var claimed = resized > 0.5;
            if (!claimed.any().ToBoolean())
                throw new ArgumentException($"speaker mask {a + 1} ('{masks[a].Path}') covers no cell of the model's {wp}×{hp} grid: mark a larger area for that speaker.");
            index = torch.where(claimed, torch.tensor((long)a), index);
        }
        var routed = new List<Tensor>(s);
        for (var a = 0; a < s; a++)
        {
            var own = index.eq(a).to(ScalarType.Float32);
            if (!own.any().ToBoolean())
                throw new ArgumentException($"speaker mask {a + 1} ('{masks[a].Path}') lies entirely under speaker {a + 2}'s mask: the two masks must mark different people.");
            routed.Add(Dilate(own));
        }
        var dilated = torch.stack(routed) > 0.5;                                  // [S, Hp, Wp]
        var others = dilated.sum(0, keepdim: true, type: ScalarType.Int64) - dilated.to(ScalarType.Int64) > 0;
        var exclusive = others.logical_not().to(ScalarType.Float32);              // kept only where no other speaker is
        return exclusive.unsqueeze(1).unsqueeze(-1).expand(s, frames, hp, wp, 1).contiguous().MoveToOuterDisposeScope();
    }

    private static void Validate(IReadOnlyList<SpeakerMaskImage> masks, int pictureWidth, int pictureHeight)
    {
        if (masks.Count < 2) throw new ArgumentException($"{masks.Count} speaker mask given; two speakers need one mask each.");
        foreach (var m in masks)
        {
            if (m.Width != pictureWidth || m.Height != pictureHeight)
                throw new ArgumentException($"speaker mask '{m.Path}' is {m.Width}×{m.Height} but the reference picture is {pictureWidth}×{pictureHeight}: draw the masks at the picture's size.");
            if (!m.Bits.Any(b => b != 0))
                throw new ArgumentException($"speaker mask '{m.Path}' is empty (all black): mark where that speaker is in white.");
        }
    }

    // dilate_mask_by_ratio on one 0/1 map [Hp, Wp]: max-pool with radius max(1, ceil-ish(ratio · longest box side))
    private static Tensor Dilate(Tensor mask)
    {
        var nz = mask.nonzero();
        long boxH = nz.select(1, 0).max().ToInt64() - nz.select(1, 0).min().ToInt64() + 1;
        long boxW = nz.select(1, 1).max().ToInt64() - nz.select(1, 1).min().ToInt64() + 1;
        var radius = Math.Max(1, (int)(DilationRatio * Math.Max(boxH, boxW) + 0.9999));
        var pooled = F.max_pool2d(mask.unsqueeze(0).unsqueeze(0), [2 * radius + 1, 2 * radius + 1], [1, 1], [radius, radius]);
        return (pooled.squeeze(0).squeeze(0) > 0).to(ScalarType.Float32);
    }
}
