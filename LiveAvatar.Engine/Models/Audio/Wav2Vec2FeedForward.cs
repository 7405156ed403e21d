using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>The layer MLP: intermediate_dense, GELU, output_dense.</summary>
public sealed class Wav2Vec2FeedForward : Module
{
    public Linear IntermediateDense { get; }
    public Linear OutputDense { get; }

    public Wav2Vec2FeedForward(long dim, long intermediate)
    {
        IntermediateDense = Child("intermediate_dense", new Linear(dim, intermediate));
        OutputDense = Child("output_dense", new Linear(intermediate, dim));
    }

    public Tensor Forward(Tensor x)
    {
        // x [B, T, C] → [B, T, ffn] → [B, T, C]
        using var scope = torch.NewDisposeScope();
        return scope.MoveToOuter(OutputDense.Forward(IntermediateDense.Forward(x).gelu()));
    }
}
