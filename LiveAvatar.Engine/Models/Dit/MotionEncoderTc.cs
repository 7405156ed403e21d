using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>MotionEncoder_tc: causal 1-D conv stacks (stride 4 overall) giving per step `heads` local tokens plus a
/// learned padding token, and one global token through the shared conv2/conv3 and final_linear.</summary>
public sealed class MotionEncoderTc : Module
{
    private readonly int _heads;
    private readonly long _hidden;
    public CausalConv1d Conv1Local { get; }
    public CausalConv1d Conv1Global { get; }
    public CausalConv1d Conv2 { get; }
    public CausalConv1d Conv3 { get; }
    public Linear FinalLinear { get; }
    public Parameter PaddingTokens { get; }

    public MotionEncoderTc(long inDim, long hidden, int heads)
    {
        _heads = heads;
        _hidden = hidden;
        Conv1Local = Child("conv1_local", new CausalConv1d(inDim, hidden / 4 * heads, 3, 1));
        Conv1Global = Child("conv1_global", new CausalConv1d(inDim, hidden / 4, 3, 1));
        Conv2 = Child("conv2", new CausalConv1d(hidden / 4, hidden / 2, 3, 2));
        Conv3 = Child("conv3", new CausalConv1d(hidden / 2, hidden, 3, 2));
        FinalLinear = Child("final_linear", new Linear(hidden, hidden));
        PaddingTokens = Param("padding_tokens", 1, 1, 1, hidden);
    }

    // x [B, T, A] → global [B, T', 1, C], local [B, T', heads+1, C]
    public (Tensor Global, Tensor Local) Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var b = x.shape[0];
        var xc = x.transpose(1, 2); // [B, A, T]

        // 'b (n c) t -> (b n) t c': channels split group-major into the local tokens
        var loc = Conv1Local.Forward(xc);
        var t = loc.shape[2];
        loc = loc.view(b, _heads, _hidden / 4, t).permute(0, 1, 3, 2).reshape(b * _heads, t, _hidden / 4);
        loc = Tail(NormAct(loc));
        var t3 = loc.shape[1];
        loc = loc.view(b, _heads, t3, _hidden).permute(0, 2, 1, 3);
        var local = torch.cat([loc, PaddingTokens.T.expand(b, t3, 1, _hidden)], 2);

        var glob = NormAct(Conv1Global.Forward(xc).transpose(1, 2));
        glob = FinalLinear.Forward(Tail(glob)).view(b, t3, 1, _hidden);
        scope.MoveToOuter(glob, local);
        return (glob, local);
    }

    // [B', T, c] → conv2 → LN → SiLU → conv3 → LN → SiLU → [B', T', C]
    private Tensor Tail(Tensor x)
    {
        x = NormAct(Conv2.Forward(x.transpose(1, 2)).transpose(1, 2));
        return NormAct(Conv3.Forward(x.transpose(1, 2)).transpose(1, 2));
    }

    private static Tensor NormAct(Tensor x) => F.layer_norm(x, [x.shape[^1]], null, null, 1e-6).silu();
}
