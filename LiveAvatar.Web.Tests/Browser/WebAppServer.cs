using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LiveAvatar.Web.Tests.Browser;

/// <summary>
/// The published LiveAvatar.Web running as a child process on a free loopback port, started from the repo root so
/// relative folders mean what they mean for a user. Disposing kills the whole process tree.
/// </summary>
public sealed class WebAppServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly StringBuilder log = new();

    private WebAppServer(Process process, Uri baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>Everything the server wrote so far, for failure messages.</summary>
    public string Log
    {
        get { lock (log) return log.ToString(); }
    }

    /// <param name="port">A fixed port, e.g. the one a killed server used, so that open pages reconnect to the new
    /// one; a free port when null.</param>
    public static async Task<WebAppServer> StartAsync(IEnumerable<string>? extraArgs = null,
        IReadOnlyDictionary<string, string>? environment = null, int? port = null)
    {
        string app = RepoPaths.PublishedApp;
        if (!File.Exists(app))
        {
            throw new InvalidOperationException(
                $"The published web app is missing ({app}). Run ./launch-scripts/test.sh, " +
                "or `dotnet publish LiveAvatar.Web -c Release -o build/web`, then run the tests again.");
        }
        if (RepoPaths.NewestSourceAfterPublish() is { } changed)
        {
            throw new InvalidOperationException(
                $"The published web app is older than {changed}; the browser tests would test stale code. " +
                "Run ./launch-scripts/test.sh or `dotnet publish LiveAvatar.Web -c Release -o build/web` again.");
        }

        int listenPort = port ?? FreePort();
        var start = new ProcessStartInfo(app)
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(listenPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (string arg in extraArgs ?? []) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {app}");
        var server = new WebAppServer(process, new Uri($"http://127.0.0.1:{listenPort}/"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await server.WaitUntilAnsweringAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Ends the server as a crash or `kill -9` does (SIGKILL, children included): no shutdown code runs,
    /// so what is on disk is what a real crash leaves.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The web app exited with code {process.ExitCode}:\n{Log}");
            try
            {
                using var response = await http.GetAsync(BaseUrl);
                // A server with a key answers 401 until the page logs in; either way it is up.
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The web app did not answer on {BaseUrl} within {StartTimeout}:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (log) log.AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
