using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Tools.Parity;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Tests.Models.Vae;

/// <summary>The VAE fixture in the shared golden folder (see <see cref="TestSupport.GoldenPaths"/>).</summary>
internal static class VaeGolden
{
    public static string Root => TestSupport.GoldenPaths.Root;

    public static string VaeDir => Path.Combine(Root, "vae");

    /// <summary>Tensor.TotalCount after tensors other tests left to the finalizer are gone, so a later count
    /// differs only by what the test itself keeps.</summary>
    public static long SettledLiveCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Tensor.TotalCount;
    }

    /// <summary>The tiny fixture VAE in float32 on the CPU.</summary>
    public static Wan21Vae LoadTiny(GoldenFolder folder) =>
        Wan21Vae.Load(folder.ReaderFor("encoder.conv1.weight"), torch.CPU, ScalarType.Float32, VaeConfig.FromJson(folder.Config));
}
