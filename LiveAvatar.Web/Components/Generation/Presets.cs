namespace LiveAvatar.Web.Components.Generation;

public sealed record Preset(string Id, string Name, string Size, int NumClip, int SampleSteps, bool OnlineDecode, string Description);

/// <summary>The four starting points the issue asks for; applying one leaves inputs, seed and LoRA alone.</summary>
public static class Presets
{
    public static Preset Quick { get; } = new("quick", "Quick preview", "384*256", 10, 3, false,
        "384*256, 10 clips, 3 steps: a fast look at lip sync and framing.");

    public static Preset Standard { get; } = new("standard", "Standard", "688*368", 100, 4, false,
        "688*368, 100 clips, 4 steps: the usual quality, about 3 minutes of video.");

    public static Preset Long { get; } = new("long", "Long", "688*368", 1000, 4, true,
        "Online decode, 1000 clips: decodes as it goes so memory stays flat for long videos.");

    public static Preset HighQuality { get; } = new("hq", "High quality", "704*384", 50, 4, false,
        "704*384, 50 clips, 4 steps: the paper's resolution.");

    public static IReadOnlyList<Preset> All { get; } = [Quick, Standard, Long, HighQuality];

    public static Preset? Find(string? id) => All.FirstOrDefault(p => p.Id == id);
}
