using System.Diagnostics;
using System.Globalization;
using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Tools.Bench;

/// <summary>
/// wav2vec2's hidden states of a long track in one forward against the default windows (30 s cores, 5 s of context on
/// each side): time (wall and process CPU, best of three alternating runs after a warm-up, since a shared machine's
/// load only ever adds time) and the difference of the states relative to the largest feature of one forward.
/// </summary>
public static class AudioWindowBench
{
    public static string Run(Wav2Vec2Model model, float[] track, Device device)
    {
        var seconds = track.Length / (double)AudioEncoder.SampleRate;
        var windowed = new AudioEncoder(model);
        var whole = new AudioEncoder(model, new WindowedHiddenStates(model, seconds + 1, 0));
        using (torch.NewDisposeScope()) whole.HiddenStates(track.AsSpan(0, Math.Min(track.Length, 10 * AudioEncoder.SampleRate)), device); // warm-up

        using var scope = torch.NewDisposeScope();
        var (ours, windowedWall, windowedCpu) = Timed(() => windowed.HiddenStates(track, device), device);
        var (oneForward, wholeWall, wholeCpu) = Timed(() => whole.HiddenStates(track, device), device);
        for (var i = 1; i < 3; i++)
        {
            using var again = torch.NewDisposeScope();
            var (_, w, c) = Timed(() => windowed.HiddenStates(track, device), device);
            (windowedWall, windowedCpu) = (Math.Min(windowedWall, w), Math.Min(windowedCpu, c));
            (_, w, c) = Timed(() => whole.HiddenStates(track, device), device);
            (wholeWall, wholeCpu) = (Math.Min(wholeWall, w), Math.Min(wholeCpu, c));
        }
        var diff = (ours.to(ScalarType.Float32) - oneForward.to(ScalarType.Float32)).abs();
        var scale = oneForward.abs().max().to(ScalarType.Float32).item<float>();
        var frames = oneForward.shape[1];
        return string.Create(CultureInfo.InvariantCulture,
            $"wav2vec2 ({model.Config.NumHiddenLayers} layers) on {device}, {seconds:0.##} s ({frames} frames, " +
            $"{windowed.Windows.Plan(frames).Count} windows), {torch.get_num_threads()} thread(s): one forward {wholeWall:0.0} s wall / " +
            $"{wholeCpu:0.0} s CPU, windowed {windowedWall:0.0} s wall / {windowedCpu:0.0} s CPU; max |Δ| / max |feature| = " +
            $"{diff.max().item<float>() / scale:0.0000}, mean = {diff.mean().item<float>() / scale:0.000000}");
    }

    private static (Tensor Result, double WallSeconds, double CpuSeconds) Timed(Func<Tensor> run, Device device)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = run();
        if (device.type == DeviceType.CUDA) CudaDevices.Synchronize(device.index);
        process.Refresh();
        return (result, clock.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }
}
