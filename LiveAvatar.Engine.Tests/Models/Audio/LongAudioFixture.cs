using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;
using LiveAvatar.Tools.Demo;
using LiveAvatar.Tools.Parity;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Tests.Models.Audio;

/// <summary>Two wav2vec2 models with random weights and 18 s of real speech for the windowed-encode tests: the demo
/// checkpoint's (24 layers, XLSR-53's conv stack and 128-wide positional convolution; from $LIVEAVATAR_CKPT_DIR when
/// set, else written to a temporary folder) and the golden fixture's (4 layers, the weights the parity test uses).
/// The speech is the three example WAVs back to back.</summary>
public sealed class LongAudioFixture : IDisposable
{
    private readonly DirectoryInfo? _dir;

    public LongAudioFixture()
    {
        TorchRuntime.EnsureLoaded();
        var ckpt = Environment.GetEnvironmentVariable("LIVEAVATAR_CKPT_DIR");
        if (string.IsNullOrEmpty(ckpt) || !Directory.Exists(Path.Combine(ckpt, CheckpointLayout.Wav2Vec2Dir)))
        {
            _dir = Directory.CreateTempSubdirectory("la-longaudio-");
            ckpt = DemoCheckpoint.Write(_dir.FullName);
        }
        Demo = Wav2Vec2Model.Load(Path.Combine(ckpt, CheckpointLayout.Wav2Vec2Dir), torch.CPU, ScalarType.Float32);

        using var folder = new GoldenFolder(GoldenPaths.Folder("wav2vec2"));
        var tiny = folder.Config.GetProperty("tiny");
        Golden = Wav2Vec2Model.FromReader(folder.ReaderFor("wav2vec2.feature_projection.projection.weight"),
            Wav2Vec2Config.FromJson(tiny), torch.CPU, ScalarType.Float32);
        Golden.LastHiddenState = LastHiddenStates.ForTransformersVersion(
            tiny.TryGetProperty("transformers_version", out var tv) ? tv.GetString() : null);

        var examples = Path.Combine(GoldenPaths.RepoRoot, "wwwroot-assets", "examples");
        Speech = [.. new[] { "speech-hello.wav", "speech-weather.wav", "speech-reply.wav" }
            .SelectMany(f => AudioLoader.LoadAsync(Path.Combine(examples, f)).GetAwaiter().GetResult().Samples)];
    }

    public Wav2Vec2Model Demo { get; }
    public Wav2Vec2Model Golden { get; }

    /// <summary>18.15 s at 16 kHz.</summary>
    public float[] Speech { get; }

    /// <summary>The speech repeated until it is <paramref name="seconds"/> long.</summary>
    public float[] Looped(double seconds) =>
        [.. Enumerable.Range(0, (int)(seconds * AudioEncoder.SampleRate)).Select(i => Speech[i % Speech.Length])];

    public void Dispose()
    {
        Demo.Dispose();
        Golden.Dispose();
        _dir?.Delete(true);
    }
}
