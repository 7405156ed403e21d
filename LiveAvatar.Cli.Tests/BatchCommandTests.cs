using System.Text.Json;
using LiveAvatar.Cli.Commands;

namespace LiveAvatar.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class BatchCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("la-batch-");
    private readonly FakeGenerator _fake = new();

    public BatchCommandTests()
    {
        foreach (var f in new[] { "a.png", "fail.png", "a.wav" }) File.WriteAllText(Path.Combine(_dir.FullName, f), "x");
        GenerateCommand.Factory = _ => _fake;
    }

    public void Dispose()
    {
        GenerateCommand.Factory = GeneratorFactory.Create;
        _dir.Delete(true);
    }

    private async Task<(int, string)> Run(params string[] args)
    {
        var err = new StringWriter();
        var code = await BatchCommand.RunAsync(args, new StringWriter(), err);
        return (code, err.ToString());
    }

    [Fact]
    public async Task A_json_batch_runs_in_order_continues_past_a_failure_and_writes_a_summary()
    {
        var manifest = Path.Combine(_dir.FullName, "list.json");
        File.WriteAllText(manifest, """
            [ {"prompt": "one", "image": "a.png", "audio": "a.wav", "num_clip": 2},
              {"prompt": "two", "image": "fail.png", "audio": "a.wav"},
              {"prompt": "three", "image": "a.png", "audio": "a.wav", "size": "384*256"} ]
            """);
        var outDir = Path.Combine(_dir.FullName, "out");
        var (code, err) = await Run(manifest, "--save_dir", outDir);
        Assert.Equal(1, code);
        Assert.Equal(3, _fake.Requests.Count);
        Assert.Equal(2, _fake.Requests[0].NumClip);
        Assert.Equal("384*256", _fake.Requests[2].Size);
        Assert.Contains("image is not a picture", err);
        Assert.Contains("hint: use a JPEG or PNG", err);
        Assert.Contains("[2/3] failed", err);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.Equal(2, summary.RootElement.GetProperty("done").GetInt32());
        Assert.Equal(1, summary.RootElement.GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task A_rerun_skips_items_whose_output_exists()
    {
        var manifest = Path.Combine(_dir.FullName, "list.csv");
        File.WriteAllText(manifest, "prompt,image,audio,num_clip\n\"hello, world\",a.png,a.wav,1\nbye,a.png,a.wav,\n");
        var outDir = Path.Combine(_dir.FullName, "out");
        var (first, _) = await Run(manifest, "--save_dir", outDir);
        Assert.Equal(0, first);
        Assert.Equal("hello, world", _fake.Requests[0].Prompt);
        var (second, err) = await Run(manifest, "--save_dir", outDir);
        Assert.Equal(0, second);
        Assert.Equal(2, _fake.Requests.Count);
        Assert.Contains("2 skipped", err);
    }

    [Fact]
    public async Task A_manifest_with_missing_fields_names_each_problem()
    {
        var manifest = Path.Combine(_dir.FullName, "bad.json");
        File.WriteAllText(manifest, """[ {"prompt": "x", "image": "a.png"}, {"audio": "a.wav", "image": "a.png", "colour": "red"} ]""");
        var (code, err) = await Run(manifest);
        Assert.Equal(1, code);
        Assert.Contains("item 1: 'audio' is missing", err);
        Assert.Contains("item 2: 'prompt' is missing", err);
        Assert.Contains("unknown field 'colour'", err);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "cli";
}
