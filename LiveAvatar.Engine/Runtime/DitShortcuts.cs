namespace LiveAvatar.Engine.Runtime;

/// <summary>Work the DiT forward avoids by reusing what it already has; each gives the same numbers as without it
/// (the CPU tests and `selftest` compare), so they are on by default and switched off only to measure them.</summary>
public enum DitShortcut
{
    /// <summary>Each KV ring holds room after its rows for the sink's keys and values, so attention reads the ring in
    /// place instead of copying it into a fresh [ring | sink] buffer in every layer (two 130 MB copies per layer at
    /// 704*384). Costs the sink's size per ring on the device; the memory plan gives it to the rings that fit.</summary>
    RingTail,

    /// <summary>The text cross-attention's keys and values, which depend only on the prompt, are computed once by the
    /// sink prefill and kept with the sink cache, instead of two 512-row GEMMs per layer in every forward.</summary>
    TextKeys,

    /// <summary>q, k and v of an FP8 self-attention quantise their shared input once, and v is written straight into
    /// the KV ring.</summary>
    SharedFp8Input,

    /// <summary>The FFN's tanh GELU is applied inside the FP8 quantisation of the second linear's input instead of
    /// as a pass of its own (same bytes: `selftest`).</summary>
    FusedFp8Gelu,

    /// <summary>The residual's add of the text cross-attention output happens inside the next LayerNorm's kernel
    /// (bit-identical: `selftest`) instead of as a pass of its own over the float32 residual.</summary>
    FusedResidualAdd,

    /// <summary>The time embeddings of a timestep are made once per job (kept with the sink cache) instead of in every
    /// forward: the float32 projection upcasts its [30720, 5120] weight each time.</summary>
    TimeEmbeddings,
}

/// <summary>LIVEAVATAR_OFF=ring_tail,text_keys,shared_fp8_input,fused_fp8_gelu,fused_residual_add,time_embeddings switches
/// shortcuts off (benchmarks' "before");
/// an unknown name is an error naming the known ones.</summary>
public static class DitShortcuts
{
    private static readonly Dictionary<string, DitShortcut> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ring_tail"] = DitShortcut.RingTail,
        ["text_keys"] = DitShortcut.TextKeys,
        ["shared_fp8_input"] = DitShortcut.SharedFp8Input,
        ["fused_fp8_gelu"] = DitShortcut.FusedFp8Gelu,
        ["fused_residual_add"] = DitShortcut.FusedResidualAdd,
        ["time_embeddings"] = DitShortcut.TimeEmbeddings,
    };

    private static HashSet<DitShortcut> _off = Parse(Environment.GetEnvironmentVariable("LIVEAVATAR_OFF"));

    public static bool IsOff(DitShortcut shortcut) => _off.Contains(shortcut);

    /// <summary>Replaces the switched-off set (tests and benchmarks); returns the previous one to restore.</summary>
    public static IReadOnlySet<DitShortcut> SetOff(IEnumerable<DitShortcut> off)
    {
        var previous = _off;
        _off = [.. off];
        return previous;
    }

    /// <summary>The shortcuts a comma-separated list names; null or empty: none.</summary>
    public static HashSet<DitShortcut> Parse(string? list)
    {
        var set = new HashSet<DitShortcut>();
        foreach (var name in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            set.Add(Names.TryGetValue(name, out var s)
                ? s
                : throw new ArgumentException($"LIVEAVATAR_OFF names '{name}'; the shortcuts are {string.Join(", ", Names.Keys)}"));
        return set;
    }
}
