using System.Diagnostics;

namespace LiveAvatar.Web.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class CommandLineTests
{
    [Fact]
    public async Task The_published_app_refuses_a_bad_port_with_usage_and_exit_code_2()
    {
        var start = new ProcessStartInfo(RepoPaths.PublishedApp)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = RepoPaths.Root,
        };
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add("seventy");
        using var process = Process.Start(start)!;

        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--port must be a whole number from 1 to 65535, got 'seventy'", stderr);
        Assert.Contains("Usage: LiveAvatar.Web", stderr);
    }
}
