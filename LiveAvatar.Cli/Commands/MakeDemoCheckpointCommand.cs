using LiveAvatar.Tools.Demo;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Cli.Commands;

/// <summary>`liveavatar make-demo-checkpoint DIR`: tiny random weights in the real file layout.</summary>
public static class MakeDemoCheckpointCommand
{
    public const string Help = "write tiny untrained weights in the real checkpoint layout (for trying the tool without the 40 GB download)";

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = new ArgReader(args);
        if (a.Positional.Count != 1)
        {
            stderr.WriteLine("usage: liveavatar make-demo-checkpoint DIR [--seed N]");
            return Task.FromResult(2);
        }
        var seed = (ulong)a.Long("seed", 20260101);
        a.RejectUnknown();
        TorchRuntime.EnsureLoaded();
        var model = DemoCheckpoint.Write(a.Positional[0], seed);
        stdout.WriteLine($"wrote the demo checkpoint: --ckpt_dir {model}");
        stdout.WriteLine($"LoRA: {Path.Combine(Path.GetDirectoryName(model)!, DemoCheckpoint.LoraFolder, "liveavatar.safetensors")}");
        stdout.WriteLine("these weights are untrained: every video made with them is labelled as such and shows noise");
        return Task.FromResult(0);
    }
}
