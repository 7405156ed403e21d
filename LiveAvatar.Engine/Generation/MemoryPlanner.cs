using System.Globalization;
using LiveAvatar.Engine.Models.Dit;

namespace LiveAvatar.Engine.Generation;

/// <summary>The memory a job may use on its GPU: what the card has free plus what this process already holds there
/// (its loaded models and cached blocks, which a reload under another plan gives back).</summary>
public sealed record GpuMemory(string Device, long AvailableBytes, long TotalBytes)
{
    /// <summary>A GPU whose memory cannot be read (the native extension is not loaded).</summary>
    public static GpuMemory Unknown(string device) => new(device, -1, -1);

    public bool IsKnown => AvailableBytes >= 0;
}

/// <summary>Turns a <see cref="MemoryProfile"/> into a <see cref="MemoryPlan"/> for one job.</summary>
public static class MemoryPlanner
{
    private const double GiB = 1024.0 * 1024 * 1024;

    /// <summary>Auto takes the 80 GB profile from this much available memory: its measured peak is 76.4 GiB
    /// (block streaming at 704*384 on an H200, docs/benchmarks.md), so an 80 GB card (79.1 GiB) qualifies.</summary>
    public const double AutoGb80FromGiB = 77;

    /// <summary>Auto takes the 48 GB profile from this much: FP8 weights (15.5 GiB measured) plus the working ring and
    /// sink (11.7 GiB at 704*384) plus activations and the VAE.</summary>
    public const double AutoGb48FromGiB = 44;

    /// <summary>The 80 GB profile's peak: everything resident needs about 76 GiB with the DiT alone at 704*384 and
    /// more with the encoders and at larger sizes, which an 80 GB card (79.1 GiB) cannot hold; keeping the peak at
    /// 70 GiB leaves the card's own reserve and other processes room. KV rings beyond it go to host memory.</summary>
    public const double Gb80PeakGiB = 70;

    /// <summary>The 48 GB profile's peak with FP8 weights: a 48 GB card has 48 GiB, of which the CUDA context and
    /// the display take some. Its KV rings are 8-bit and stay on the GPU as far as this allows (all four at 704*384:
    /// 15.5 GiB of weights, 20.3 GiB of rings, the sink and activations), the rest in host memory.</summary>
    public const double Gb48PeakGiB = 46;

    /// <param name="requested">The request's profile.</param>
    /// <param name="gpu">The DiT's GPU, or null for a CPU run.</param>
    /// <param name="fp8Supported">Whether that GPU runs the FP8 matmul.</param>
    /// <param name="ditDevices">DiT devices of the job's device plan.</param>
    /// <param name="offloadKvCache">The request's --offload_kv_cache: every KV ring in host memory, in the compute
    /// dtype, whatever the profile picks (the smaller profiles' 8-bit rings included).</param>
    public static MemoryPlan Plan(MemoryProfile requested, GpuMemory? gpu, bool fp8Supported, int ditDevices, bool offloadKvCache = false)
    {
        var plan = PlanProfile(requested, gpu, fp8Supported, ditDevices);
        return offloadKvCache && gpu is not null && (!plan.KvOnHost || plan.KvRingFormat != KvRingFormat.Compute)
            ? plan with
            {
                KvOnHost = true, KvBudgetBytes = null, KvRingFormat = KvRingFormat.Compute,
                Summary = plan.Summary + " --offload_kv_cache: every KV ring in host memory instead, in the compute dtype.",
            }
            : plan;
    }

    private static MemoryPlan PlanProfile(MemoryProfile requested, GpuMemory? gpu, bool fp8Supported, int ditDevices)
    {
        if (gpu is null)
            return MemoryPlan.Resident(requested, "memory: a CPU run keeps everything in host memory (the profiles apply to GPUs).");
        if (ditDevices > 1)
            return MemoryPlan.Resident(MemoryProfile.Gb80, $"memory: the {ditDevices}-GPU pipeline keeps each stage's weights and caches resident.");
        var profile = requested == MemoryProfile.Auto ? Pick(gpu) : requested;
        var why = requested == MemoryProfile.Auto && !gpu.IsKnown
            ? $"memory profile auto picked 80 GB (the free memory of {gpu.Device} cannot be read without the native extension)"
            : requested == MemoryProfile.Auto
            ? $"memory profile auto picked {MemoryProfiles.Name(profile)} GB ({Gib(gpu.AvailableBytes)} GiB available of {Gib(gpu.TotalBytes)} GiB on {gpu.Device})"
            : $"memory profile {MemoryProfiles.Name(profile)} GB";
        var plan = profile switch
        {
            MemoryProfile.Gb80 => MemoryPlan.Resident(profile, why + $": weights resident, KV rings on the GPU as far as a {Gb80PeakGiB:0} GiB peak allows " +
                "(the rest in host memory).") with { KvBudgetBytes = (long)(Gb80PeakGiB * GiB) },
            MemoryProfile.Gb48 when fp8Supported => new MemoryPlan(profile, Fp8Weights: true, StreamDitWeights: false, KvOnHost: false,
                EncodersOnCpu: true, why + $": FP8 weights resident, 8-bit KV rings on the GPU as far as a {Gb48Budget(gpu) / GiB:0.#} GiB peak " +
                "allows (the rest in host memory), encoders on the CPU.")
                { KvBudgetBytes = Gb48Budget(gpu), KvRingFormat = KvRingFormat.Int8 },
            MemoryProfile.Gb48 => new MemoryPlan(profile, Fp8Weights: false, StreamDitWeights: true, KvOnHost: true, EncodersOnCpu: true,
                why + ": this GPU has no FP8, so the bf16 weights stream from host memory; 8-bit KV cache in host memory, encoders on the CPU.")
                { KvRingFormat = KvRingFormat.Int8 },
            _ => new MemoryPlan(profile, Fp8Weights: fp8Supported, StreamDitWeights: true, KvOnHost: true, EncodersOnCpu: true,
                why + $": {(fp8Supported ? "FP8" : "bf16 (no FP8 on this GPU)")} weights stream from host memory layer by layer, " +
                "8-bit KV cache in host memory (half the host memory and copies of bf16 rings), encoders on the CPU.")
                { KvRingFormat = KvRingFormat.Int8 },
        };
        return plan with { Gpu = gpu };
    }

    // The 48 GB profile's peak, or less when the GPU has less available (a card shared with a display).
    private static long Gb48Budget(GpuMemory gpu)
    {
        var peak = (long)(Gb48PeakGiB * GiB);
        return gpu.IsKnown ? Math.Min(peak, gpu.AvailableBytes - (long)(0.5 * GiB)) : peak;
    }

    /// <summary>The largest profile whose budget fits what the GPU has available.</summary>
    public static MemoryProfile Pick(GpuMemory gpu)
    {
        if (!gpu.IsKnown) return MemoryProfile.Gb80; // as the engine ran before profiles existed
        var available = gpu.AvailableBytes / GiB;
        return available >= AutoGb80FromGiB ? MemoryProfile.Gb80
            : available >= AutoGb48FromGiB ? MemoryProfile.Gb48
            : MemoryProfile.Gb24;
    }

    private static string Gib(long bytes) => (bytes / GiB).ToString("0.0", CultureInfo.InvariantCulture);
}
