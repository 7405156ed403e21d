using Xunit;
using LiveAvatar.Cli.Commands;

using LiveAvatar.Engine.Tests.Checkpoints;
using LiveAvatar.Engine.Tests.Media;

namespace LiveAvatar.Cli.Tests;

public sealed class ProbeCommandTests : IDisposable
{
    private readonly MediaTestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await ProbeCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Probe_prints_the_output_size_the_audio_duration_and_the_clip_count()
    {
        var image = _dir.Ffmpeg("boy.jpg", "-f", "lavfi", "-i", "testsrc=s=720x400", "-frames:v", "1");
        var audio = _dir.Ffmpeg("boy.wav", "-f", "lavfi", "-i", "sine=r=16000:d=10");

        var (code, output, _) = await Run("--image", image, "--audio", audio, "--size", "720*400", "--infer_frames", "48");

        Assert.Equal(0, code);
        Assert.Contains("output size: 704×384 (W×H)", output);
        Assert.Contains("10.000 s", output);
        Assert.Contains("clips: 6 of 48 frames", output);
    }

    [Fact]
    public async Task Probe_exits_1_with_the_message_on_a_bad_file()
    {
        var (code, _, err) = await Run("--image", _dir.PathOf("missing.jpg"), "--size", "704*384");

        Assert.Equal(1, code);
        Assert.Contains("does not exist", err);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--image")]
    [InlineData("--bogus x")]
    [InlineData("--image a.jpg --size abc")]
    [InlineData("--image a.jpg --size 0*0")]
    [InlineData("--audio a.wav --infer_frames -3")]
    public async Task Probe_exits_2_on_a_usage_error(string commandLine)
    {
        var (code, _, err) = await Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(2, code);
        Assert.Contains("usage: liveavatar probe", err);
    }
}
