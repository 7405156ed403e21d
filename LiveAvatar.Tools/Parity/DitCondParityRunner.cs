using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Tools.Parity;

/// <summary>
/// dit_cond: the dit_block model with its other conditioning. Three runs (pose: cond_states = the pose latents;
/// nopose: zero pose; two_speakers: both audio tracks on the batch axis routed by the mask), each a sink prefill and
/// block 0 through the 4 Euler steps, in pure fp32 against fp32norm3/* and with the bf16 norm3 cast against asrun/*.
/// Also checks that two speakers without a mask are refused, as the original asserts.
/// </summary>
public sealed class DitCondParityRunner : IParityRunner
{
    public string Fixture => "dit_cond";

    private static readonly string[] Runs = ["pose", "nopose", "two_speakers"];

    public IEnumerable<ParityCheck> Run(GoldenFolder folder, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var cfg = folder.Config;
        using var model = new CausalWanModelS2V(DitConfig.FromJson(cfg));
        DitBlockParityRunner.LoadWeights(model, folder, device);
        var schedule = FlowMatchSchedule.Create((int)folder.Load("input/timesteps").shape[0]);
        var checks = new List<ParityCheck>
        {
            ParityCheck.Compare("schedule/timesteps", folder.Load("input/timesteps"), torch.tensor(schedule.Timesteps.ToArray()), Tolerance.Exact),
            ParityCheck.Compare("schedule/sigmas", folder.Load("input/sigmas"), torch.tensor(schedule.Sigmas.ToArray()), Tolerance.Exact),
        };
        var fp32Tol = Tolerance.Parse(folder.ToleranceText("fp32norm3")) ?? Tolerance.Scaled(2e-5);
        var asrunTol = Tolerance.Parse(folder.ToleranceText("asrun")) ?? new Tolerance(5e-3, 0, 1e-4);
        foreach (var run in Runs)
        {
            checks.AddRange(RunOne(model, folder, device, schedule, run, "fp32norm3", new DitRunOptions(Norm3Bf16: false), fp32Tol));
            checks.AddRange(RunOne(model, folder, device, schedule, run, "asrun", new DitRunOptions(Norm3Bf16: true), asrunTol));
        }
        checks.Add(TwoSpeakersWithoutMaskAreRefused(model, folder, device, schedule));
        return checks;
    }

    private static IEnumerable<ParityCheck> RunOne(CausalWanModelS2V model, GoldenFolder folder, Device device,
        FlowMatchSchedule schedule, string run, string mode, DitRunOptions baseOptions, Tolerance tol)
    {
        using var scope = torch.NewDisposeScope();
        var cfg = folder.Config;
        var motionFrames = cfg.GetProperty("motion_frames").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var ringFrames = cfg.GetProperty("kv_ring_frames").GetInt32();
        var rolling = cfg.GetProperty("rolling_rope_randint_sequence_per_run").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var options = baseOptions with { AudioPrependFrames = motionFrames[0], AudioDropSteps = motionFrames[1] };
        var (audio, pose, mask) = Inputs(folder, device, run);
        var noise = folder.Load("input/noise", device);
        var context = folder.Load("input/context", device);
        int h = (int)noise.shape[2], w = (int)noise.shape[3];

        using var cond = model.NewCondCache(h, w, device, ScalarType.Float32);
        model.Prefill(new DitSinkInput(folder.Load("input/ref_latents", device).squeeze(0), folder.Load("input/motion_latents", device).squeeze(0), context), cond, options);
        var checks = new List<ParityCheck>();
        var x = noise;
        for (var step = 0; step < schedule.Steps; step++)
        {
            using var ring = model.NewRingCache(h, w, ringFrames, device, ScalarType.Float32);
            var input = new DitStreamInput(x, schedule.Timesteps[step], context, audio, CurrentStart: 0,
                RollingOffset: rolling[step % rolling.Length], PoseLatents: pose, SpeakerMask: mask);
            var v = model.Forward(input, ring, cond, options);
            var prefix = $"{mode}/{run}/s{step}/";
            checks.Add(ParityCheck.Compare(prefix + "velocity", folder.Load(prefix + "velocity"), v, tol));
            x = schedule.Step(x, v, step);
            checks.Add(ParityCheck.Compare(prefix + "x_out", folder.Load(prefix + "x_out"), x, tol));
        }
        checks.Add(ParityCheck.Compare($"{mode}/{run}/clean_latents", folder.Load($"{mode}/{run}/clean_latents"), x, tol));
        return checks;
    }

    // The runs' inputs: audio [A, layers, Ca, 12], pose [C, 3, H, W] or none, mask [A, 12, Hp, Wp, 1] or none.
    private static (Tensor Audio, Tensor? Pose, Tensor? Mask) Inputs(GoldenFolder folder, Device device, string run) => run switch
    {
        "pose" => (folder.Load("input/audio_a", device), folder.Load("input/pose_latents", device).squeeze(0), null),
        "nopose" => (folder.Load("input/audio_a", device), null, null),
        "two_speakers" => (torch.cat([folder.Load("input/audio_a", device), folder.Load("input/audio_b", device)], 0), null,
            folder.Load("input/routing_mask", device)),
        _ => throw new ArgumentOutOfRangeException(nameof(run), run, "unknown dit_cond run"),
    };

    private static ParityCheck TwoSpeakersWithoutMaskAreRefused(CausalWanModelS2V model, GoldenFolder folder, Device device, FlowMatchSchedule schedule)
    {
        using var scope = torch.NewDisposeScope();
        var (audio, _, _) = Inputs(folder, device, "two_speakers");
        var noise = folder.Load("input/noise", device);
        var context = folder.Load("input/context", device);
        int h = (int)noise.shape[2], w = (int)noise.shape[3];
        using var cond = model.NewCondCache(h, w, device, ScalarType.Float32);
        using var ring = model.NewRingCache(h, w, 12, device, ScalarType.Float32);
        var refused = 0;
        try
        {
            model.Forward(new DitStreamInput(noise, schedule.Timesteps[0], context, audio, 0, 12), ring, cond);
        }
        catch (ArgumentException e) when (e.Message.Contains("no speaker mask", StringComparison.Ordinal))
        {
            refused = 1;
        }
        // A count check: 0 mismatches when the call was refused.
        return new ParityCheck("two speakers without a mask are refused", 1 - refused, 1 - refused, 0, Tolerance.Exact);
    }
}
