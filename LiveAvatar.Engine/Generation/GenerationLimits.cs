namespace LiveAvatar.Engine.Generation;

/// <summary>The ranges a request must stay in, each with the reason it exists. The page's sliders and the CLI's
/// checks use these; nothing else restates them.</summary>
public static class GenerationLimits
{
    /// <summary>The distilled sampler keeps one KV cache per step and was trained for 4 (spec §4).</summary>
    public const int MinSampleSteps = 1, MaxSampleSteps = 4;

    /// <summary>Frames per clip: whole 12-frame blocks, up to the Gradio slider's 160 rounded down to a block.</summary>
    public const int MinInferFrames = VideoTiming.FramesPerBlock, MaxInferFrames = 156;

    /// <summary>The Gradio slider's range; above 1 runs classifier-free guidance with the negative prompt.</summary>
    public const double MinGuideScale = 0, MaxGuideScale = 10;

    /// <summary>The original scripts ask for 10000 clips and let the audio cap them; so does this limit.</summary>
    public const int MinNumClip = 1, MaxNumClip = 10_000;

    /// <summary>Seeds are non-negative; clip r uses seed + r, so the top stays far from overflow.</summary>
    public const long MinSeed = 0, MaxSeed = int.MaxValue;

    /// <summary>umT5 reads 512 tokens; a few thousand characters already exceed that in any language, and longer
    /// text only costs memory and the page's connection.</summary>
    public const int MaxPromptLength = 2000;

    public const double GuidanceThreshold = 1;

    /// <summary>Guidance above 1 doubles the DiT work (prompt and negative prompt each step).</summary>
    public static bool UsesGuidance(double guideScale) => guideScale > GuidanceThreshold;

    public static long RandomSeed(Random random) => random.NextInt64(MinSeed, MaxSeed + 1);
}
