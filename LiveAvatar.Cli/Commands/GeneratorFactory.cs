using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Cli.Commands;

/// <summary>Creates the engine's generator for CLI options.</summary>
public static class GeneratorFactory
{
    public static int CudaDeviceCount() => Torch.NativeLoadError == null ? Cuda.DeviceCount : 0;

    public static IVideoGenerator Create(GenerateOptions options) =>
        new LiveAvatarGenerator(new GeneratorOptions(options.CheckpointDirectory) { OutputDirectory = options.SaveDirectory });
}
