using LiveAvatar.Engine.Models.Dit;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// Classifier-free guidance: branch 0 runs on the prompt, branch 1 (only when the scale is above 1) on the negative
/// prompt, each against its own sink and step rings; both branches of a step share the Rolling-RoPE offset and
/// the noisy latents.
/// </summary>
public sealed partial class SingleDeviceSampler
{
    private const int CondBranch = 0;
    private const int UncondBranch = 1;

    /// <summary>v = v_u + g·(v_c − v_u) in float32, whatever the dtype of the two velocities.</summary>
    // vCond, vUncond [C_out, F, H, W] → [C_out, F, H, W] float32
    internal static Tensor CombineGuidance(Tensor vCond, Tensor vUncond, double guideScale)
    {
        using var scope = torch.NewDisposeScope();
        var c = vCond.to(ScalarType.Float32);
        var u = vUncond.to(ScalarType.Float32);
        return (u + (c - u) * guideScale).MoveToOuterDisposeScope();
    }

    private static int BranchesFor(SamplerInputs inputs) => inputs.UsesGuidance ? 2 : 1;

    private static Tensor ContextOf(SamplerInputs inputs, int branch) =>
        branch == CondBranch ? inputs.Context : inputs.NegativeContext!;

    private static void ValidateGuidance(SamplerInputs inputs, long textDim)
    {
        if (double.IsNaN(inputs.GuideScale)) throw new ArgumentException("GuideScale is NaN");
        if (!inputs.UsesGuidance) return;
        if (inputs.NegativeContext is not { } negative)
            throw new ArgumentException($"GuideScale {inputs.GuideScale} (> 1) runs classifier-free guidance and needs NegativeContext (the encoded negative prompt)");
        if (negative.ndim != 2 || negative.shape[1] != textDim)
            throw new ArgumentException($"NegativeContext must be [L, {textDim}]; got [{string.Join(", ", negative.shape)}]");
    }

    // The step's velocity: the conditional forward alone, or both branches mixed by the guide scale.
    // → [C_out, F, H, W]
    private Tensor Velocity(RunState state, SamplerInputs inputs, DitRunOptions options, DitStreamInput input, int step, string name)
    {
        var vCond = BranchForward(state, options, input, CondBranch, step);
        if (!inputs.UsesGuidance) return vCond;
        var vUncond = BranchForward(state, options, input with { Context = ContextOf(inputs, UncondBranch) }, UncondBranch, step);
        if (Probe is { } probe)
        {
            probe($"{name}/velocity_cond", vCond);
            probe($"{name}/velocity_uncond", vUncond);
        }
        return CombineGuidance(vCond, vUncond, inputs.GuideScale);
    }

    private Tensor BranchForward(RunState state, DitRunOptions options, DitStreamInput input, int branch, int step)
    {
        var tokens = (int)input.Latents.shape[1] * state.Geometry.FrameSeqLen;
        return _dit.Forward(input, state.Caches.Acquire(branch, step, input.CurrentStart, tokens), state.Caches.Cond(branch), options);
    }
}
