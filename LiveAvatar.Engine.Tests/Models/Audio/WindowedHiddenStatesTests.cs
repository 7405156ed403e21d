using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace LiveAvatar.Engine.Tests.Models.Audio;

/// <summary>The windowed wav2vec2 path for long tracks: how it cuts a track, that short tracks keep the one-forward
/// path bit for bit, and that a long track gives exactly the frames one forward gives.</summary>
[Collection(TorchCollection.Name)]
public sealed class WindowedHiddenStatesTests(LongAudioFixture f, ITestOutputHelper output) : IClassFixture<LongAudioFixture>
{
    private const int Sr = AudioEncoder.SampleRate;

    [Fact]
    public void The_default_windows_are_thirty_second_cores_with_five_seconds_on_each_side()
    {
        var windows = new WindowedHiddenStates(new Wav2Vec2Model(Wav2Vec2Config.LargeXlsr53));

        Assert.Equal((1500, 250, 2000), (windows.CoreFrames, windows.ContextFrames, windows.WindowFrames));
        Assert.False(windows.AppliesTo(40 * Sr + 399));                  // 2000 frames: one forward
        Assert.True(windows.AppliesTo(40 * Sr + 400));                   // 2001 frames: windows
    }

    [Theory]
    [InlineData(96_400)]              // 301 frames: just over one 4 s + 2×1 s window
    [InlineData(256_400)]             // 801 frames: the last core is one frame
    [InlineData(256_719)]             // the same plus samples no frame reads
    [InlineData(18 * Sr + 4_567)]
    [InlineData(3600 * Sr)]           // an hour
    public void The_windows_tile_every_frame_once_and_each_reads_exactly_its_frames(int samples)
    {
        var config = Wav2Vec2Config.LargeXlsr53;
        var windows = new WindowedHiddenStates(new Wav2Vec2Model(config), 4, 1);
        var frames = config.FramesFor(samples);

        var plan = windows.Plan(frames);

        Assert.Equal(0, plan[0].CoreFirst);
        Assert.Equal(frames, plan[^1].CoreFirst + plan[^1].CoreCount);
        for (var i = 1; i < plan.Count; i++) Assert.Equal(plan[i - 1].CoreFirst + plan[i - 1].CoreCount, plan[i].CoreFirst);
        Assert.All(plan, w =>
        {
            Assert.Equal(Math.Max(0, w.CoreFirst - 50), w.First);
            Assert.Equal(Math.Min(frames, w.CoreFirst + w.CoreCount + 50), w.First + w.Count);
            var (start, length) = windows.Samples(w);
            Assert.True(start + length <= samples, $"window at frame {w.First} reads past the track");
            Assert.Equal(w.Count, config.FramesFor(length));
        });
    }

    [Fact]
    public void A_track_that_fits_in_one_window_is_encoded_bit_for_bit_as_one_forward()
    {
        var encoder = new AudioEncoder(f.Demo, new WindowedHiddenStates(f.Demo, 4, 1));
        var fits = f.Speech[..((300 - 1) * 320 + 400)];                   // exactly one 6 s window: 300 frames

        using var scope = torch.NewDisposeScope();
        var ours = encoder.ExtractAudioFeat(fits, torch.CPU);
        var oneForward = AudioEncoder.LinearInterpolation(
            f.Demo.HiddenStates(torch.tensor(AudioEncoder.NormalizeWaveform(fits), [1, fits.Length])));
        var defaultEncoder = new AudioEncoder(f.Demo).ExtractAudioFeat(f.Speech, torch.CPU);
        var speechOneForward = AudioEncoder.LinearInterpolation(
            f.Demo.HiddenStates(torch.tensor(AudioEncoder.NormalizeWaveform(f.Speech), [1, f.Speech.Length])));

        Assert.False(encoder.Windows.AppliesTo(fits.Length));
        Assert.True(encoder.Windows.AppliesTo(fits.Length + 320));
        Assert.True(Identical(ours, oneForward), "a 300-frame track under 300-frame windows differs from one forward");
        Assert.True(Identical(defaultEncoder, speechOneForward), "18 s under the default 40 s windows differs from one forward");
    }

    private static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Theory]
    [InlineData(18.15, 4, 1)]
    [InlineData(16.0274375, 4, 1)]   // 801 frames: a last core of one frame
    [InlineData(45, 30, 5)]          // the default windows: a 30 s core and a 15 s one
    public void A_long_track_gives_as_many_frames_and_clips_as_one_forward(double seconds, double core, double context)
    {
        var track = f.Looped(seconds);
        var windowed = new AudioEncoder(f.Demo, new WindowedHiddenStates(f.Demo, core, context));
        var whole = new AudioEncoder(f.Demo, new WindowedHiddenStates(f.Demo, seconds + 1, 0));   // one window: one forward
        Assert.True(windowed.Windows.AppliesTo(track.Length));
        Assert.False(whole.Windows.AppliesTo(track.Length));

        using var scope = torch.NewDisposeScope();
        var ours = windowed.HiddenStates(track, torch.CPU);
        var oneForward = whole.HiddenStates(track, torch.CPU);
        var (ourEmb, ourClips) = windowed.EncodeAudio(track, torch.CPU, 25, 48);
        var (wholeEmb, wholeClips) = whole.EncodeAudio(track, torch.CPU, 25, 48);

        output.WriteLine($"{seconds} s, {core} s cores + {context} s context: {oneForward.shape[1]} frames, {ourEmb.shape[3]} video frames");
        Assert.Equal(f.Demo.Config.FramesFor(track.Length), ours.shape[1]);
        Assert.Equal(oneForward.shape, ours.shape);
        Assert.Equal(wholeEmb.shape, ourEmb.shape);
        Assert.Equal(wholeClips, ourClips);
    }

    [Fact]
    public void Windowed_encoding_leaves_no_tensor_behind()
    {
        var encoder = new AudioEncoder(f.Demo, new WindowedHiddenStates(f.Demo, 4, 1));
        var before = LiveTensors.Settled();

        using (var z = encoder.ExtractAudioFeat(f.Speech[..(8 * Sr)], torch.CPU)) Assert.Equal(3L, z.dim());   // two windows

        Assert.Equal(before, Tensor.TotalCount);
    }
}
