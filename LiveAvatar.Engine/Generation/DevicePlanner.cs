using System.Globalization;

namespace LiveAvatar.Engine.Generation;

/// <summary>
/// How jobs spread over devices (spec §5.8): one device runs everything; with VAE parallel the last GPU decodes
/// and the others run the DiT, stage i running denoising step i, so there are never more DiT stages than steps.
/// </summary>
public static class DevicePlanner
{
    /// <summary>VAE parallel needs a GPU for the DiT and another for the decoder.</summary>
    public const int MinGpusForVaeParallel = 2;

    public static IReadOnlyList<string> Gpus(IReadOnlyList<string> devices) =>
        devices.Where(d => d.StartsWith("cuda", StringComparison.OrdinalIgnoreCase)).ToList();

    public static bool CanRunVaeParallel(int gpus) => gpus >= MinGpusForVaeParallel;

    /// <summary>The plan for the devices a generator reports: the first GPU (or the first device) alone, or with VAE
    /// parallel as many DiT GPUs as steps allow plus the last GPU for decoding.</summary>
    public static DevicePlan Plan(IReadOnlyList<string> devices, bool vaeParallel, int sampleSteps)
    {
        var gpus = Gpus(devices);
        if (gpus.Count == 0) return DevicePlan.Single(devices.FirstOrDefault() ?? "cpu");
        if (vaeParallel && CanRunVaeParallel(gpus.Count))
            return new DevicePlan(gpus.Take(Math.Clamp(gpus.Count - 1, 1, Math.Max(1, sampleSteps))).ToList(), gpus[^1]);
        return DevicePlan.Single(gpus[0]);
    }

    /// <summary>The plan the original's launch flags describe: <paramref name="ditDevices"/> GPUs cuda:0.. for the
    /// DiT and, with VAE parallel, the next one for decoding; a single device otherwise.</summary>
    public static DevicePlan FromCounts(int ditDevices, bool vaeParallel, string? singleDevice, int cudaDevices)
    {
        if (ditDevices <= 1 && !vaeParallel) return DevicePlan.Single(singleDevice ?? (cudaDevices > 0 ? "cuda:0" : "cpu"));
        var dit = Math.Max(1, ditDevices);
        return new DevicePlan(Enumerable.Range(0, dit).Select(i => $"cuda:{i}").ToList(), vaeParallel ? $"cuda:{dit}" : null);
    }

    /// <summary>cpu, meta, cuda or cuda:N, case-insensitive; the CUDA index, or -1 for the CPU and meta devices.</summary>
    public static bool TryParse(string? name, out string kind, out int cudaIndex)
    {
        var t = (name ?? "").Trim().ToLowerInvariant();
        (kind, cudaIndex) = ("", -1);
        if (t is "cpu" or "meta") { kind = t; return true; }
        if (t == "cuda") { (kind, cudaIndex) = ("cuda", 0); return true; }
        if (t.StartsWith("cuda:", StringComparison.Ordinal) &&
            int.TryParse(t.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var i))
        {
            (kind, cudaIndex) = ("cuda", i);
            return true;
        }
        return false;
    }
}
