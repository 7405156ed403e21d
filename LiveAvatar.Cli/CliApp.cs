namespace LiveAvatar.Cli;

/// <summary>Dispatches `liveavatar COMMAND ...` to the command classes.</summary>
public static class CliApp
{
    private static readonly (string Name, string Help, Func<string[], TextWriter, TextWriter, Task<int>> Run)[] All =
    [
        ("generate", LiveAvatar.Cli.Commands.GenerateCommand.Help, LiveAvatar.Cli.Commands.GenerateCommand.RunAsync),
        ("batch", LiveAvatar.Cli.Commands.BatchCommand.Help, LiveAvatar.Cli.Commands.BatchCommand.RunAsync),
        ("live-client", LiveAvatar.Cli.Commands.LiveClientCommand.Help, LiveAvatar.Cli.Commands.LiveClientCommand.RunAsync),
        ("make-demo-checkpoint", LiveAvatar.Cli.Commands.MakeDemoCheckpointCommand.Help, LiveAvatar.Cli.Commands.MakeDemoCheckpointCommand.RunAsync),
        ("inspect", LiveAvatar.Cli.Commands.InspectCommand.Help, LiveAvatar.Cli.Commands.InspectCommand.RunAsync),
        ("parity", LiveAvatar.Cli.Commands.ParityCommand.Help, LiveAvatar.Cli.Commands.ParityCommand.RunAsync),
        ("probe", LiveAvatar.Cli.Commands.ProbeCommand.Help, LiveAvatar.Cli.Commands.ProbeCommand.RunAsync),
        ("env", "libtorch version, CUDA, devices and memory, checkpoint status", LiveAvatar.Cli.Commands.EnvCommand.RunAsync),
        ("bench", "bench matmul|dit|vae|sampler: throughput, time and memory on a device (synthetic full-size weights)", LiveAvatar.Cli.Commands.BenchCommand.RunAsync),
        ("soak", LiveAvatar.Cli.Commands.SoakCommand.Help, LiveAvatar.Cli.Commands.SoakCommand.RunAsync),
        ("selftest", "check the tensor layer on a device against host-computed values", LiveAvatar.Cli.Commands.SelfTestCommand.RunAsync),
    ];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage(stdout);
            return args.Length == 0 ? 2 : 0;
        }
        foreach (var c in All)
        {
            if (c.Name == args[0])
            {
                try { return await c.Run(args[1..], stdout, stderr); }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    stderr.WriteLine($"liveavatar {c.Name}: {e.Message}");
                    if (Environment.GetEnvironmentVariable("LIVEAVATAR_DEBUG") == "1") stderr.WriteLine(e);
                    return 1;
                }
            }
        }
        stderr.WriteLine($"liveavatar: unknown command '{args[0]}'");
        PrintUsage(stderr);
        return 2;
    }

    private static void PrintUsage(TextWriter w)
    {
        w.WriteLine("usage: liveavatar COMMAND [options]");
        w.WriteLine();
        foreach (var c in All) w.WriteLine($"  {c.Name,-22} {c.Help}");
    }
}
