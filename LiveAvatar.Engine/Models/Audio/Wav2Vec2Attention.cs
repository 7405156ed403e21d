using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>Multi-head self-attention with biased projections and 1/√D scaling, unmasked (one unpadded clip).</summary>
public sealed class Wav2Vec2Attention : Module
{
    public long NumHeads { get; }
    public Linear KProj { get; }
    public Linear VProj { get; }
    public Linear QProj { get; }
    public Linear OutProj { get; }

    public Wav2Vec2Attention(long dim, long numHeads)
    {
        NumHeads = numHeads;
        KProj = Child("k_proj", new Linear(dim, dim));
        VProj = Child("v_proj", new Linear(dim, dim));
        QProj = Child("q_proj", new Linear(dim, dim));
        OutProj = Child("out_proj", new Linear(dim, dim));
    }

    public Tensor Forward(Tensor x)
    {
        // x [B, T, C] → q/k/v [B, N, T, D] → [B, T, C]
        using var scope = torch.NewDisposeScope();
        var (b, t, c) = (x.shape[0], x.shape[1], x.shape[2]);
        Tensor Heads(Linear proj) => proj.Forward(x).view(b, t, NumHeads, c / NumHeads).transpose(1, 2);
        var y = F.scaled_dot_product_attention(Heads(QProj), Heads(KProj), Heads(VProj));
        return scope.MoveToOuter(OutProj.Forward(y.transpose(1, 2).reshape(b, t, c)));
    }
}
