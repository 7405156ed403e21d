using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Tools.SelfChecks;

namespace LiveAvatar.Cli.Commands;

/// <summary>
/// `liveavatar selftest [--device cuda:N]`: checks libtorch through TorchSharp on a device against independently
/// computed values (see <see cref="TorchSelfTest"/>). This is how the tensor checks run on a GPU machine, which has
/// no .NET SDK; it ends with the plain "N passed, N failed" line.
/// </summary>
public static class SelfTestCommand
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = new ArgReader(args);
        TorchRuntime.EnsureLoaded();
        var device = Devices.Parse(a.String("device") ?? (CudaDevices.IsAvailable ? "cuda:0" : "cpu"));
        a.RejectUnknown();
        var (_, failed) = TorchSelfTest.Run(device, stdout);
        return Task.FromResult(failed == 0 ? 0 : 1);
    }
}
