using System.Globalization;
using LiveAvatar.Engine.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Parity;

/// <summary>
/// Fixture "vae": batch encode (per-chunk encoder outputs, conv1 moments, normalised latents), batch decode of the
/// recorded latents and of random latents, and stream_decode in the recorded call pattern, all in float32. Every
/// size comes from the manifest and the tensor shapes; the stream's call split is read off the outputs' frame counts.
/// </summary>
public sealed class VaeParityRunner : IParityRunner
{
    public string Fixture => "vae";

    public IEnumerable<ParityCheck> Run(GoldenFolder folder, Device device)
    {
        var cfg = VaeConfig.FromJson(folder.Config);
        var encodeTol = Tol(folder, "encode latents");
        var decodeTol = Tol(folder, "decode (clamped/unclamped)");
        var streamTol = Tol(folder, "stream decode", decodeTol);
        var checks = new List<ParityCheck>();
        using var scope = torch.NewDisposeScope();
        using var vae = Wan21Vae.Load(folder.ReaderFor("encoder.conv1.weight"), device, ScalarType.Float32, cfg,
            Stats(folder, "latent_mean", "const/latent_mean"), Stats(folder, "latent_std", "const/latent_std"));

        if (folder.Has("input/video"))
        {
            using var trace = new VaeEncodeTrace();
            var latents = vae.Encode(folder.Load("input/video"), trace);
            for (var i = 0; i < trace.ChunkOutputs.Count && folder.Has($"encode/encoder_chunk{i}"); i++)
                checks.Add(ParityCheck.Compare($"encode/encoder_chunk{i}", folder.Load($"encode/encoder_chunk{i}"), trace.ChunkOutputs[i], encodeTol));
            if (folder.Has("encode/conv1_out"))
                checks.Add(ParityCheck.Compare("encode/conv1_out", folder.Load("encode/conv1_out"), trace.Moments!, encodeTol));
            checks.Add(ParityCheck.Compare("encode/latents", folder.Load("encode/latents"), latents, encodeTol));
        }
        // Decode the recorded latents, not ours, so a decode error is not an encode error carried over.
        if (folder.Has("decode/from_encoded"))
            checks.Add(ParityCheck.Compare("decode/from_encoded", folder.Load("decode/from_encoded"), vae.Decode(folder.Load("encode/latents")), decodeTol));
        if (folder.Has("decode/from_random"))
            checks.Add(ParityCheck.Compare("decode/from_random", folder.Load("decode/from_random"), vae.Decode(folder.Load("input/z_random")), decodeTol));
        if (folder.Has("input/stream_latents")) checks.AddRange(Stream(folder, vae, streamTol));
        return checks;
    }

    private static IEnumerable<ParityCheck> Stream(GoldenFolder folder, Wan21Vae vae, Tolerance tol)
    {
        var latents = folder.Load("input/stream_latents");                  // [C, F, H, W]
        using var stream = vae.CreateStreamDecoder();
        var outs = new List<Tensor>();
        var checks = new List<ParityCheck>();
        long start = 0;
        for (var k = 0; folder.Has($"stream/decode_call{k}"); k++)
        {
            var reference = folder.Load($"stream/decode_call{k}");          // [3, T, H·8, W·8]
            var frames = reference.shape[1];
            var n = k == 0 ? (frames - 1) / 4 + 1 : frames / 4;
            var got = stream.Decode(latents.narrow(1, start, n));
            start += n;
            outs.Add(got);
            checks.Add(ParityCheck.Compare($"stream/decode_call{k}", reference, got, tol));
        }
        // The manifest records stream == batch bit for bit; ours must agree with itself just as exactly.
        var batch = vae.Decode(latents.narrow(1, 0, start));
        checks.Add(ParityCheck.Compare("stream/concat_vs_own_batch_decode", batch, torch.cat(outs, 1), Tolerance.Exact));
        return checks;
    }

    private static Tolerance Tol(GoldenFolder folder, string key, Tolerance? fallback = null)
    {
        var text = folder.ToleranceText(key);
        if (text is not null && text.StartsWith("same as", StringComparison.OrdinalIgnoreCase) && fallback is not null) return fallback;
        return Tolerance.Parse(text) ?? fallback ?? Tolerance.Scaled(1e-4);
    }

    /// <summary>The latent statistics from the manifest config, else the data file, else the built-in tables.</summary>
    private static IReadOnlyList<double>? Stats(GoldenFolder folder, string configKey, string tensor)
    {
        if (folder.Config.TryGetProperty(configKey, out var arr))
            return arr.EnumerateArray().Select(e => e.GetDouble()).ToList();
        if (folder.Has(tensor))
        {
            using var t = folder.Load(tensor, torch.CPU, ScalarType.Float64);
            return HostArrays.Read<double>(t);
        }
        return null;
    }
}
