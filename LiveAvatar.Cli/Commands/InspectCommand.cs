using System.Globalization;
using LiveAvatar.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Cli.Commands;

/// <summary><c>liveavatar inspect PATH [--filter SUBSTR]</c>: lists the tensors of a checkpoint without loading them.</summary>
public static class InspectCommand
{
    public const string Help = "list tensors (name, dtype, shape) of a safetensors file, sharded folder or .pth";

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? path = null;
        string? filter = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--filter" && i + 1 < args.Length) filter = args[++i];
            else if (args[i] is "-h" or "--help") return Task.FromResult(Usage(stdout, 0));
            else if (args[i].StartsWith('-') || path is not null) return Task.FromResult(Usage(stderr, 2));
            else path = args[i];
        }
        if (path is null) return Task.FromResult(Usage(stderr, 2));

        ICheckpointReader reader;
        try
        {
            reader = CheckpointReader.Open(path);
        }
        catch (Exception e) when (e is CheckpointFormatException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"liveavatar inspect: {e.Message}");
            return Task.FromResult(1);
        }
        using (reader)
        {
            Print(reader, filter, stdout);
        }
        return Task.FromResult(0);
    }

    private static void Print(ICheckpointReader reader, string? filter, TextWriter w)
    {
        var tensors = reader.Tensors
            .Where(t => filter is null || t.Name.Contains(filter, StringComparison.Ordinal))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        int nameWidth = tensors.Count == 0 ? 4 : Math.Max(4, tensors.Max(t => t.Name.Length));
        int dtypeWidth = tensors.Count == 0 ? 5 : Math.Max(5, tensors.Max(t => t.DType.Name().Length));
        w.WriteLine($"{"name".PadRight(nameWidth)}  {"dtype".PadRight(dtypeWidth)}  shape");
        long parameters = 0, bytes = 0;
        foreach (var t in tensors)
        {
            w.WriteLine($"{t.Name.PadRight(nameWidth)}  {t.DType.Name().PadRight(dtypeWidth)}  [{string.Join(", ", t.Shape)}]");
            parameters += t.ElementCount;
            bytes += t.ByteLength;
        }
        var inv = CultureInfo.InvariantCulture;
        w.WriteLine();
        w.WriteLine(string.Format(inv, "{0:N0} tensors, {1:N0} parameters, {2:N0} bytes ({3})",
            tensors.Count, parameters, bytes, HumanBytes(bytes)));
    }

    private static string HumanBytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.Length - 1)
        {
            v /= 1000;
            u++;
        }
        return string.Format(CultureInfo.InvariantCulture, u == 0 ? "{0:0} {1}" : "{0:0.00} {1}", v, units[u]);
    }

    private static int Usage(TextWriter w, int code)
    {
        w.WriteLine("usage: liveavatar inspect PATH [--filter SUBSTR]");
        w.WriteLine("  PATH  a .safetensors file, a *.safetensors.index.json, a folder holding one, or a torch .pth/.pt/.bin");
        return code;
    }
}
