using System.Globalization;
using System.Net;

namespace LiveAvatar.Web;

public sealed partial record WebHostOptions
{
    public const int MinApiKeyLength = 16;

    // What WebApplicationFactory (the API tests) passes as host configuration; everything else is ours.
    private static readonly HashSet<string> AspNetHostKeys = new(StringComparer.OrdinalIgnoreCase)
        { "environment", "applicationName", "contentRoot" };

    /// <summary>True unless the bind address is loopback only (127.0.0.0/8, ::1, localhost).</summary>
    public bool IsExposed => !IsLoopbackHost(Host);

    /// <summary>Host header values accepted: the loopback names always, the bound name and any --allowed-host.
    /// A wildcard bind (0.0.0.0, ::) adds this machine's name and addresses, since those are what reach it.</summary>
    public IReadOnlyList<string> AllowedHostNames
    {
        get
        {
            var names = new List<string> { "localhost", "127.0.0.1", "[::1]" };
            string bound = Host.Trim('[', ']');
            if (bound is "0.0.0.0" or "::" or "*")
            {
                names.Add(Dns.GetHostName());
                try { names.AddRange(Dns.GetHostAddresses(Dns.GetHostName()).Select(FormatAddress)); }
                catch (System.Net.Sockets.SocketException) { }
            }
            else
            {
                names.Add(IPAddress.TryParse(bound, out var ip) ? FormatAddress(ip) : bound);
            }
            names.AddRange(ExtraAllowedHosts);
            return names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }
    }

    /// <summary>The warning printed at start-up when the server is reachable from other machines.</summary>
    public string ExposureWarning =>
        $"WARNING: LiveAvatar listens on {Url}, which other machines can reach. The page asks for the key " +
        "(login), the API needs it in the X-Api-Key header; anyone with the key can run jobs, read every result and " +
        "delete history. Traffic is plain HTTP: use it only on a network you trust, or put HTTPS in front.";

    private void CheckAccess()
    {
        if (IsExposed && ApiKey is null)
            throw new WebHostOptionsException(
                $"--host {Host} exposes the server to the network; set a key with --api-key KEY or {ApiKeyEnvironmentVariable} " +
                "(the page will ask for it, the API expects it in the X-Api-Key header).");
        if (ApiKey is { Length: < MinApiKeyLength })
            throw new WebHostOptionsException($"the API key must be at least {MinApiKeyLength} characters long.");
    }

    internal static bool IsLoopbackHost(string host)
    {
        string h = host.Trim('[', ']');
        return h.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || IPAddress.TryParse(h, out var ip) && IPAddress.IsLoopback(ip);
    }

    private static string FormatAddress(IPAddress ip) =>
        ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();

    private static string ParseHostName(string text)
    {
        if (Uri.CheckHostName(text.Trim('[', ']')) == UriHostNameType.Unknown)
            throw new WebHostOptionsException($"--allowed-host '{text}' is not a host name or address");
        return text;
    }

    private static int ParseCount(string option, string text, int max)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > max)
            throw new WebHostOptionsException($"{option} must be a whole number from 1 to {max}, got '{text}'");
        return n;
    }

    /// <summary>"--port=7861" is "--port 7861"; the ASP.NET host keys a test host passes go to <paramref name="host"/>.</summary>
    private static string[] SplitEquals(string[] args, List<string> host)
    {
        var result = new List<string>();
        foreach (string arg in args)
        {
            int eq = arg.IndexOf('=');
            if (!arg.StartsWith("--", StringComparison.Ordinal) || eq < 0)
            {
                result.Add(arg);
                continue;
            }
            string name = arg[2..eq];
            if (AspNetHostKeys.Contains(name)) host.Add(arg);
            else result.AddRange([arg[..eq], arg[(eq + 1)..]]);
        }
        return [.. result];
    }
}
