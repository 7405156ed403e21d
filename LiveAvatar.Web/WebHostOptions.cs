using System.Globalization;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web;

/// <summary>Command-line settings of the web host. Paths are made absolute against the current directory.</summary>
public sealed partial record WebHostOptions(string Host, int Port, string CheckpointDirectory, string DataDirectory, bool ShowHelp)
{
    public UploadLimits Uploads { get; init; } = UploadLimits.Default;
    public QueueLimits Queue { get; init; } = QueueLimits.Default;

    /// <summary>The key (password) for the page and the API; required when <see cref="IsExposed"/>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Extra Host names to accept (a DNS name or address the server is reached by).</summary>
    public IReadOnlyList<string> ExtraAllowedHosts { get; init; } = [];

    /// <summary>Host settings a test host (WebApplicationFactory) passes as "--key=value"; handed to ASP.NET.</summary>
    public IReadOnlyList<string> HostArguments { get; init; } = [];

    public const string DefaultHost = "127.0.0.1";
    public const int DefaultPort = 7860;
    public const string CheckpointEnvironmentVariable = "LIVEAVATAR_CKPT_DIR";
    public const string ApiKeyEnvironmentVariable = "LIVEAVATAR_API_KEY";
    public const string DefaultCheckpointDirectory = "ckpt/Wan2.2-S2V-14B";
    public const string DefaultDataDirectory = "data/";

    public const string Usage = """
        Usage: LiveAvatar.Web [--host H] [--port N] [--api-key KEY] [--checkpoint DIR] [--data DIR] [limits]
          --host H          address to bind (default 127.0.0.1; any other address exposes the server and needs a key)
          --api-key KEY     key for the page (login) and the API (X-Api-Key header); default $LIVEAVATAR_API_KEY;
                            required with a non-loopback --host, at least 16 characters
          --allowed-host N  also accept requests addressed to host name N (repeatable; e.g. the machine's DNS name)
          --port N          port to listen on, 1-65535 (default 7860)
          --checkpoint DIR  model weights folder (default $LIVEAVATAR_CKPT_DIR, else ckpt/Wan2.2-S2V-14B)
          --data DIR        folder for uploads, generated clips and history (default data/)
          --max-image-mb N  largest accepted reference image upload (default 20)
          --max-audio-mb N  largest accepted audio upload (default 200)
          --max-video-mb N  largest accepted pose video upload (default 100)
          --max-pending N   jobs waiting or running, all clients together (default 20)
          --max-pending-per-client N   jobs waiting or running per client (default 3)
          --min-free-disk-mb N         free space the data folder needs before a job starts (default 1024)
          --help            show this text
        """;

    /// <summary>The URL Kestrel binds; IPv6 literals need brackets there.</summary>
    public string Url => Host.Contains(':') && !Host.StartsWith('[') ? $"http://[{Host}]:{Port}" : $"http://{Host}:{Port}";

    public static WebHostOptions Parse(string[] args, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string host = DefaultHost;
        int port = DefaultPort;
        string? checkpoint = null;
        string data = DefaultDataDirectory;
        bool help = false;
        var limits = UploadLimits.Default;

        string? apiKey = null;
        var queue = QueueLimits.Default;
        var allowedHosts = new List<string>();
        var hostArguments = new List<string>();
        args = SplitEquals(args, hostArguments);

        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--api-key": apiKey = ValueOf(args, ref i); break;
                case "--allowed-host": allowedHosts.Add(ParseHostName(ValueOf(args, ref i))); break;
                case "--max-pending": queue = queue with { MaxPending = ParseCount(arg, ValueOf(args, ref i), 1000) }; break;
                case "--max-pending-per-client": queue = queue with { MaxPendingPerClient = ParseCount(arg, ValueOf(args, ref i), 1000) }; break;
                case "--min-free-disk-mb": queue = queue with { MinFreeDiskBytes = ParseMegabytes(arg, ValueOf(args, ref i), allowZero: true) }; break;
                case "--host": host = ValueOf(args, ref i); break;
                case "--port": port = ParsePort(ValueOf(args, ref i)); break;
                case "--checkpoint": checkpoint = ValueOf(args, ref i); break;
                case "--data": data = ValueOf(args, ref i); break;
                case "--max-image-mb": limits = limits with { MaxImageBytes = ParseMegabytes(arg, ValueOf(args, ref i)) }; break;
                case "--max-audio-mb": limits = limits with { MaxAudioBytes = ParseMegabytes(arg, ValueOf(args, ref i)) }; break;
                case "--max-video-mb": limits = limits with { MaxVideoBytes = ParseMegabytes(arg, ValueOf(args, ref i)) }; break;
                case "-h" or "--help": help = true; break;
                default: throw new WebHostOptionsException($"unknown option '{arg}'");
            }
        }

        if (string.IsNullOrWhiteSpace(host)) throw new WebHostOptionsException("--host needs an address, e.g. 127.0.0.1");
        checkpoint ??= NonEmpty(environment(CheckpointEnvironmentVariable)) ?? DefaultCheckpointDirectory;
        apiKey ??= NonEmpty(environment(ApiKeyEnvironmentVariable));
        var options = new WebHostOptions(host, port, Path.GetFullPath(checkpoint), Path.GetFullPath(data), help)
        {
            Uploads = limits, Queue = queue, ApiKey = apiKey, ExtraAllowedHosts = allowedHosts, HostArguments = hostArguments,
        };
        if (!help) options.CheckAccess();
        return options;
    }

    private static string ValueOf(string[] args, ref int i)
    {
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new WebHostOptionsException($"{args[i]} needs a value");
        return args[++i];
    }

    private static int ParsePort(string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new WebHostOptionsException($"--port must be a whole number from 1 to 65535, got '{text}'");
        return port;
    }

    private static long ParseMegabytes(string option, string text, bool allowZero = false)
    {
        int min = allowZero ? 0 : 1;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int mb) || mb < min || mb > 100_000)
            throw new WebHostOptionsException($"{option} must be a whole number of megabytes from {min} to 100000, got '{text}'");
        return mb * UploadLimits.MiB;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

public sealed class WebHostOptionsException(string message) : Exception(message);
