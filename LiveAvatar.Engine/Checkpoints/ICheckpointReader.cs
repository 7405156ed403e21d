namespace LiveAvatar.Engine.Checkpoints;

/// <summary>A read-only view of the tensors in one checkpoint (a file, a sharded set or a torch archive).
/// Tensor data stays memory-mapped; it is valid only while the reader is alive.</summary>
public interface ICheckpointReader : IDisposable
{
    string Path { get; }
    IReadOnlyList<CheckpointTensor> Tensors { get; }
    bool TryGet(string name, out CheckpointTensor tensor);

    /// <exception cref="KeyNotFoundException">The message names the key and the checkpoint.</exception>
    CheckpointTensor this[string name] { get; }

    IReadOnlyDictionary<string, string> Metadata { get; }
}
