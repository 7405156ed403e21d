using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Web.Tests.Browser;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LiveAvatar.Web.Tests.Api;

/// <summary>
/// The real app (Program.cs, every middleware, the real generator) in memory through Mvc.Testing, over a fresh data
/// folder and, when one was made, the demo checkpoint (build/demo-ckpt, tiny random weights in the real layout).
/// Our own options travel as host settings ("--data=…"), which Program parses like command-line options.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly IVideoGenerator? generator;

    /// <param name="generator">A scripted generator for tests that need to hold a job between clips; null runs the
    /// real engine on the demo checkpoint.</param>
    public ApiFactory(string? apiKey = null, IReadOnlyDictionary<string, string>? settings = null, IVideoGenerator? generator = null)
    {
        this.generator = generator;
        ApiKey = apiKey;
        Settings = settings ?? new Dictionary<string, string>();
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "la-api-" + Guid.NewGuid().ToString("N")[..8]);
    public string? ApiKey { get; }
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The demo checkpoint test.sh writes; null when it has not been made.</summary>
    public static string? DemoCheckpoint
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("LIVEAVATAR_CKPT_DIR");
            string dir = !string.IsNullOrEmpty(env) ? env : Path.Combine(RepoPaths.Root, "build", "demo-ckpt", "Wan2.2-S2V-14B");
            return File.Exists(Path.Combine(dir, "liveavatar-demo.json")) ? dir : null;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("data", DataDirectory);
        builder.UseSetting("checkpoint", DemoCheckpoint ?? Path.Combine(DataDirectory, "no-ckpt", "Wan2.2-S2V-14B"));
        builder.UseSetting("min-free-disk-mb", "0");
        if (ApiKey is not null) builder.UseSetting("api-key", ApiKey);
        foreach (var (name, value) in Settings) builder.UseSetting(name, value);
        if (generator is not null) builder.ConfigureTestServices(s => s.AddSingleton(generator));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
