using LiveAvatar.Tools.SelfChecks;
using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Tools.Bench;
using LiveAvatar.Tools.Demo;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Cli.Commands;

public static partial class BenchCommand
{
    /// <summary>`bench dit|vae|sampler`: full-size models with synthetic weights drawn on the device; `--tiny` uses
    /// the demo checkpoint's configs (for trying the command on a CPU).</summary>
    private static int RunModelBench(string kind, ArgReader a, TextWriter stdout)
    {
        var device = Devices.Parse(a.String("device") ?? (CudaDevices.IsAvailable ? "cuda:0" : "cpu"));
        var size = a.String("size") ?? "704*384";
        var tiny = a.Flag("tiny");
        // A 16:9 reference image, the shape the paper's 720x400 (704x384 in code) results use.
        var iw = a.Int("image_width", 1280, 16);
        var ih = a.Int("image_height", 720, 16);
        var iters = a.Int("iters", 5, 1);
        var clips = a.Int("clips", 3, 1);
        var layers = a.Int("layers", 0, 0);
        var online = a.Flag("online_decode");
        var a2Soak = a.Flag("memory");
        var fp8 = a.Flag("fp8");
        var kvRings = a.String("kv_rings") switch
        {
            null => (KvRingFormat?)null,
            "bf16" or "compute" => KvRingFormat.Compute,
            "int8" => KvRingFormat.Int8,
            var other => throw new ArgumentException($"--kv_rings {other}: expected bf16 or int8"),
        };
        var stages = a.Int("stages", 1, 1, 8);
        var vaeParallel = a.Flag("vae_parallel");
        var soakRuns = a.Int("soak", 0, 0, 1000);
        var originalLoop = a.String("loop") switch
        {
            null or "streaming" => false,
            "original" => true,
            var other => throw new ArgumentException($"--loop is 'streaming' (default) or 'original', not '{other}'"),
        };
        ScalarType? dtype = a.String("dtype") is { } dt ? DTypeNames.Parse(dt) : null;
        var liveBlocks = a.Int("blocks", 20, 1, 10_000);
        var profileText = a.String("memory_profile");
        var capGiB = a.Double("memory_cap", 0);
        var fp8Quant = a.String("fp8_quant");
        var recover = a.Flag("recover");
        var offloadKv = a.Flag("offload_kv_cache");
        var vaeLatents = a.Int("latents", 12, 1, 64);
        a.RejectUnknown();
        if (fp8Quant is not null)
            LiveAvatar.Engine.Models.Fp8.Fp8Quantisation.Mode = LiveAvatar.Engine.Models.Fp8.Fp8Quantisation.Parse(fp8Quant);
        if (recover && (kind != "sampler" || profileText is null || capGiB <= 0))
            throw new ArgumentException("--recover is for bench sampler with --memory_profile and --memory_cap");
        var memoryPlan = BenchMemory.Prepare(profileText, capGiB, device, stages, offloadKv);
        // --fp8 adds FP8 weights to whatever the plan keeps where (the request's --fp8 does the same in a job).
        if (fp8 && kind == "sampler")
        {
            var plan = memoryPlan ?? LiveAvatar.Engine.Generation.MemoryPlan.Resident(LiveAvatar.Engine.Generation.MemoryProfile.Gb80,
                "memory: weights and KV cache resident");
            memoryPlan = plan with { Fp8Weights = true, Summary = plan.Summary + " (--fp8: FP8 weights)" };
        }
        // --kv_rings overrides how the plan stores the rings it keeps on the GPU.
        if (kvRings is { } rings && kind == "sampler")
        {
            var plan = memoryPlan ?? LiveAvatar.Engine.Generation.MemoryPlan.Resident(LiveAvatar.Engine.Generation.MemoryProfile.Gb80,
                "memory: weights and KV cache resident");
            memoryPlan = plan with { KvRingFormat = rings, Summary = plan.Summary + $" (--kv_rings: {(rings == KvRingFormat.Int8 ? "8-bit" : "compute dtype")} rings on the GPU)" };
        }
        if (memoryPlan is not null) stdout.WriteLine(memoryPlan.Summary);
        var dit = tiny ? DemoCheckpoint.Dit(64) : DitConfig.Wan14B;
        if (layers > 0) dit = dit with { NumLayers = layers, AudioInjectLayers = dit.AudioInjectLayers.Where(l => l < layers).ToList() };
        var vae = tiny ? DemoCheckpoint.Vae : VaeConfig.Wan21;
        SamplerBenchResult Sampler(LiveAvatar.Engine.Generation.MemoryPlan? plan) =>
            SamplerBench.Run(dit, vae, size, iw, ih, device, clips, online, offloadKv, dtypeOverride: dtype, stages: stages,
                vaeParallel: vaeParallel, originalLoop: originalLoop, soakRuns: soakRuns, memoryPlan: plan);
        object result = kind switch
        {
            "dit" => DitBench.Run(dit, size, iw, ih, device, iters, dtypeOverride: dtype, fp8: fp8, kvRings: kvRings ?? KvRingFormat.Compute),
            "fp8" => string.Join(Environment.NewLine, new[] { (1024, 5120, 5120), (3001, 5120, 13824), (3001, 13824, 5120) }
                .Select(s => LiveAvatar.Tools.SelfChecks.Fp8SelfCheck.CompareLinearDetailed(device, s.Item1, s.Item2, s.Item3).ToString())),
            "vae" => VaeBench.Run(vae, size, iw, ih, device, iters, vaeLatents),
            "live" => LiveBench.Run(dit, vae, tiny ? DemoCheckpoint.Wav2Vec2 : LiveAvatar.Engine.Models.Audio.Wav2Vec2Config.LargeXlsr53,
                size, iw, ih, device, liveBlocks, memoryPlan),
            _ when recover => BenchRecovery.Run(memoryPlan!, capGiB, device, stages, Sampler, stdout),
            _ => Sampler(memoryPlan),
        };
        stdout.WriteLine(result.ToString());
        if (result is SamplerBenchResult sr && a2Soak) stdout.WriteLine(sr.MemoryReport(Math.Max(1, clips / 10)));
        if (result is SamplerBenchResult { Soak: { } soak }) foreach (var line in soak) stdout.WriteLine(line);
        return 0;
    }
}
