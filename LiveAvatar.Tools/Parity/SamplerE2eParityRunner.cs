using System.Globalization;
using System.Text.RegularExpressions;
using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Pipelines.Core;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Parity;

/// <summary>
/// sampler_e2e: the whole single-GPU generate loop on a tiny model. Audio goes waveform → our wav2vec2 → buckets;
/// every run of the manifest (deferred / online decode, as run with the bf16 norm3 cast / pure fp32) replays the
/// recorded noise and Rolling-RoPE offsets through <see cref="SingleDeviceSampler"/>; per-call velocities, clean
/// latents, prefill inputs, VAE encodes and the uint8 video are compared. Every size comes from the manifest.
/// </summary>
public sealed partial class SamplerE2eParityRunner(Func<string, bool>? runFilter = null) : IParityRunner
{
    public string Fixture => "sampler_e2e";

    public IEnumerable<ParityCheck> Run(GoldenFolder folder, Device device)
    {
        var cfg = folder.Config;
        var checks = new List<ParityCheck>();
        var tol = Tolerances.From(folder);
        using var dit = LoadDit(folder, device);
        using var vae = LoadVae(folder, device);
        // The runs share the reference encode and clip-0 decodes bit for bit; each distinct VAE call runs once.
        using var memoVae = new MemoVae(vae);
        using var scope = torch.NewDisposeScope();

        Tensor audioEmb;
        int nr;
        using (var w2v = LoadWav2Vec2(folder, device))
        {
            var encoder = new AudioEncoder(w2v);
            var wave = HostArrays.Read<float>(folder.Load("input/waveform", torch.CPU, ScalarType.Float32));
            Compare(checks, folder, "audio/extract_audio_feat", encoder.ExtractAudioFeat(wave, device), tol.Intermediate);
            (audioEmb, nr) = encoder.EncodeAudio(wave, device, cfg.GetProperty("fps").GetDouble(), Int(cfg, "infer_frames"));
            Compare(checks, folder, "audio/audio_emb", audioEmb, tol.Intermediate);
        }
        if (cfg.TryGetProperty("nr_from_audio", out var nrRef))
            checks.Add(ParityCheck.Compare("audio/nr", torch.tensor(nrRef.GetInt32(), ScalarType.Int64), torch.tensor(nr, ScalarType.Int64), Tolerance.Exact));

        var refPixels = RefPixels(folder, Int(cfg, "H"), Int(cfg, "W"));
        Compare(checks, folder, "vae/ref_pixel_values", refPixels.squeeze(1), Tolerance.Scaled(1e-6));
        var context = folder.Load("input/context", device);
        var vaeChecked = false;
        foreach (var run in folder.Manifest.GetProperty("runs").EnumerateObject())
        {
            if (run.Value.ValueKind != System.Text.Json.JsonValueKind.Object || !run.Value.TryGetProperty("offsets_used", out var offsets)) continue;
            if (runFilter is not null && !runFilter(run.Name)) continue;
            var fp32 = run.Name.EndsWith("_fp32norm3", StringComparison.Ordinal);
            var inputs = new SamplerInputs(refPixels, context, audioEmb,
                Clips: Math.Min(Int(cfg, "num_clip_requested"), nr), InferFrames: Int(cfg, "infer_frames"), Steps: Int(cfg, "sample_steps"),
                OnlineDecode: run.Name.StartsWith("online", StringComparison.Ordinal), Norm3Bf16: !fp32, MotionFrames: Int(cfg, "motion_frames"));
            var random = new ReplayRandomness(folder, offsets.EnumerateArray().Select(e => e.GetInt32()).ToList());
            checks.AddRange(RunOne(folder, dit, memoVae, device, run.Name, inputs, random, fp32 ? tol.Fp32 : tol.AsRun, tol, checkVae: !vaeChecked));
            vaeChecked = true;
        }
        return checks;
    }

    private static List<ParityCheck> RunOne(GoldenFolder folder, LiveAvatar.Engine.Models.Dit.CausalWanModelS2V dit, MemoVae vae, Device device,
        string run, SamplerInputs inputs, ISamplerRandomness random, Tolerance latentTol, Tolerances tol, bool checkVae)
    {
        var checks = new List<ParityCheck>();
        // Runs that record no video (the fp32 ones) stop once the last clip's latents are out: its decode is unused.
        var needsVideo = folder.Has($"{run}/video_frame0") || folder.Has($"{run}/video_uint8");
        var lastLatents = $"clean_latents_clip{inputs.Clips - 1}";
        var done = false;
        var sampler = new SingleDeviceSampler(dit, vae, device, ScalarType.Float32)
        {
            Probe = (name, value) =>
            {
                done |= name == lastLatents && !needsVideo;
                if (name == "vae/motion_encode_out")
                {
                    var key = $"{name}_last{MotionTail(folder)}";
                    if (checkVae && folder.Has(key))
                        Compare(checks, folder, key, value.narrow(1, value.shape[1] - MotionTail(folder), MotionTail(folder)), tol.Intermediate);
                    return;
                }
                if (name.StartsWith("vae/", StringComparison.Ordinal))
                {
                    if (checkVae) Compare(checks, folder, name, value, tol.Intermediate);
                    return;
                }
                // The first prefill's inputs are VAE encodes; later ones come from generated latents.
                var t = name.StartsWith("prefill0/", StringComparison.Ordinal) ? tol.Intermediate : latentTol;
                Compare(checks, folder, $"{run}/{name}", value, t);
            },
        };
        var videos = new List<Tensor>();
        try
        {
            foreach (var e in sampler.Run(inputs, random, CancellationToken.None))
            {
                if (done) return checks;
                if (e is not SamplerClip clip) continue;
                clip.Latents.Dispose();
                videos.Add(clip.Video);
            }
            using var scope = torch.NewDisposeScope();
            var video = torch.cat(videos, 1);                                      // [3, N, H, W]
            var n = video.shape[1];
            Compare(checks, folder, $"{run}/video_frame0", video.select(1, 0), tol.FloatFrames);
            Compare(checks, folder, $"{run}/video_frame_last", video.select(1, n - 1), tol.FloatFrames);
            if (folder.Has($"{run}/video_uint8"))
            {
                // The online run records only the frames after clip 0 (its clip-0 frames equal the deferred run's).
                var reference = folder.Load($"{run}/video_uint8");
                var frames = reference.shape[0];
                var ours = SaveVideoConversion.ToUint8Tensor(video.narrow(1, n - frames, frames));
                checks.Add(ParityCheck.Compare($"{run}/video_uint8", reference.to(ScalarType.Int64), ours.to(ScalarType.Int64), tol.Uint8));
            }
        }
        finally
        {
            foreach (var v in videos) v.Dispose();
        }
        return checks;
    }

    private static int MotionTail(GoldenFolder folder) =>
        (int)folder.Manifest.GetProperty("tensors").EnumerateObject().First(p => p.Name.StartsWith("vae/motion_encode_out_last", StringComparison.Ordinal))
            .Value.GetProperty("shape")[1].GetInt64();

    private static void Compare(List<ParityCheck> checks, GoldenFolder folder, string key, Tensor actual, Tolerance tol)
    {
        if (!folder.Has(key)) return;
        using var scope = torch.NewDisposeScope();
        var reference = folder.Load(key);
        checks.Add(ParityCheck.Compare(key, reference, actual.reshape(reference.shape), tol));
    }

    /// <summary>The manifest's tolerances. The as-run text states an expectation ("~1e-2 on clip-1 latents")
    /// rather than a bound; that expectation is the bound.</summary>
    private sealed partial record Tolerances(Tolerance Fp32, Tolerance AsRun, Tolerance Intermediate, Tolerance Uint8, Tolerance FloatFrames)
    {
        public static Tolerances From(GoldenFolder folder)
        {
            string? Text(string contains) => folder.Manifest.TryGetProperty("tolerances", out var t)
                ? t.EnumerateObject().FirstOrDefault(p => p.Name.Contains(contains, StringComparison.Ordinal)).Value.ToString() : null;
            var fp32 = Tolerance.Parse(Text("fp32norm3")) ?? Tolerance.Scaled(1e-4);
            var asRunText = Text("as run");
            var approx = asRunText is null ? null : Approx().Match(asRunText);
            var asRun = Tolerance.Parse(asRunText) ?? (approx is { Success: true } ? new Tolerance(Num(approx.Groups[1].Value), 0) : new Tolerance(5e-3, 0, 1e-4));
            var inter = Text("audio/vae") is { } it && Relative().Match(it) is { Success: true } rel ? new Tolerance(0, Num(rel.Groups[1].Value)) : Tolerance.Scaled(1e-4);
            var video = Text("video_uint8");
            var frames = video is not null && FloatFramesText().Match(video) is { Success: true } ff ? new Tolerance(Num(ff.Groups[1].Value), 0) : new Tolerance(2e-3, 0);
            return new Tolerances(fp32, asRun, inter, new Tolerance(1, 0), frames);
        }

        private static double Num(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

        [GeneratedRegex(@"max\|err\|\s*~\s*([0-9.eE+-]+)")]
        private static partial Regex Approx();

        [GeneratedRegex(@"<=\s*([0-9.eE+-]+)\s*relative")]
        private static partial Regex Relative();

        [GeneratedRegex(@"float frames\s*<=\s*([0-9.eE+-]+)")]
        private static partial Regex FloatFramesText();
    }
}
