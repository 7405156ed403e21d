namespace LiveAvatar.Cli.Commands;

/// <summary>Minimal `--name value` / `--flag` reader with errors that name the option.</summary>
public sealed class ArgReader
{
    private readonly Dictionary<string, string?> _named = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public ArgReader(string[] args, IReadOnlySet<string>? flags = null)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) { Positional.Add(a); continue; }
            var eq = a.IndexOf('=');
            if (eq > 0) { _named[a[2..eq]] = a[(eq + 1)..]; continue; }
            var name = a[2..];
            if (flags != null && flags.Contains(name))
            {
                // The original takes both `--fp8` and `--offload_model True`: accept a boolean word after a flag.
                if (i + 1 < args.Length && IsBoolWord(args[i + 1])) _named[name] = args[++i].ToLowerInvariant();
                else _named[name] = null;
                continue;
            }
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"option --{name} needs a value");
            _named[name] = args[++i];
        }
    }

    private static bool IsBoolWord(string s) => s.ToLowerInvariant() is "true" or "false" or "1" or "0" or "yes" or "no";

    public bool Flag(string name) => FlagOrNull(name) ?? false;

    /// <summary>True/false when given (bare flag = true), null when absent.</summary>
    public bool? FlagOrNull(string name)
    {
        _used.Add(name);
        if (!_named.TryGetValue(name, out var v)) return null;
        return v is null ? true : v.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => throw new ArgumentException($"--{name} takes true or false, got '{v}'"),
        };
    }

    public double Double(string name, double fallback)
    {
        var s = String(name);
        if (s == null) return fallback;
        if (!double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new ArgumentException($"--{name} must be a number, got '{s}'");
        return v;
    }

    public long Long(string name, long fallback)
    {
        var s = String(name);
        if (s == null) return fallback;
        if (!long.TryParse(s, out var v)) throw new ArgumentException($"--{name} must be an integer, got '{s}'");
        return v;
    }

    public string? String(string name)
    {
        _used.Add(name);
        return _named.TryGetValue(name, out var v) ? v : null;
    }

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = String(name);
        if (s == null) return fallback;
        if (!int.TryParse(s, out var v) || v < min || v > max)
            throw new ArgumentException($"--{name} must be an integer in [{min}, {max}], got '{s}'");
        return v;
    }

    /// <summary>Throws naming every option that no command asked for (typos).</summary>
    public void RejectUnknown()
    {
        var unknown = _named.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new ArgumentException("unknown option(s): " + string.Join(", ", unknown.Select(u => "--" + u)));
    }
}
