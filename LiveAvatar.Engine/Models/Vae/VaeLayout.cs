using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>The einops rearranges between video and per-frame image layouts.</summary>
internal static class VaeLayout
{
    /// <summary>'b c t h w -> (b t) c h w'.</summary>
    public static Tensor ToFrames(Tensor x)
    {
        var s = x.shape;
        return x.permute(0, 2, 1, 3, 4).reshape(s[0] * s[2], s[1], s[3], s[4]);
    }

    /// <summary>'(b t) c h w -> b c t h w'.</summary>
    public static Tensor FromFrames(Tensor x, long t)
    {
        var s = x.shape;
        return x.reshape(s[0] / t, t, s[1], s[2], s[3]).permute(0, 2, 1, 3, 4);
    }
}
