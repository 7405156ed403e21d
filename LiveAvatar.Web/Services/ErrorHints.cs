using LiveAvatar.Engine.Pipelines;

namespace LiveAvatar.Web.Services;

/// <summary>What to try next for each kind of engine failure, when the engine gives no hint of its own.</summary>
public static class ErrorHints
{
    public const string OutOfMemory = GenerationHints.OutOfMemory;

    public const string MissingCheckpoint =
        "Put the model weights in the checkpoint folder shown under Engine status, or restart with --checkpoint DIR.";

    public const string BadInput =
        "Check the highlighted inputs: a still portrait image, an audio file with speech, a supported size.";

    public const string Internal = "This is a bug or an unexpected engine state; the server log has the details.";

    public static string For(GenerationErrorKind kind, string? engineHint) =>
        !string.IsNullOrWhiteSpace(engineHint) ? engineHint : kind switch
        {
            GenerationErrorKind.OutOfMemory => OutOfMemory,
            GenerationErrorKind.MissingCheckpoint => MissingCheckpoint,
            GenerationErrorKind.BadInput => BadInput,
            GenerationErrorKind.Cancelled => "Cancelled; finished clips stay playable.",
            _ => Internal,
        };

    public static JobError From(Exception e) => e switch
    {
        GenerationException g => new JobError(g.Kind, g.Message, For(g.Kind, g.Hint)),
        OutOfMemoryException => new JobError(GenerationErrorKind.OutOfMemory, e.Message, OutOfMemory),
        FileNotFoundException or DirectoryNotFoundException =>
            new JobError(GenerationErrorKind.MissingCheckpoint, e.Message, MissingCheckpoint),
        _ => new JobError(GenerationErrorKind.Internal, e.Message, Internal),
    };
}
