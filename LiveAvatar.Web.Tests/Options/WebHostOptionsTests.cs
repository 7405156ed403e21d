namespace LiveAvatar.Web.Tests.Options;

public class WebHostOptionsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void No_arguments_bind_loopback_on_7860_with_default_folders()
    {
        var options = WebHostOptions.Parse([], NoEnvironment);

        Assert.Equal("127.0.0.1", options.Host);
        Assert.Equal(7860, options.Port);
        Assert.Equal("http://127.0.0.1:7860", options.Url);
        Assert.Equal(Path.GetFullPath("ckpt/Wan2.2-S2V-14B"), options.CheckpointDirectory);
        Assert.Equal(Path.GetFullPath("data/"), options.DataDirectory);
        Assert.False(options.ShowHelp);
    }

    [Fact]
    public void Host_and_port_choose_the_address()
    {
        var options = WebHostOptions.Parse(["--host", "0.0.0.0", "--port", "8080", "--api-key", "a-long-enough-secret"], NoEnvironment);

        Assert.Equal("http://0.0.0.0:8080", options.Url);
    }

    [Fact]
    public void An_ipv6_host_is_bracketed_in_the_url()
    {
        var options = WebHostOptions.Parse(["--host", "::1"], NoEnvironment);

        Assert.Equal("http://[::1]:7860", options.Url);
    }

    [Fact]
    public void Checkpoint_comes_from_the_environment_when_not_given()
    {
        var options = WebHostOptions.Parse([], name => name == "LIVEAVATAR_CKPT_DIR" ? "/models/s2v" : null);

        Assert.Equal("/models/s2v", options.CheckpointDirectory);
    }

    [Fact]
    public void Checkpoint_argument_wins_over_the_environment()
    {
        var options = WebHostOptions.Parse(["--checkpoint", "/a"], name => name == WebHostOptions.CheckpointEnvironmentVariable ? "/b" : null);

        Assert.Equal("/a", options.CheckpointDirectory);
    }

    [Fact]
    public void Relative_folders_are_resolved_against_the_current_directory()
    {
        var options = WebHostOptions.Parse(["--checkpoint", "weights", "--data", "out"], NoEnvironment);

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "weights"), options.CheckpointDirectory);
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "out"), options.DataDirectory);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("80.5")]
    public void A_bad_port_is_rejected_with_the_allowed_range(string port)
    {
        var error = Assert.Throws<WebHostOptionsException>(() => WebHostOptions.Parse(["--port", port], NoEnvironment));

        Assert.Contains("--port must be a whole number from 1 to 65535", error.Message);
        Assert.Contains($"'{port}'", error.Message);
    }

    [Fact]
    public void An_option_without_its_value_is_rejected()
    {
        var error = Assert.Throws<WebHostOptionsException>(() => WebHostOptions.Parse(["--port"], NoEnvironment));

        Assert.Equal("--port needs a value", error.Message);
    }

    [Fact]
    public void An_option_followed_by_another_option_is_missing_its_value()
    {
        var error = Assert.Throws<WebHostOptionsException>(
            () => WebHostOptions.Parse(["--checkpoint", "--port", "1"], NoEnvironment));

        Assert.Equal("--checkpoint needs a value", error.Message);
    }

    [Fact]
    public void An_unknown_option_is_named_in_the_error()
    {
        var error = Assert.Throws<WebHostOptionsException>(() => WebHostOptions.Parse(["--prot", "1"], NoEnvironment));

        Assert.Equal("unknown option '--prot'", error.Message);
    }

    [Fact]
    public void Help_is_recognised()
    {
        Assert.True(WebHostOptions.Parse(["--help"], NoEnvironment).ShowHelp);
    }
}
