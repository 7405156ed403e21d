using LiveAvatar.Engine.Diagnostics;

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
        stdout.WriteLine($"native shim:     {LiveAvatar.Engine.Tensors.Torch.NativeLibraryPath}");
        stdout.WriteLine($"fused attention: {(LiveAvatar.Engine.Tensors.Torch.HasFusedAttention ? "yes" : "no (exact composite)")}");
        stdout.WriteLine($"float8:          {(LiveAvatar.Engine.Tensors.Torch.HasFloat8 ? "yes" : "no")}");
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

    internal static string Gib(long bytes) => $"{bytes / (1024.0 * 1024 * 1024):F1} GiB";
}
