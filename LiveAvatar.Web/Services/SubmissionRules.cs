namespace LiveAvatar.Web.Services;

/// <summary>
/// The checks a submission passes before it is queued: the engine's settings and conditioning rules (the generation
/// contract, the same ones the page form shows under its controls) plus what only this server knows, the LoRA list.
/// Problems are keyed by <see cref="GenerationField"/>; each front end maps them to its own controls or form fields.
/// </summary>
public static class SubmissionRules
{
    public static List<GenerationProblem> Check(JobParameters p, StoredUpload? image, StoredUpload? audio, LoraCatalog? loras,
        ConditioningInputs? conditioning = null)
    {
        string imageFile = image is { Kind: UploadKind.Image } ? image.FileName : "";
        string audioFile = audio is { Kind: UploadKind.Audio } ? audio.FileName : "";
        var c = conditioning ?? ConditioningInputs.None;
        var request = RequestBuilder.Build(p, imageFile, audioFile, outputPath: null, info: null, conditioning: c.Named());
        var problems = GenerationValidator.ValidateSettings(request).Concat(GenerationValidator.ValidateConditioning(request)).ToList();
        if (p.LoraEnabled && !string.IsNullOrWhiteSpace(p.LoraPath) && loras?.Resolve(p.LoraPath) is null)
        {
            var names = loras?.Names ?? [];
            problems.Add(new(GenerationField.Lora, names.Count == 0
                ? $"'{TextSanitizer.SingleLine(p.LoraPath, 80)}' is not a LoRA file of this server; none are in the checkpoint folder."
                : $"'{TextSanitizer.SingleLine(p.LoraPath, 80)}' is not in the list of LoRA files; pick one of: {string.Join(", ", names)}."));
        }
        return problems;
    }
}
