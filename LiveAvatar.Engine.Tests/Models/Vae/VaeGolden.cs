using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Engine.Parity;
using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Tests.Models.Vae;

/// <summary>The shared golden folder (LIVEAVATAR_GOLDEN, ../shared/golden above the repo root, or /work/shared/golden).</summary>
internal static class VaeGolden
{
    public static string Root
    {
        get
        {
            foreach (var candidate in new[] { Environment.GetEnvironmentVariable("LIVEAVATAR_GOLDEN") })
                if (!string.IsNullOrEmpty(candidate) && Directory.Exists(candidate)) return candidate;
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            {
                if (!File.Exists(Path.Combine(d.FullName, "LiveAvatar.sln"))) continue;
                var g = Path.Combine(d.FullName, "..", "shared", "golden");
                if (Directory.Exists(g)) return Path.GetFullPath(g);
            }
            if (Directory.Exists("/work/shared/golden")) return "/work/shared/golden";
            throw new DirectoryNotFoundException("golden fixtures not found; set LIVEAVATAR_GOLDEN to the shared/golden folder");
        }
    }

    public static string VaeDir => Path.Combine(Root, "vae");

    /// <summary>Tensor.LiveCount after tensors other tests left to the finalizer are gone, so a later count
    /// differs only by what the test itself keeps.</summary>
    public static long SettledLiveCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Tensor.LiveCount;
    }

    /// <summary>The tiny fixture VAE in float32 on the CPU.</summary>
    public static Wan21Vae LoadTiny(GoldenFolder folder) =>
        Wan21Vae.Load(folder.ReaderFor("encoder.conv1.weight"), Device.Cpu, DType.Float32, VaeConfig.FromJson(folder.Config));
}
