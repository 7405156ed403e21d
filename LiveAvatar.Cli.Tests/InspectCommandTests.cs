using LiveAvatar.Cli.Commands;
using LiveAvatar.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using Xunit;

using LiveAvatar.Engine.Tests.Checkpoints;
using LiveAvatar.Engine.Tests.Media;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Cli.Tests;

public sealed class InspectCommandTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private string WriteSample()
    {
        var path = _tmp.File("s.safetensors");
        SafetensorsWriter.Write(path,
        [
            ("z.weight", CheckpointDType.BFloat16, [1000, 1500], new byte[3_000_000]),
            ("a.bias", CheckpointDType.Float32, [3], new byte[12]),
        ]);
        return path;
    }

    private static async Task<(int Code, string Out, string Err)> Inspect(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = await InspectCommand.RunAsync(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public async Task Inspect_lists_tensors_sorted_by_name_with_totals()
    {
        var (code, output, err) = await Inspect(WriteSample());

        Assert.Equal(0, code);
        Assert.Empty(err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("name", lines[0]);
        Assert.Matches(@"^a\.bias\s+float32\s+\[3\]$", lines[1]);
        Assert.Matches(@"^z\.weight\s+bfloat16\s+\[1000, 1500\]$", lines[2]);
        Assert.Contains("2 tensors, 1,500,003 parameters, 3,000,012 bytes (3.00 MB)", output);
    }

    [Fact]
    public async Task Inspect_filter_keeps_only_matching_names()
    {
        var (code, output, _) = await Inspect(WriteSample(), "--filter", "bias");

        Assert.Equal(0, code);
        Assert.DoesNotContain("z.weight", output);
        Assert.Contains("1 tensors, 3 parameters, 12 bytes", output);
    }

    [Fact]
    public async Task Inspect_reads_the_golden_block_weights()
    {
        var (code, output, _) = await Inspect(Path.Combine(GoldenPaths.Root, "dit_block", "weights_blocks.safetensors"),
            "--filter", "blocks.0.self_attn.q.");

        Assert.Equal(0, code);
        Assert.Contains("blocks.0.self_attn.q.weight", output);
        Assert.Contains("[64, 64]", output);
    }

    [Fact]
    public async Task Inspect_of_a_broken_file_reports_on_stderr_and_exits_1()
    {
        var bad = _tmp.WriteBytes("bad.safetensors", [1, 2, 3]);

        var (code, output, err) = await Inspect(bad);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains("bad.safetensors", err);
        Assert.Contains("too short", err);
    }

    [Fact]
    public async Task Inspect_without_arguments_prints_usage_and_exits_2()
    {
        var (code, _, err) = await Inspect();

        Assert.Equal(2, code);
        Assert.Contains("usage: liveavatar inspect PATH", err);
    }
}
