using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>How a checkpoint names a weight-normed conv's two factors.</summary>
public enum WeightNormKeys
{
    /// <summary><c>weight_g</c> / <c>weight_v</c> (torch.nn.utils.weight_norm; the released checkpoint).</summary>
    Legacy,

    /// <summary><c>parametrizations.weight.original0</c> / <c>original1</c> (torch.nn.utils.parametrizations.weight_norm).</summary>
    Parametrizations,
}

/// <summary>Conv1d under weight norm with dim=2: w = g · v / ‖v‖, the norm over every dim except the kernel tap,
/// so g is [1, 1, K].</summary>
public sealed class WeightNormConv1d : Module
{
    public Parameter WeightG { get; }
    public Parameter WeightV { get; }
    public Parameter Bias { get; }
    public long Padding { get; }
    public long Groups { get; }

    public WeightNormConv1d(long channels, long kernel, long padding, long groups, WeightNormKeys keys)
    {
        var (g, v) = keys == WeightNormKeys.Legacy
            ? ("weight_g", "weight_v")
            : ("parametrizations.weight.original0", "parametrizations.weight.original1");
        WeightG = Param(g, 1, 1, kernel);
        WeightV = Param(v, channels, channels / groups, kernel);
        Bias = Param("bias", channels);
        Padding = padding;
        Groups = groups;
    }

    /// <summary>The effective kernel [C, C/G, K].</summary>
    public Tensor Weight()
    {
        using var scope = torch.NewDisposeScope();
        var v = WeightV.T;
        return scope.MoveToOuter(WeightG.T * v / torch.linalg.vector_norm(v, 2, [0, 1], keepdim: true));
    }

    public Tensor Forward(Tensor x)
    {
        // x [B, C, T] → [B, C, T + 2·pad − K + 1]
        using var scope = torch.NewDisposeScope();
        return scope.MoveToOuter(F.conv1d(x, Weight(), Bias.T, 1, Padding, 1, Groups));
    }
}
