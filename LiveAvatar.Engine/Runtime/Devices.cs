using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Runtime;

/// <summary>Device names as users type them, and device identity (TorchSharp's Device has reference equality).</summary>
public static class Devices
{
    public static Device Cuda(int index = 0) => new(DeviceType.CUDA, index);

    /// <summary>cpu, meta, cuda or cuda:N; anything else is an error naming the accepted forms.</summary>
    public static Device Parse(string s)
    {
        var t = s.Trim().ToLowerInvariant();
        if (t == "cpu") return CPU;
        if (t == "meta") return META;
        if (t == "cuda") return Cuda(0);
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t.AsSpan(5), out var i) && i >= 0) return Cuda(i);
        throw new FormatException($"unknown device '{s}' (expected cpu, meta, cuda or cuda:N)");
    }

    public static bool Same(Device a, Device b) => a.type == b.type && (a.type != DeviceType.CUDA || Index(a) == Index(b));

    /// <summary>The CUDA ordinal, with "cuda" (index -1) meaning device 0.</summary>
    public static int Index(Device d) => Math.Max(d.index, 0);

    public static string Name(Device d) => d.type switch
    {
        DeviceType.CPU => "cpu",
        DeviceType.META => "meta",
        DeviceType.CUDA => $"cuda:{Index(d)}",
        _ => d.ToString(),
    };
}
