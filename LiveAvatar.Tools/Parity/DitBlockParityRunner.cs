using System.Text.Json;
using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Sampling;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Parity;

/// <summary>
/// dit_block: sink prefill, then each recorded streaming call (block × step, one KV ring per step, the recorded
/// Rolling-RoPE offsets) with the Euler step, run twice: pure fp32 against fp32norm3/* and with the official bf16
/// cast of norm3's input against asrun/* (velocities, x_out, clean latents, caches, RoPE tables, intermediates).
/// </summary>
public sealed class DitBlockParityRunner : IParityRunner
{
    public string Fixture => "dit_block";

    public IEnumerable<ParityCheck> Run(GoldenFolder folder, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var cfg = folder.Config;
        using var model = new CausalWanModelS2V(DitConfig.FromJson(cfg));
        LoadWeights(model, folder, device);
        var checks = new List<ParityCheck>();
        var schedule = FlowMatchSchedule.Create(cfg.GetProperty("num_steps").GetInt32());
        checks.Add(ParityCheck.Compare("schedule/timesteps", folder.Load("input/timesteps"), torch.tensor(schedule.Timesteps.ToArray()), Tolerance.Exact));
        checks.Add(ParityCheck.Compare("schedule/sigmas", folder.Load("input/sigmas"), torch.tensor(schedule.Sigmas.ToArray()), Tolerance.Exact));
        var fp32Tol = Tolerance.Parse(folder.ToleranceText("fp32norm3/*")) ?? Tolerance.Scaled(2e-5);
        var asrunTol = Tolerance.Parse(folder.ToleranceText("asrun velocity / x_out / clean_latents")) ?? new Tolerance(5e-3, 0, 1e-4);
        checks.AddRange(RunVariant(model, folder, device, schedule, "fp32norm3", new DitRunOptions(Norm3Bf16: false), fp32Tol));
        checks.AddRange(RunVariant(model, folder, device, schedule, "asrun", new DitRunOptions(Norm3Bf16: true), asrunTol));
        return checks;
    }

    private static IEnumerable<ParityCheck> RunVariant(CausalWanModelS2V model, GoldenFolder folder, Device device,
        FlowMatchSchedule schedule, string variant, DitRunOptions baseOptions, Tolerance tol)
    {
        using var scope = torch.NewDisposeScope();
        var cfg = folder.Config;
        var checks = new List<ParityCheck>();
        var motionFrames = cfg.GetProperty("motion_frames").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var nfpb = cfg.GetProperty("num_frames_per_block").GetInt32();
        var ringFrames = cfg.GetProperty("kv_ring_frames").GetInt32();
        var noise = folder.Load("input/noise", device);
        var refLatent = folder.Load("input/ref_latents", device).squeeze(0);
        var motion = folder.Load("input/motion_latents", device).squeeze(0);
        var context = folder.Load("input/context", device);
        var audio = folder.Load("input/audio_input", device);
        int h = (int)noise.shape[2], w = (int)noise.shape[3];
        var options = baseOptions with { AudioPrependFrames = motionFrames[0], AudioDropSteps = motionFrames[1] };

        using var cond = model.NewCondCache(h, w, device, ScalarType.Float32);
        var captured = new Dictionary<string, Tensor>();
        using (model.AddProbeHook(Capture(folder, captured, n => variant != "asrun" || n.EndsWith(".e0", StringComparison.Ordinal) ? null : $"prefill/int/{n}")))
            model.Prefill(new DitSinkInput(refLatent, motion, context), cond, options);
        for (var l = 0; l < model.Config.NumLayers; l++)
        {
            Add(checks, folder, $"prefill/cond_k.layer{l}", cond.K(l).narrow(1, 0, cond.End), tol, variant);
            Add(checks, folder, $"prefill/cond_v.layer{l}", cond.V(l).narrow(1, 0, cond.End), tol, variant);
        }
        checks.AddRange(Drain(folder, captured, tol));

        var steps = schedule.Steps;
        // Rings with the sink tail the generator gives them, so that once a ring is full its in-place attention is
        // what the reference checks.
        var rings = Enumerable.Range(0, steps).Select(_ => model.NewRingCache(h, w, ringFrames, device, ScalarType.Float32, sinkTail: true)).ToArray();
        try
        {
            var clean = new List<Tensor>();
            Tensor? x = null;
            foreach (var call in folder.Manifest.GetProperty("calls").EnumerateArray())
            {
                var name = call.GetProperty("name").GetString()!;
                int block = call.GetProperty("block").GetInt32(), step = call.GetProperty("step").GetInt32();
                var ring = rings[int.Parse(call.GetProperty("kv_cache_index").GetString()!, System.Globalization.CultureInfo.InvariantCulture) - 1];
                if (step == 0) x = noise.narrow(1, block * nfpb, nfpb);
                var input = new DitStreamInput(x!, schedule.Timesteps[step], context, audio.narrow(3, block * 4 * nfpb, 4 * nfpb),
                    call.GetProperty("current_start").GetInt32(), call.GetProperty("rolling_offset").GetInt32());
                var prefix = $"{variant}/{name}/";
                Tensor v;
                using (model.AddProbeHook(Capture(folder, captured, n => Map(prefix, n))))
                    v = model.Forward(input, ring, cond, options);
                checks.AddRange(Drain(folder, captured, tol));
                Add(checks, folder, prefix + "velocity", v, tol, variant);
                x = schedule.Step(x!, v, step);
                Add(checks, folder, prefix + "x_out", x, tol, variant);
                if (step == steps - 1) clean.Add(x);
            }
            Add(checks, folder, $"{variant}/clean_latents", torch.cat(clean, 1), tol, variant);
            for (var s = 0; s < steps; s++)
            {
                Add(checks, folder, $"{variant}/final_ring.step{s + 1}.layer0.k", rings[s].K(0).narrow(1, 0, rings[s].Length), tol, variant);
                Add(checks, folder, $"{variant}/final_ring.step{s + 1}.layer0.v", rings[s].V(0).narrow(1, 0, rings[s].Length), tol, variant);
            }
        }
        finally
        {
            foreach (var r in rings) r.Dispose();
        }
        return checks;
    }

    // probe names → golden keys of one call
    private static string? Map(string prefix, string n) => n switch
    {
        "blocks.0.self_attn.kv_written.k" => prefix + "kv_written.layer0.k",
        "blocks.0.self_attn.kv_written.v" => prefix + "kv_written.layer0.v",
        "rope/freqs" or "rope/freqs_cond" => prefix + n,
        _ => prefix + "int/" + n,
    };

    // Keeps a CPU copy of every probed tensor the golden folder records (the first write of a name wins).
    private static ProbeHook Capture(GoldenFolder folder, Dictionary<string, Tensor> into, Func<string, string?> key) =>
        (name, value) =>
        {
            var k = key(name);
            if (k is null || !folder.Has(k) || into.ContainsKey(k)) return;
            into[k] = value.to(ScalarType.Float32, torch.CPU, copy: true).DetachFromDisposeScope();
        };

    private static IEnumerable<ParityCheck> Drain(GoldenFolder folder, Dictionary<string, Tensor> captured, Tolerance tol)
    {
        var list = new List<ParityCheck>();
        foreach (var (k, t) in captured)
        {
            using (var s = torch.NewDisposeScope())
            {
                var exact = k.Contains("/rope/", StringComparison.Ordinal) || k.EndsWith(".freqs", StringComparison.Ordinal) || k.EndsWith("frame_packer.out1", StringComparison.Ordinal);
                var reference = folder.Load(k);
                list.Add(ParityCheck.Compare(k, reference, t.view(reference.shape), exact ? Tolerance.Exact : tol));
            }
            t.Dispose();
        }
        captured.Clear();
        return list;
    }

    // Adds a check when the golden folder records that key (prefill keys are shared by both variants: only as-run).
    private static void Add(List<ParityCheck> checks, GoldenFolder folder, string key, Tensor actual, Tolerance tol, string variant)
    {
        if (key.StartsWith("prefill/", StringComparison.Ordinal) && variant != "asrun") return;
        if (!folder.Has(key)) return;
        using var s = torch.NewDisposeScope();
        checks.Add(ParityCheck.Compare(key, folder.Load(key), actual, tol));
    }

    /// <summary>The fixtures split the state dict over several files (dit_cond even splits one module's tensors), so
    /// each parameter loads from the file the manifest names for it; every weight of the manifest must be used.</summary>
    internal static void LoadWeights(CausalWanModelS2V model, GoldenFolder folder, Device device)
    {
        var ours = model.NamedParameters().ToList();
        var problems = new List<string>();
        foreach (var (key, p) in ours)
        {
            if (!folder.Has(key)) { problems.Add("missing " + key); continue; }
            var t = folder.ReaderFor(key)[key];
            if (!t.Shape.SequenceEqual(p.Shape)) problems.Add($"{key}: file [{string.Join(", ", t.Shape)}], model [{string.Join(", ", p.Shape)}]");
        }
        var known = ours.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(folder.TensorNames.Where(n => IsWeight(folder, n) && !known.Contains(n)).Select(n => "unexpected " + n));
        if (problems.Count > 0) throw new InvalidOperationException($"{folder.Directory}: weights do not fit the model: {string.Join("; ", problems)}");
        foreach (var (key, p) in ours) p.Set(folder.ReaderFor(key)[key].ToTensor(device, ScalarType.Float32));
    }

    private static bool IsWeight(GoldenFolder folder, string name) =>
        folder.Manifest.GetProperty("tensors").GetProperty(name).TryGetProperty("role", out var r) && r.GetString() == "weight";
}
