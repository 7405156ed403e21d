using LiveAvatar.Web;

namespace LiveAvatar.Web.Tests.Security;

public class ExposureOptionsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.1.20")]
    [InlineData("::")]
    [InlineData("myhost.lan")]
    public void A_non_loopback_bind_without_a_key_refuses_to_start(string host)
    {
        var e = Assert.Throws<WebHostOptionsException>(() => WebHostOptions.Parse(["--host", host], NoEnvironment));

        Assert.Contains("exposes the server to the network", e.Message);
        Assert.Contains("--api-key", e.Message);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    [InlineData("localhost")]
    public void Loopback_binds_need_no_key(string host) =>
        Assert.False(WebHostOptions.Parse(["--host", host], NoEnvironment).IsExposed);

    [Fact]
    public void The_key_comes_from_the_option_or_the_environment_and_must_be_long_enough()
    {
        var fromEnv = WebHostOptions.Parse(["--host", "0.0.0.0"], n => n == WebHostOptions.ApiKeyEnvironmentVariable ? "sixteen-chars-ok" : null);
        var e = Assert.Throws<WebHostOptionsException>(() => WebHostOptions.Parse(["--api-key", "short"], NoEnvironment));

        Assert.Equal("sixteen-chars-ok", fromEnv.ApiKey);
        Assert.True(fromEnv.IsExposed);
        Assert.Contains("WARNING", fromEnv.ExposureWarning);
        Assert.Contains("at least 16 characters", e.Message);
    }

    [Fact]
    public void Allowed_hosts_are_the_loopback_names_plus_the_bound_and_extra_names()
    {
        var local = WebHostOptions.Parse([], NoEnvironment);
        var exposed = WebHostOptions.Parse(["--host", "10.0.0.5", "--api-key", "0123456789abcdef", "--allowed-host", "studio.lan"], NoEnvironment);

        Assert.Equal(["localhost", "127.0.0.1", "[::1]"], local.AllowedHostNames);
        Assert.Equal(["localhost", "127.0.0.1", "[::1]", "10.0.0.5", "studio.lan"], exposed.AllowedHostNames);
    }

    [Fact]
    public void Options_may_be_written_with_an_equals_sign_and_test_host_settings_pass_through()
    {
        var options = WebHostOptions.Parse(["--port=7999", "--environment=Development", "--max-pending=3"], NoEnvironment);

        Assert.Equal(7999, options.Port);
        Assert.Equal(3, options.Queue.MaxPending);
        Assert.Equal(["--environment=Development"], options.HostArguments);
    }
}
