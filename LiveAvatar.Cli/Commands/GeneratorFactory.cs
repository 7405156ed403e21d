using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Pipelines;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Cli.Commands;

/// <summary>Creates the engine's generator for CLI options.</summary>
public static class GeneratorFactory
{
    public static int CudaDeviceCount() => TorchRuntime.LoadError is null ? CudaDevices.Count : 0;

    public static IVideoGenerator Create(GenerateOptions options) =>
        new LiveAvatarGenerator(new GeneratorOptions(options.CheckpointDirectory) { OutputDirectory = options.SaveDirectory });
}
