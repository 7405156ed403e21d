namespace LiveAvatar.Engine.Checkpoints;

/// <summary>A checkpoint file is malformed, unsupported or unsafe. The message names the file and, where one is
/// involved, the tensor, so a user can tell which of several shards is broken.</summary>
public sealed class CheckpointFormatException : Exception
{
    public CheckpointFormatException(string file, string problem, Exception? inner = null)
        : base($"{file}: {problem}", inner)
    {
        File = file;
    }

    public CheckpointFormatException(string file, string tensor, string problem, Exception? inner = null)
        : base($"{file}: tensor '{tensor}': {problem}", inner)
    {
        File = file;
        Tensor = tensor;
    }

    public string File { get; }
    public string? Tensor { get; }
}
