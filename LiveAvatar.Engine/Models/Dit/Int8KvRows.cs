using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>
/// Keys and values stored as 8 bits (<see cref="KvRingFormat.Int8"/>): each head's vector of D values becomes D int8
/// codes and one float32 scale, its abs-max / 127, so an element is off by at most half a step (abs-max / 254).
/// Rows are decoded back into the compute dtype before attention. On CUDA with the extension one kernel each way
/// (<see cref="KvInt8Kernels"/>); elsewhere these PyTorch ops, which do the kernels' float32 operations in the same order.
/// </summary>
public static class Int8KvRows
{
    /// <summary>1 / 127 as the float32 both paths multiply the abs-max by.</summary>
    private const float Inverse127 = 1f / 127f;

    /// <summary>The smallest scale: an all-zero vector encodes as zero codes instead of dividing by zero.</summary>
    private const float MinScale = 1e-12f;

    /// <summary>Encodes <paramref name="values"/> [..., D] into <paramref name="codes"/> (int8, its sizes) and
    /// <paramref name="scales"/> (float32, its sizes without D); both may be slices of a ring.</summary>
    public static void Encode(Tensor values, Tensor codes, Tensor scales)
    {
        if (KvInt8Kernels.Applies(values) && codes.is_contiguous() && scales.is_contiguous())
        {
            KvInt8Kernels.Encode(values.contiguous(), codes, scales);
            return;
        }
        using var scope = torch.NewDisposeScope();
        var x = values.to(ScalarType.Float32);
        var scale = x.abs().amax([-1], keepdim: true).mul(Inverse127).clamp_min(MinScale);
        codes.copy_(x.div(scale).round().clamp(-127, 127).to(ScalarType.Int8));
        scales.copy_(scale.squeeze(-1));
    }

    /// <summary>Decodes <paramref name="codes"/> and <paramref name="scales"/> into <paramref name="output"/>
    /// (the codes' sizes, the compute dtype; may be a slice of attention's key or value buffer).</summary>
    public static void Decode(Tensor codes, Tensor scales, Tensor output)
    {
        if (KvInt8Kernels.Applies(output) && codes.is_contiguous() && scales.is_contiguous() && output.is_contiguous() && codes.shape[^1] % 8 == 0)
        {
            KvInt8Kernels.Decode(codes, scales, output);
            return;
        }
        using var scope = torch.NewDisposeScope();
        output.copy_(codes.to(ScalarType.Float32).mul(scales.unsqueeze(-1)));
    }
}
