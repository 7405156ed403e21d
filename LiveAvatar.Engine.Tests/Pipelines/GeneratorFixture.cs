using System.Diagnostics;
using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Tools.Demo;

namespace LiveAvatar.Engine.Tests.Pipelines;

/// <summary>One demo checkpoint, a 64×64 portrait and a short speech clip, and a loaded generator, shared by the
/// generator tests (loading once keeps the suite fast).</summary>
public sealed class GeneratorFixture : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("la-gen-");

    public GeneratorFixture()
    {
        CheckpointDirectory = DemoCheckpoint.Write(Path.Combine(_dir.FullName, "ckpt"));
        Image = Path.Combine(_dir.FullName, "face.png");
        Audio = Path.Combine(_dir.FullName, "speech.wav");
        Run("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=64x64:d=1", "-frames:v", "1", Image);
        Run("espeak-ng", "-w", Audio, "Hello there. This is a short test of the talking avatar, with enough speech for two clips of video.");
        Generator = new LiveAvatarGenerator(new GeneratorOptions(CheckpointDirectory) { OutputDirectory = OutputDirectory });
        Generator.EnsureLoaded();
    }

    public string CheckpointDirectory { get; }
    public string Image { get; }
    public string Audio { get; }
    public string OutputDirectory => Path.Combine(_dir.FullName, "out");
    public LiveAvatarGenerator Generator { get; }

    public GenerationRequest Request(long seed, int clips, string name) => new()
    {
        ImagePath = Image, AudioPath = Audio, Prompt = "A person talks to the camera.", Size = "384*256",
        NumClip = clips, Seed = seed, OutputPath = Path.Combine(OutputDirectory, name + ".mp4"),
    };

    public static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} failed: {err}");
        return stdout.Result;
    }

    public void Dispose()
    {
        Generator.Dispose();
        _dir.Delete(true);
    }
}
