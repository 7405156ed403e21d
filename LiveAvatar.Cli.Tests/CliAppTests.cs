using LiveAvatar.Cli;

namespace LiveAvatar.Cli.Tests;

public sealed class CliAppTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = await CliApp.RunAsync(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var (code, output, _) = await Run("--help");
        Assert.Equal(0, code);
        foreach (var c in new[] { "env", "inspect", "parity", "probe", "bench", "selftest" }) Assert.Contains(c, output);
    }

    [Fact]
    public async Task An_unknown_command_is_named_and_exits_with_a_usage_error()
    {
        var (code, _, err) = await Run("frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("unknown command 'frobnicate'", err);
    }

    [Fact]
    public async Task A_misspelt_option_is_refused_with_its_name()
    {
        var (code, _, err) = await Run("bench", "matmul", "--sise", "64");
        Assert.Equal(1, code);
        Assert.Contains("--sise", err);
    }

    [Fact]
    public async Task Parity_on_a_folder_without_a_manifest_says_so()
    {
        var dir = Directory.CreateTempSubdirectory("la-parity-");
        try
        {
            var (code, _, err) = await Run("parity", dir.FullName);
            Assert.Equal(1, code);
            Assert.Contains("manifest.json", err);
        }
        finally { dir.Delete(true); }
    }
}
