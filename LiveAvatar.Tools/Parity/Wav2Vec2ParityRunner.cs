using System.Globalization;
using LiveAvatar.Engine.Checkpoints;
using System.Text.RegularExpressions;
using LiveAvatar.Engine.Models.Audio;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Parity;

/// <summary>Fixture "wav2vec2": feature-extractor normalisation, every hidden state (and the CTC logits when the
/// head is stored), then the Live Avatar post-processing for every recorded (fps, batch_frames) variant.</summary>
public sealed partial class Wav2Vec2ParityRunner : IParityRunner
{
    public string Fixture => "wav2vec2";

    public IEnumerable<ParityCheck> Run(GoldenFolder folder, Device device)
    {
        var checks = new List<ParityCheck>();
        var hiddenTol = Tolerance.Parse(folder.ToleranceText("hidden_states")) ?? Tolerance.Scaled(1e-4);
        var postTol = PostTolerance(folder.ToleranceText("post-processing"));
        var config = Wav2Vec2Config.FromJson(folder.Config.GetProperty("tiny"));
        var weights = folder.ReaderFor("wav2vec2.feature_projection.projection.weight");
        using var model = Wav2Vec2Model.FromReader(weights, config, device, ScalarType.Float32);
        // The recorded hidden states follow the transformers version that produced them (see LastHiddenState).
        var tiny = folder.Config.GetProperty("tiny");
        model.LastHiddenState = LastHiddenStates.ForTransformersVersion(
            tiny.TryGetProperty("transformers_version", out var tv) ? tv.GetString() : null);
        using var scope = torch.NewDisposeScope();
        void Add(string name, Tensor actual, Tolerance t) => checks.Add(ParityCheck.Compare(name, folder.Load(name), actual, t));

        var wave = HostArrays.Read<float>(folder.Load("input/waveform", torch.CPU, ScalarType.Float32));
        Add("processor/input_values", torch.tensor(AudioEncoder.NormalizeWaveform(wave), [1, wave.Length]), Tolerance.Scaled(1e-6));

        // The model runs on the recorded processor output so its check measures the model alone.
        var input = folder.Load("processor/input_values", device, ScalarType.Float32);
        var hidden = model.HiddenStates(input);
        Add("model/hidden_states", hidden, hiddenTol);
        if (folder.Has("model/logits") && weights.TryGet("lm_head.weight", out var headW) && weights.TryGet("lm_head.bias", out var headB))
        {
            // The CTC head reads last_hidden_state, which is always the final LayerNorm output.
            var last = hidden.select(0, hidden.shape[0] - 1);
            if (model.LastHiddenState == LastHiddenState.LastLayerOutput) last = model.Encoder.LayerNorm.Forward(last);
            Add("model/logits", F.linear(last, headW.ToTensor(device), headB.ToTensor(device)), hiddenTol);
        }

        // Post-processing from the reference hidden states ("exact given hidden states"), and end to end from ours.
        var refZ = AudioEncoder.LinearInterpolation(folder.Load("model/hidden_states", device));
        Add("pipeline/extract_audio_feat", refZ, postTol);
        var ourZ = AudioEncoder.LinearInterpolation(hidden);
        checks.Add(ParityCheck.Compare("pipeline/extract_audio_feat (from our hidden states)", folder.Load("pipeline/extract_audio_feat"), ourZ, hiddenTol));

        var m = folder.Config.TryGetProperty("m", out var me) ? me.GetInt32() : 0;
        var videoRate = folder.Config.TryGetProperty("video_rate", out var vr) ? vr.GetDouble() : AudioEncoder.VideoRate;
        foreach (var (tag, fps, bf) in Variants(folder))
        {
            var bucket = AudioBuckets.GetAudioEmbedBucketFps(refZ, fps, bf, m, videoRate);
            var p = $"pipeline/{tag}/";
            if (folder.Has(p + "source_index")) Add(p + "source_index", torch.tensor(bucket.SourceIndex), Tolerance.Exact);
            if (folder.Has(p + "bucket")) Add(p + "bucket", bucket.Embeddings, postTol);
            if (folder.Has(p + "audio_emb")) Add(p + "audio_emb", AudioBuckets.ToDitLayout(bucket.Embeddings), postTol);
            if (folder.Manifest.TryGetProperty("bucket_meta", out var meta) && meta.TryGetProperty(tag, out var tm) && tm.TryGetProperty("nr", out var nr))
                checks.Add(ParityCheck.Compare($"bucket_meta/{tag}/nr", torch.tensor(nr.GetInt32(), ScalarType.Int64),
                    torch.tensor(bucket.NumRepeat, ScalarType.Int64), Tolerance.Exact));
        }
        return checks;
    }

    /// <summary>The (fps, batch_frames) variants recorded as pipeline/fps{F}_bf{B}/...</summary>
    private static IEnumerable<(string Tag, double Fps, int BatchFrames)> Variants(GoldenFolder folder) =>
        folder.TensorNames.Select(n => VariantName().Match(n)).Where(x => x.Success)
            .Select(x => (x.Groups[1].Value, double.Parse(x.Groups[2].Value, CultureInfo.InvariantCulture),
                int.Parse(x.Groups[3].Value, CultureInfo.InvariantCulture)))
            .Distinct();

    /// <summary>"exact given hidden states (up to 1e-6)" means an absolute bound of 1e-6.</summary>
    private static Tolerance PostTolerance(string? text)
    {
        var upTo = text is null ? null : UpTo().Match(text);
        if (upTo is { Success: true }) return new Tolerance(double.Parse(upTo.Groups[1].Value, CultureInfo.InvariantCulture), 0);
        return Tolerance.Parse(text) ?? new Tolerance(1e-6, 0);
    }

    [GeneratedRegex(@"^pipeline/(fps([0-9.]+)_bf([0-9]+))/")]
    private static partial Regex VariantName();

    [GeneratedRegex(@"up to ([0-9.eE+-]+)")]
    private static partial Regex UpTo();
}
