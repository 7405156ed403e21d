namespace LiveAvatar.Engine.Generation;

/// <summary>
/// How much GPU memory a job may assume. Each profile is a budget for one card (24, 48 or 80 GB); <see cref="Auto"/>
/// picks one from what the chosen GPU has. The engine turns the profile into a <see cref="MemoryPlan"/>.
/// </summary>
public enum MemoryProfile { Auto, Gb24, Gb48, Gb80 }

/// <summary>The profiles' names in every front end ("auto", "24", "48", "80") and what each one does.</summary>
public static class MemoryProfiles
{
    public static IReadOnlyList<MemoryProfile> All { get; } = [MemoryProfile.Auto, MemoryProfile.Gb24, MemoryProfile.Gb48, MemoryProfile.Gb80];

    public static IReadOnlyList<string> Names { get; } = All.Select(Name).ToList();

    public static string Name(MemoryProfile p) => p switch
    {
        MemoryProfile.Gb24 => "24",
        MemoryProfile.Gb48 => "48",
        MemoryProfile.Gb80 => "80",
        _ => "auto",
    };

    /// <summary>"auto", "24", "48" or "80"; "24gb", "48 GB" and the like are taken too.</summary>
    public static bool TryParse(string? text, out MemoryProfile profile)
    {
        var t = (text ?? "").Trim().ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal);
        if (t.EndsWith("gb", StringComparison.Ordinal)) t = t[..^2];
        profile = t switch
        {
            "auto" or "" => MemoryProfile.Auto,
            "24" => MemoryProfile.Gb24,
            "48" => MemoryProfile.Gb48,
            "80" => MemoryProfile.Gb80,
            _ => (MemoryProfile)(-1),
        };
        return Enum.IsDefined(profile);
    }

    /// <summary>One line for a help text or a selector's tooltip.</summary>
    public static string Describe(MemoryProfile p) => p switch
    {
        MemoryProfile.Gb24 => "24 GB: FP8 weights streamed layer by layer from host memory, 8-bit KV cache in host memory, " +
                              "encoders on the CPU (slowest; needs about 42 GiB of host RAM)",
        MemoryProfile.Gb48 => "48 GB: FP8 weights and 8-bit KV cache resident, encoders on the CPU",
        MemoryProfile.Gb80 => "80 GB: everything resident in bf16 (fastest; block streaming)",
        _ => "auto: picks 80, 48 or 24 from the free memory of the chosen GPU and says which",
    };
}
