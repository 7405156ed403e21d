using LiveAvatar.Tools.Parity;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Cli.Commands;

/// <summary>`liveavatar parity DIR [--device D]`: runs our code on a golden folder's recorded inputs and prints
/// max-abs and relative error per output; exits 1 on any failure.</summary>
public static class ParityCommand
{
    public const string Help = "compare our modules with a golden reference folder (manifest.json + safetensors)";

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = new ArgReader(args);
        if (a.Positional.Count != 1)
        {
            stderr.WriteLine("usage: liveavatar parity DIR [--device cpu|cuda:N]");
            return Task.FromResult(2);
        }
        var device = Devices.Parse(a.String("device") ?? "cpu");
        a.RejectUnknown();
        ParityRunners.RegisterAll();
        using var folder = new GoldenFolder(a.Positional[0]);
        var runner = ParityRegistry.Find(folder.Fixture);
        if (runner is null)
        {
            stderr.WriteLine($"liveavatar parity: {folder.Directory}: fixture '{folder.Fixture}' has no runner (known: {string.Join(", ", ParityRegistry.Known)})");
            return Task.FromResult(1);
        }
        TorchRuntime.EnsureLoaded();
        stdout.WriteLine($"parity {folder.Fixture} in {folder.Directory} on {device}");
        int passed = 0, failed = 0;
        foreach (var check in runner.Run(folder, device))
        {
            stdout.WriteLine(check.ToString());
            if (check.Passed) passed++; else failed++;
        }
        stdout.WriteLine($"{passed} passed, {failed} failed");
        return Task.FromResult(failed == 0 && passed > 0 ? 0 : 1);
    }
}
