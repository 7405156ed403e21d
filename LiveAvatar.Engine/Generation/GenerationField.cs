namespace LiveAvatar.Engine.Generation;

/// <summary>Names of the request fields a problem can be about. The CLI maps them to its flags, the page to its
/// controls; the messages themselves name no flag and no control.</summary>
public static class GenerationField
{
    public const string Image = "image";
    public const string Audio = "audio";
    public const string Prompt = "prompt";
    public const string Size = "size";
    public const string NumClip = "numClip";
    public const string SampleSteps = "sampleSteps";
    public const string GuideScale = "guideScale";
    public const string InferFrames = "inferFrames";
    public const string Seed = "seed";
    public const string Solver = "solver";
    public const string Fp8 = "fp8";
    public const string Devices = "devices";
    public const string Offload = "offload";
    public const string Lora = "lora";
    public const string SpeakerMasks = "speakerMasks";
    public const string PoseVideo = "poseVideo";
    public const string MemoryProfile = "memoryProfile";
}

/// <summary>One thing wrong with a request: which field, and what to change, in words that fit any front end.</summary>
public sealed record GenerationProblem(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
