using System.Diagnostics;
using System.Globalization;
using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace LiveAvatar.Engine.Tests.Models.Audio;

/// <summary>Runs only when <see cref="Variable"/> names a track length in seconds: a measurement for
/// docs/benchmarks.md, not a check (timing goals never live in tests), and minutes long on a small CPU.</summary>
public sealed class AudioBenchFactAttribute : FactAttribute
{
    public const string Variable = "LIVEAVATAR_AUDIO_BENCH_SECONDS";

    public AudioBenchFactAttribute()
    {
        if (!double.TryParse(Environment.GetEnvironmentVariable(Variable), CultureInfo.InvariantCulture, out _))
            Skip = $"a measurement: set {Variable} to the track length in seconds to run it";
    }
}

/// <summary>One forward against the default windows (30 s cores, 5 s context) on a long track of looped speech, on the
/// demo checkpoint's wav2vec2: time (wall and process CPU, best of three after a warm-up) and the difference of the states.</summary>
[Collection(TorchCollection.Name)]
public sealed class WindowedHiddenStatesBenchmark(LongAudioFixture f, ITestOutputHelper output) : IClassFixture<LongAudioFixture>
{
    [AudioBenchFact]
    public void Time_and_difference_of_the_default_windows_against_one_forward()
    {
        var seconds = double.Parse(Environment.GetEnvironmentVariable(AudioBenchFactAttribute.Variable)!, CultureInfo.InvariantCulture);
        var track = f.Looped(seconds);
        var windowed = new AudioEncoder(f.Demo);
        var whole = new AudioEncoder(f.Demo, new WindowedHiddenStates(f.Demo, seconds + 1, 0));
        // One thread: the demo model's ops are tiny, and on a shared two-core machine two OpenMP threads spend most of
        // each op waiting at its barrier for a descheduled peer (measured: a layer's feed-forward over 2,000 frames
        // took 80 ms on two threads, 0.5 ms on one), which times the op count, not the attention's quadratic work.
        var threads = torch.get_num_threads();
        torch.set_num_threads(1);
        try
        {
            Measure(seconds, track, windowed, whole);
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }

    private void Measure(double seconds, float[] track, AudioEncoder windowed, AudioEncoder whole)
    {
        using (torch.NewDisposeScope()) whole.HiddenStates(f.Speech, torch.CPU);   // warm-up

        using var scope = torch.NewDisposeScope();
        var (ours, windowedWall, windowedCpu) = Timed(() => windowed.HiddenStates(track, torch.CPU));
        var (oneForward, wholeWall, wholeCpu) = Timed(() => whole.HiddenStates(track, torch.CPU));
        // The best of three alternating runs: a shared machine's load only ever adds time.
        for (var i = 1; i < 3; i++)
        {
            using var again = torch.NewDisposeScope();
            var (_, w, c) = Timed(() => windowed.HiddenStates(track, torch.CPU));
            (windowedWall, windowedCpu) = (Math.Min(windowedWall, w), Math.Min(windowedCpu, c));
            (_, w, c) = Timed(() => whole.HiddenStates(track, torch.CPU));
            (wholeWall, wholeCpu) = (Math.Min(wholeWall, w), Math.Min(wholeCpu, c));
        }
        var diff = (ours - oneForward).abs();
        var scale = oneForward.abs().max().item<float>();

        output.WriteLine($"{seconds} s ({oneForward.shape[1]} frames, {windowed.Windows.Plan(oneForward.shape[1]).Count} windows), " +
                         $"1 thread: one forward {wholeWall:0.0} s wall / {wholeCpu:0.0} s CPU, " +
                         $"windowed {windowedWall:0.0} s wall / {windowedCpu:0.0} s CPU; " +
                         $"max |Δ| / max |feature| = {diff.max().item<float>() / scale:0.0000}, mean = {diff.mean().item<float>() / scale:0.000000}");
        Assert.Equal(oneForward.shape, ours.shape);
    }

    private static (Tensor Result, double WallSeconds, double CpuSeconds) Timed(Func<Tensor> run)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = run();
        process.Refresh();
        return (result, clock.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }
}
