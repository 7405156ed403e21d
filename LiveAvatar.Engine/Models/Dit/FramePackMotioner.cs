using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>
/// FramePackMotioner: the last Σbuckets (19) motion latents, right-aligned into a zero buffer and split oldest→newest
/// 16 | 2 | 1, are patchified at 4×, 2× and 1× and concatenated [1×, 2×, 4×]. Their RoPE positions are fixed
/// negative frames (−1; −3; −19…−4) with spatial positions spread over the full grid.
/// </summary>
public sealed class FramePackMotioner : Module
{
    private readonly int[] _buckets;
    public Conv Proj { get; }
    public Conv Proj2x { get; }
    public Conv Proj4x { get; }

    public FramePackMotioner(DitConfig c)
    {
        _buckets = [.. c.ZipFrameBuckets];
        Proj = Child("proj", new Conv(c.InDim, c.Dim, [1, 2, 2], [1, 2, 2]));
        Proj2x = Child("proj_2x", new Conv(c.InDim, c.Dim, [2, 4, 4], [2, 4, 4]));
        Proj4x = Child("proj_4x", new Conv(c.InDim, c.Dim, [4, 8, 8], [4, 8, 8]));
    }

    // motion [C_in, Tm, H, W] → tokens [1, Lm, C]
    public Tensor Forward(Tensor motion)
    {
        using var scope = torch.NewDisposeScope();
        var total = _buckets.Sum();
        long cin = motion.shape[0], tm = motion.shape[1], h = motion.shape[2], w = motion.shape[3];
        var buffer = torch.zeros([cin, total, h, w], motion.dtype, motion.device);
        var overlap = Math.Min(total, tm);
        if (overlap > 0) buffer.narrow(1, total - overlap, overlap).copy_(motion.narrow(1, tm - overlap, overlap));
        var parts = buffer.unsqueeze(0).split([_buckets[2], _buckets[1], _buckets[0]], 2);
        Tensor Tokens(Conv conv, Tensor x) => conv.Forward(x).flatten(2).transpose(1, 2);
        var tokens = torch.cat([Tokens(Proj, parts[2]), Tokens(Proj2x, parts[1]), Tokens(Proj4x, parts[0])], 1);
        return tokens.MoveToOuterDisposeScope();
    }

    /// <summary>RoPE grids of the motion tokens for a latent size, in token order.</summary>
    public IReadOnlyList<RopeGrid> RopeGrids(int latentH, int latentW)
    {
        var grids = new List<RopeGrid>();
        int hp = latentH / 2, wp = latentW / 2;
        (int Div, int Frames)[] scales = [(2, _buckets[0]), (4, _buckets[1]), (8, _buckets[2])];
        var before = 0;
        for (var i = 0; i < scales.Length; i++)
        {
            var (div, frames) = scales[i];
            before += frames;
            var fo = -before;                         // start temporal id
            var seqF = frames / (1 << i);             // temporal tokens: 1×: 1, 2×: 2/2, 4×: 16/4
            var t = RopeGrid.Linspace(-fo, -frames - fo + 1, seqF).Select(p => -p).ToArray();
            var hs = RopeGrid.Linspace(0, hp - 1, latentH / div);
            var ws = RopeGrid.Linspace(0, wp - 1, latentW / div);
            grids.Add(new RopeGrid(t, hs, ws));
        }
        return grids;
    }
}
