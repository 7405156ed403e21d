using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>The original save_video conversion (make_grid normalize with value_range (−1, 1), then ·255 and a
/// truncating uint8 cast): trunc(((clamp(x, −1, 1) + 1) / 2) · 255), in float32.</summary>
public static class SaveVideoConversion
{
    /// <summary>video [3, T, H, W] float → [T, H, W, 3] uint8 on the CPU.</summary>
    public static Tensor ToUint8Tensor(Tensor video)
    {
        if (video.ndim != 4 || video.shape[0] != 3)
            throw new ArgumentException($"video must be [3, T, H, W]; got {Shapes.Describe(video.shape)}", nameof(video));
        using var scope = torch.NewDisposeScope();
        var x = video.to(ScalarType.Float32, torch.CPU).clamp(-1, 1);
        var scaled = (x + 1) / 2 * 255;
        return scaled.permute(1, 2, 3, 0).contiguous().to(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    /// <summary>video [3, T, H, W] float → one RGB byte array (H·W·3, row-major HWC) per frame.</summary>
    public static IReadOnlyList<byte[]> ToUint8(Tensor video)
    {
        using var frames = ToUint8Tensor(video);
        var all = HostArrays.Bytes(frames);
        var t = (int)frames.shape[0];
        var size = all.Length / Math.Max(t, 1);
        var result = new byte[t][];
        for (var i = 0; i < t; i++) result[i] = all.AsSpan(i * size, size).ToArray();
        return result;
    }
}
