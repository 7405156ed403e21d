using LiveAvatar.Engine.Live;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Tests.Pipelines;
using LiveAvatar.Engine.Tests.TestSupport;
using TorchSharp;
using Xunit.Abstractions;

namespace LiveAvatar.Engine.Tests.Live;

/// <summary>The live path's per-block audio features against the whole-track encode the batch path uses, on the demo
/// checkpoint's wav2vec2 (same conv stack and 128-wide positional convolution as XLSR-53, random weights) and the
/// fixture's espeak sentence.</summary>
[Collection(TorchCollection.Name)]
public sealed class SlidingWindowAudioEncoderTests(GeneratorFixture f, ITestOutputHelper output) : IClassFixture<GeneratorFixture>
{
    /// <summary>Stated bounds with the default 2 s context, relative to the largest feature of the whole-track encode:
    /// the largest difference of any feature, and the mean difference. Measured 0.66 and 0.094 on the demo weights,
    /// spread evenly over the frames of a block (not at its newest edge): the random-weight attention mixes the whole
    /// window into every frame, which a trained model does far less.</summary>
    public const double RelativeMaxBound = 0.75, RelativeMeanBound = 0.11;

    [Fact]
    public async Task Block_features_from_a_two_second_past_window_stay_within_the_stated_bound_of_the_whole_track_encode()
    {
        var model = f.Generator.EnsureLoaded().AudioModel;
        var audio = await AudioLoader.LoadAsync(f.Audio);
        using var whole = new AudioEncoder(model).EncodeAudio(audio.Samples, torch.CPU, 25, 48).AudioEmb;   // [1, L, C, T]
        var scale = whole.abs().max().item<float>();
        var results = new Dictionary<double, (double Max, double Mean)>();
        foreach (var context in new[] { 0.5, 1.0, 2.0, 4.0 })
        {
            var encoder = new SlidingWindowAudioEncoder(model, torch.CPU, context);
            double max = 0, sum = 0;
            var blocks = audio.Samples.Length / SlidingWindowAudioEncoder.SamplesPerBlock;
            for (var k = 0; k < blocks; k++)
            {
                using var scope = torch.NewDisposeScope();
                var live = encoder.Next(audio.Samples.AsSpan(k * SlidingWindowAudioEncoder.SamplesPerBlock, SlidingWindowAudioEncoder.SamplesPerBlock));
                Assert.Equal(new long[] { 1, whole.shape[1], whole.shape[2], 12 }, live.shape);
                var diff = (live - whole.narrow(3, 12L * k, 12)).abs();
                max = Math.Max(max, diff.max().item<float>());
                sum += diff.mean().item<float>();
            }
            results[context] = (max / scale, sum / blocks / scale);
            output.WriteLine($"context {context:0.0} s over {blocks} blocks: max |Δ| / max |feature| = {max / scale:0.0000}, mean |Δ| / max |feature| = {sum / blocks / scale:0.00000}");
        }
        Assert.True(results[2.0].Max < RelativeMaxBound, $"2 s context: relative max difference {results[2.0].Max:0.0000} ≥ {RelativeMaxBound}");
        Assert.True(results[2.0].Mean < RelativeMeanBound, $"2 s context: relative mean difference {results[2.0].Mean:0.00000} ≥ {RelativeMeanBound}");
        Assert.True(results[4.0].Mean <= results[0.5].Mean, "more past context brings the features closer to the whole-track encode");
    }

    [Fact]
    public void A_block_of_the_wrong_length_is_refused_with_its_size()
    {
        var encoder = new SlidingWindowAudioEncoder(f.Generator.EnsureLoaded().AudioModel, torch.CPU);
        var e = Assert.Throws<ArgumentException>(() => encoder.Next(new float[100]));
        Assert.Contains("7680", e.Message);
    }
}
