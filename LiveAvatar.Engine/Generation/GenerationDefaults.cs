namespace LiveAvatar.Engine.Generation;

/// <summary>What a request holds when nobody says otherwise: the original's single-GPU script and Gradio page
/// (spec §7), except the sample steps, which its CLI defaults wrongly to 40.</summary>
public static class GenerationDefaults
{
    public const string Prompt =
        "A scene in which the anchorwoman is interacting with the audience, with a clean interior in the background.";

    public const string Size = "704*384";
    public const int SampleSteps = 4;
    public const double GuideScale = 0;
    public const int InferFrames = 48;
    public const long Seed = 420;
    public const string Solver = "euler";
    public const bool LoadLora = true;

    /// <summary>Clips when a person sets nothing in the page (the Gradio default); the CLI's default is "all the
    /// audio allows" (null).</summary>
    public const int PageNumClip = 10;
}
