using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Cli.Commands;

/// <summary>`liveavatar env`: libtorch version, CUDA, devices and memory, checkpoint status.</summary>
public static class EnvCommand
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = new ArgReader(args);
        var ckpt = a.String("ckpt_dir") ?? Environment.GetEnvironmentVariable("LIVEAVATAR_CKPT_DIR") ?? "ckpt/Wan2.2-S2V-14B";
        a.RejectUnknown();
        var s = new NativeEngineStatusProvider(ckpt).GetStatus();
        if (!s.NativeLoaded)
        {
            stderr.WriteLine("libtorch: not loaded: " + s.NativeError);
            return Task.FromResult(1);
        }
        stdout.WriteLine($"libtorch:        {s.LibtorchVersion}");
        stdout.WriteLine($"TorchSharp:      {typeof(TorchSharp.torch).Assembly.GetName().Version} ({TorchRuntime.BindingPath ?? "binding found by TorchSharp"})");
        stdout.WriteLine($"extension:       {(NativeExtension.IsAvailable ? NativeExtension.LoadedFrom : "not loaded: " + NativeExtension.UnavailableReason)}");
        stdout.WriteLine($"float8:          {Fp8Line()}");
        stdout.WriteLine($"CUDA available:  {(s.CudaAvailable ? "yes" : "no")}");
        stdout.WriteLine("devices:");
        foreach (var d in s.Devices)
        {
            var mem = d.TotalBytes is { } t ? $"{Gib(t)} total" + (d.FreeBytes is { } f ? $", {Gib(f)} free" : "") : "";
            stdout.WriteLine($"  {d.Id,-8} {d.Name}{(mem.Length > 0 ? "  " + mem : "")}");
        }
        stdout.WriteLine("parallelism:");
        foreach (var line in (s.ParallelInfo ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            stdout.WriteLine("  " + line.Trim());
        var c = s.Checkpoint;
        stdout.WriteLine($"checkpoint:      {c.Directory}");
        if (!c.Exists) stdout.WriteLine("  missing: the folder does not exist (see README, 'Model weights')");
        else
        {
            stdout.WriteLine($"  kind: {(c.IsDemo ? "demo (untrained tiny weights)" : "real")}; {c.Present.Count} files present, {c.Missing.Count} missing");
            foreach (var m in c.Missing) stdout.WriteLine("  missing: " + m);
        }
        return Task.FromResult(0);
    }

    // The real check: FP8 needs the extension, a CUDA device and one tiny scaled matmul that runs.
    private static string Fp8Line()
    {
        if (!CudaDevices.IsAvailable) return "no (no CUDA device)";
        return Float8.IsSupported(Devices.Cuda(0), out var why) ? "yes (cuda:0)" : "no: " + why;
    }

    internal static string Gib(long bytes) => $"{bytes / (1024.0 * 1024 * 1024):F1} GiB";
}
