using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace LiveAvatar.Engine.Tests.Models.Audio;

/// <summary>How far the windowed 50 Hz hidden states of 18 s of speech lie from one whole-track forward, with 4 s cores
/// (so five windows) and a range of contexts, on two random-weight wav2vec2s. Random attention spreads over the whole
/// window far more than a trained model's, so these differences overstate what real weights give.</summary>
[Collection(TorchCollection.Name)]
public sealed class WindowedHiddenStatesAccuracyTests(LongAudioFixture f, ITestOutputHelper output) : IClassFixture<LongAudioFixture>
{
    /// <summary>Bounds with 1 s of context, relative to the largest feature of the one-forward states (over every layer,
    /// frame and channel). Measured on the demo weights: max 0.2846, mean 0.01977; on the golden weights: max 0.2420,
    /// mean 0.01169 (2026-11-30; the largest differences sit within a few frames of a core's edge). With 2 s of
    /// context: max 0.101 / 0.064, mean 0.0134 / 0.0075.</summary>
    public const double RelativeMaxBound = 0.4, RelativeMeanBound = 0.03;

    [Theory]
    [InlineData("demo")]
    [InlineData("golden")]
    public void Windowed_hidden_states_of_speech_stay_within_the_stated_bound_of_one_forward(string weights)
    {
        var model = weights == "demo" ? f.Demo : f.Golden;
        using var scope = torch.NewDisposeScope();
        var whole = new AudioEncoder(model, new WindowedHiddenStates(model, 60, 0)).HiddenStates(f.Speech, torch.CPU);
        var scale = whole.abs().max().item<float>();
        var results = new Dictionary<double, (double Max, double Mean)>();
        foreach (var context in new[] { 0.0, 0.5, 1.0, 2.0 })
        {
            var windows = new WindowedHiddenStates(model, 4, context);
            var diff = (new AudioEncoder(model, windows).HiddenStates(f.Speech, torch.CPU) - whole).abs();   // [L, T, C]
            var (max, mean) = (diff.max().item<float>() / scale, diff.mean().item<float>() / scale);
            results[context] = (max, mean);
            var worstFrame = diff.amax([0, 2]).argmax().item<long>();
            var edge = worstFrame % windows.CoreFrames;
            output.WriteLine($"{weights}: 4 s cores, {context:0.0} s context, {whole.shape[1]} frames, |max feature| {scale:0.000}: " +
                             $"max |Δ| / max |feature| = {max:0.0000}, mean |Δ| / max |feature| = {mean:0.000000}; " +
                             $"worst at frame {worstFrame} ({Math.Min(edge, windows.CoreFrames - edge)} from a core edge)");
        }

        Assert.True(results[1.0].Max < RelativeMaxBound, $"{weights}, 1 s context: relative max difference {results[1.0].Max:0.0000} ≥ {RelativeMaxBound}");
        Assert.True(results[1.0].Mean < RelativeMeanBound, $"{weights}, 1 s context: relative mean difference {results[1.0].Mean:0.000000} ≥ {RelativeMeanBound}");
        Assert.True(results[2.0].Mean <= results[0.0].Mean, "context brings the windowed states closer to one forward");
    }
}
