namespace LiveAvatar.Engine.Models.Audio;

/// <summary>What the last of HF's output_hidden_states is for a stable-layer-norm wav2vec2. The answer changed
/// with transformers 5: 4.x appends the final encoder LayerNorm output, 5.x records each layer's output, so its
/// last entry is the last layer's un-normalised output (the golden fixtures were made with 5.17). Live Avatar
/// feeds all of them to the DiT, so the choice changes the audio embedding's last layer.</summary>
public enum LastHiddenState
{
    /// <summary>transformers 4.x (the versions Wan2.2 / Live Avatar pin): encoder.layer_norm(last layer output).</summary>
    FinalLayerNorm,

    /// <summary>transformers ≥ 5: the last layer's output as it is.</summary>
    LastLayerOutput,
}

public static class LastHiddenStates
{
    /// <summary>The convention of a transformers version string ("4.51.3" → FinalLayerNorm, "5.17.0" → LastLayerOutput).</summary>
    public static LastHiddenState ForTransformersVersion(string? version) =>
        version != null && int.TryParse(version.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture, out var major) && major >= 5
            ? LastHiddenState.LastLayerOutput
            : LastHiddenState.FinalLayerNorm;
}
