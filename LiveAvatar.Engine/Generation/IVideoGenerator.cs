namespace LiveAvatar.Engine.Generation;

/// <summary>The engine's whole public surface for making videos. No tensors cross it.</summary>
public interface IVideoGenerator
{
    /// <summary>What the loaded model can do (devices, demo weights, FP8).</summary>
    GeneratorInfo Info { get; }

    /// <summary>Checks a request without running it (<see cref="GenerationValidator"/> with this machine's facts):
    /// every problem, keyed by field, each saying what to change.</summary>
    IReadOnlyList<GenerationProblem> Validate(GenerationRequest request);

    /// <summary>Runs a job. Cancelling stops within one block, frees device memory and keeps finished clips
    /// (already yielded as <see cref="ClipReady"/>); the stream then ends with OperationCanceledException.</summary>
    IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);
}

public sealed record GeneratorInfo(
    bool IsDemo, string CheckpointDirectory, IReadOnlyList<string> Devices, bool SupportsFp8, bool LoraLoaded,
    IReadOnlyList<string> SupportedSizes)
{
    /// <summary>Whether the models are in memory now (otherwise the next job loads them first).</summary>
    public bool ModelsLoaded { get; init; }
}

public enum GenerationErrorKind { BadInput, OutOfMemory, MissingCheckpoint, Cancelled, Internal }

/// <summary>A failed job: what went wrong and what to try (lower the resolution, fewer frames, online decode…).</summary>
public sealed class GenerationException(GenerationErrorKind kind, string message, string? hint = null, Exception? inner = null)
    : Exception(message, inner)
{
    public GenerationErrorKind Kind { get; } = kind;
    public string? Hint { get; } = hint;
}
