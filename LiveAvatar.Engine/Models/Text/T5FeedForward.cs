using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>Gated GELU FFN: fc2(fc1(x) · gelu_tanh(gate(x))). The gate is nn.Sequential(Linear, GELU) in
/// t5.py, hence the key <c>gate.0.weight</c>.</summary>
public sealed class T5FeedForward : Module
{
    public ModuleList<Linear> Gate { get; }
    public Linear Fc1 { get; }
    public Linear Fc2 { get; }

    public T5FeedForward(long dim, long dimFfn)
    {
        Gate = Child("gate", new ModuleList<Linear>([new Linear(dim, dimFfn, bias: false)]));
        Fc1 = Child("fc1", new Linear(dim, dimFfn, bias: false));
        Fc2 = Child("fc2", new Linear(dimFfn, dim, bias: false));
    }

    public Tensor Forward(Tensor x)
    {
        // x [B, L, C] → [B, L, ffn] → [B, L, C]
        using var scope = torch.NewDisposeScope();
        var h = Fc1.Forward(x) * Gate[0].Forward(x).gelu(TorchSharp.Modules.GELU.Approximate.tanh);
        return scope.MoveToOuter(Fc2.Forward(h));
    }
}
