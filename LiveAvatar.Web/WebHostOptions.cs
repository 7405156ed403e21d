using System.Globalization;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web;

/// <summary>Command-line settings of the web host. Paths are made absolute against the current directory.</summary>
public sealed record WebHostOptions(string Host, int Port, string CheckpointDirectory, string DataDirectory, bool ShowHelp)
{
    public UploadLimits Uploads { get; init; } = UploadLimits.Default;

    public const string DefaultHost = "127.0.0.1";
    public const int DefaultPort = 7860;
    public const string CheckpointEnvironmentVariable = "LIVEAVATAR_CKPT_DIR";
    public const string DefaultCheckpointDirectory = "ckpt/Wan2.2-S2V-14B";
    public const string DefaultDataDirectory = "data/";

    public const string Usage = """
        Usage: LiveAvatar.Web [--host H] [--port N] [--checkpoint DIR] [--data DIR] [--max-image-mb N] [--max-audio-mb N]
          --host H          address to bind (default 127.0.0.1; use 0.0.0.0 to expose the page on the network)
          --port N          port to listen on, 1-65535 (default 7860)
          --checkpoint DIR  model weights folder (default $LIVEAVATAR_CKPT_DIR, else ckpt/Wan2.2-S2V-14B)
          --data DIR        folder for uploads, generated clips and history (default data/)
          --max-image-mb N  largest accepted reference image upload (default 20)
          --max-audio-mb N  largest accepted audio upload (default 200)
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

        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--host": host = ValueOf(args, ref i); break;
                case "--port": port = ParsePort(ValueOf(args, ref i)); break;
                case "--checkpoint": checkpoint = ValueOf(args, ref i); break;
                case "--data": data = ValueOf(args, ref i); break;
                case "--max-image-mb": limits = limits with { MaxImageBytes = ParseMegabytes(arg, ValueOf(args, ref i)) }; break;
                case "--max-audio-mb": limits = limits with { MaxAudioBytes = ParseMegabytes(arg, ValueOf(args, ref i)) }; break;
                case "-h" or "--help": help = true; break;
                default: throw new WebHostOptionsException($"unknown option '{arg}'");
            }
        }

        if (string.IsNullOrWhiteSpace(host)) throw new WebHostOptionsException("--host needs an address, e.g. 127.0.0.1");
        checkpoint ??= NonEmpty(environment(CheckpointEnvironmentVariable)) ?? DefaultCheckpointDirectory;
        return new WebHostOptions(host, port, Path.GetFullPath(checkpoint), Path.GetFullPath(data), help) { Uploads = limits };
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

    private static long ParseMegabytes(string option, string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int mb) || mb is < 1 or > 100_000)
            throw new WebHostOptionsException($"{option} must be a whole number of megabytes from 1 to 100000, got '{text}'");
        return mb * UploadLimits.MiB;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

public sealed class WebHostOptionsException(string message) : Exception(message);
