namespace LiveAvatar.Engine.Tensors;

public enum DeviceType { Cpu = 0, Cuda = 1, Meta = 2 }

/// <summary>Where a tensor lives: cpu, cuda:N or meta (shapes only, no memory).</summary>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    public static readonly Device Cpu = new(DeviceType.Cpu);
    public static readonly Device Meta = new(DeviceType.Meta);
    public static Device Cuda(int index = 0) => new(DeviceType.Cuda, index);

    public bool IsCuda => Type == DeviceType.Cuda;

    public override string ToString() => Type switch
    {
        DeviceType.Cpu => "cpu",
        DeviceType.Meta => "meta",
        _ => $"cuda:{Index}",
    };

    public static Device Parse(string s)
    {
        var t = s.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "meta") return Meta;
        if (t == "cuda") return Cuda(0);
        if (t.StartsWith("cuda:") && int.TryParse(t.AsSpan(5), out var i) && i >= 0) return Cuda(i);
        throw new FormatException($"unknown device '{s}' (expected cpu, meta, cuda or cuda:N)");
    }
}
