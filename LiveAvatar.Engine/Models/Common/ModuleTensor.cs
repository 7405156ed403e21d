using static TorchSharp.torch;

namespace LiveAvatar.Engine.Models.Common;

/// <summary>One tensor a module computes with: <see cref="Get"/> reads it, <see cref="Bind"/> points the module at
/// another tensor of the same shape and dtype without freeing the old one (its owner, e.g. a weight streamer, does).</summary>
public readonly record struct ModuleTensor(Func<Tensor> Get, Action<Tensor> Bind);
