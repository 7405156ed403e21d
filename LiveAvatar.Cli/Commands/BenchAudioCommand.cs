using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Tools.Bench;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Cli.Commands;

/// <summary>`bench wav2vec2 --seconds N`: the windowed long-audio encode against one forward. The model is the
/// checkpoint's wav2vec2 (the demo checkpoint's by default: random weights in XLSR-53's layout) or, with
/// `--synthetic`, XLSR-53 with synthetic weights drawn on the device; the track is the given WAVs (default: the three
/// example voices) looped to N seconds.</summary>
internal static class BenchAudioCommand
{
    public static int Run(ArgReader a, TextWriter stdout)
    {
        var device = Devices.Parse(a.String("device") ?? (CudaDevices.IsAvailable ? "cuda:0" : "cpu"));
        var seconds = a.Double("seconds", 120);
        var synthetic = a.Flag("synthetic");
        var threads = a.Int("threads", 0, 0, 1024);
        var ckpt = a.String("ckpt_dir") ?? Environment.GetEnvironmentVariable("LIVEAVATAR_CKPT_DIR") ?? "build/demo-ckpt/Wan2.2-S2V-14B";
        var audio = a.String("audio")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            ?? new[] { "speech-hello.wav", "speech-weather.wav", "speech-reply.wav" }.Select(f => Path.Combine("wwwroot-assets", "examples", f)).ToArray();
        a.RejectUnknown();
        if (seconds is <= 0 or > 24 * 3600) throw new ArgumentException($"--seconds {seconds}: give 1 to 86400");
        // One thread suits the demo model on a small shared CPU: its ops are tiny, and two OpenMP threads mostly wait
        // at each op's barrier for a descheduled peer (a feed-forward over 2,000 frames: 80 ms on two, 0.5 ms on one).
        if (threads > 0) torch.set_num_threads(threads);
        var dtype = device.type == DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32;
        using var model = synthetic ? SyntheticXlsr53(device, dtype) : Wav2Vec2Model.Load(Path.Combine(ckpt, CheckpointLayout.Wav2Vec2Dir), device, dtype);
        var speech = audio.SelectMany(f => AudioLoader.LoadAsync(f).GetAwaiter().GetResult().Samples).ToArray();
        if (speech.Length == 0) throw new ArgumentException("--audio: the files hold no samples");
        var track = Enumerable.Range(0, (int)(seconds * AudioEncoder.SampleRate)).Select(i => speech[i % speech.Length]).ToArray();
        stdout.WriteLine(AudioWindowBench.Run(model, track, device));
        return 0;
    }

    private static Wav2Vec2Model SyntheticXlsr53(Device device, ScalarType dtype)
    {
        var model = new Wav2Vec2Model(Wav2Vec2Config.LargeXlsr53);
        SyntheticWeights.Materialize(model, device, dtype, 2000);
        return model;
    }
}
