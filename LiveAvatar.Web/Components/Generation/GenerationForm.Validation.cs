namespace LiveAvatar.Web.Components.Generation;

public sealed partial class GenerationForm
{
    /// <summary>Every problem, keyed by the data-testid of the control to fix; empty when the form can be submitted.</summary>
    public IReadOnlyDictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(Prompt)) errors["prompt"] = "Describe the scene; the prompt is required.";
        else if (Prompt.Length > Services.QueueLimits.MaxPromptCharacters)
            errors["prompt"] = $"The prompt is {Prompt.Length:N0} characters; keep it under {Services.QueueLimits.MaxPromptCharacters:N0}.";
        if (Image is null) errors["image-upload"] = "Upload a reference image (a portrait works best).";
        if (Audio is null) errors["audio-upload"] = "Upload the audio the avatar should speak.";
        if (!Sizes.Contains(Size)) errors["size"] = $"Pick one of the supported sizes: {string.Join(", ", Sizes)}.";
        if (NumClip < 1) errors["num-clip"] = "At least 1 clip.";
        else if (NumClip > MaxNumClip) errors["num-clip"] = $"At most {MaxNumClip:N0} clips.";
        if (SampleSteps is < MinSteps or > MaxSteps)
            errors["sample-steps"] = $"The distilled sampler takes {MinSteps} to {MaxSteps} steps.";
        if (double.IsNaN(GuideScale) || GuideScale is < 0 or > MaxGuideScale)
            errors["guide-scale"] = $"Guidance scale goes from 0 to {MaxGuideScale:0}.";
        if (!InferFramesValid)
            errors["infer-frames"] = $"Frames per clip must be a multiple of {FrameMultiple} from {MinInferFrames} to {MaxInferFrames} " +
                "(other counts leave latents undenoised).";
        if (Seed is < 0 or > MaxSeed) errors["seed"] = $"Seed must be from 0 to {MaxSeed}.";
        return errors;
    }
}
