using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>
/// HF Wav2Vec2Model (the <c>wav2vec2.</c> part of Wav2Vec2ForCTC) with the XLSR-53 options: layer-norm conv
/// extractor, feature projection, stable-layer-norm encoder. Live Avatar uses only the hidden states, so the CTC
/// head (<c>lm_head.*</c>) and the SpecAugment vector (<c>masked_spec_embed</c>, training only) are not part of it.
/// </summary>
public sealed class Wav2Vec2Model : Module
{
    /// <summary>Checkpoint keys that exist in a Wav2Vec2ForCTC file but are deliberately left unloaded.</summary>
    public static bool IsIgnoredKey(string key) =>
        key.StartsWith("lm_head.", StringComparison.Ordinal) || key is "masked_spec_embed" or "wav2vec2.masked_spec_embed";

    public Wav2Vec2Config Config { get; }

    /// <summary>Which transformers generation's hidden-state list to reproduce (see <see cref="Audio.LastHiddenState"/>).</summary>
    public LastHiddenState LastHiddenState { get; set; } = LastHiddenState.FinalLayerNorm;
    public Wav2Vec2FeatureEncoder FeatureExtractor { get; }
    public Wav2Vec2FeatureProjection FeatureProjection { get; }
    public Wav2Vec2EncoderStableLayerNorm Encoder { get; }

    public Wav2Vec2Model(Wav2Vec2Config config, WeightNormKeys keys = WeightNormKeys.Legacy)
    {
        config.Validate();
        Config = config;
        FeatureExtractor = Child("feature_extractor", new Wav2Vec2FeatureEncoder(config));
        FeatureProjection = Child("feature_projection", new Wav2Vec2FeatureProjection(config));
        Encoder = Child("encoder", new Wav2Vec2EncoderStableLayerNorm(config, keys));
    }

    /// <summary>Loads an HF folder: config.json plus model.safetensors (or a sharded index) or pytorch_model.bin.</summary>
    public static Wav2Vec2Model Load(string folder, Device device, ScalarType? dtype = null, LastHiddenState last = LastHiddenState.FinalLayerNorm)
    {
        var config = Wav2Vec2Config.FromJsonFile(Path.Combine(folder, "config.json"));
        var file = new[] { "model.safetensors", "model.safetensors.index.json", "pytorch_model.bin" }
            .Select(f => Path.Combine(folder, f)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{folder} has no model.safetensors or pytorch_model.bin");
        using var reader = CheckpointReader.Open(file);
        var model = FromReader(reader, config, device, dtype);
        model.LastHiddenState = last;
        return model;
    }

    /// <summary>Builds the model for whichever weight-norm key form and prefix (<c>wav2vec2.</c> for a CTC
    /// checkpoint, none for a bare Wav2Vec2Model) the checkpoint uses, and loads it.</summary>
    public static Wav2Vec2Model FromReader(ICheckpointReader reader, Wav2Vec2Config config, Device device, ScalarType? dtype = null)
    {
        var prefix = reader.Tensors.Any(t => t.Name.StartsWith("wav2vec2.", StringComparison.Ordinal)) ? "wav2vec2." : "";
        var keys = reader.TryGet(prefix + "encoder.pos_conv_embed.conv.parametrizations.weight.original0", out _)
            ? WeightNormKeys.Parametrizations : WeightNormKeys.Legacy;
        return LoadOrDispose(new Wav2Vec2Model(config, keys), m => m.Load(reader, device, dtype, prefix, IsIgnoredKey));
    }

    /// <summary>Every hidden state: (layers+1) × [B, T, C] at 50 Hz.</summary>
    public Tensor[] Forward(Tensor inputValues)
    {
        // inputValues [B, N] → features [B, C0, T] → (layers+1) × [B, T, C]
        using var scope = torch.NewDisposeScope();
        var features = FeatureExtractor.Forward(inputValues).transpose(1, 2);
        var states = Encoder.Forward(FeatureProjection.Forward(features), LastHiddenState);
        foreach (var s in states) scope.MoveToOuter(s);
        return states;
    }

    /// <summary>The hidden states concatenated on the batch axis, as torch.cat(res.hidden_states) in Live Avatar:
    /// [(layers+1)·B, T, C].</summary>
    public Tensor HiddenStates(Tensor inputValues)
    {
        using var scope = torch.NewDisposeScope();
        return scope.MoveToOuter(torch.cat(Forward(inputValues), 0));
    }
}
