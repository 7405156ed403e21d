namespace LiveAvatar.Web.Tests.Components;

public class HomePageTests
{
    /// <summary>Every control the issue names (download appears with a result, so it is checked separately).</summary>
    public static readonly string[] PageTestIds =
    [
        "image-upload", "audio-upload", "prompt", "prompt-hint", "examples", "size", "size-output", "num-clip", "num-clip-info",
        "sample-steps", "guide-scale", "infer-frames", "seed", "seed-randomize", "online-decode", "vae-parallel", "fp8",
        "lora-enable", "lora-path", "lora-reload", "presets", "generate", "cancel", "progress", "preview", "result",
        "queue", "history", "status",
    ];
}
