using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Fp8;

/// <summary>What <see cref="Fp8Conversion.Apply"/> did: layers converted, Linear layers left alone by the
/// exclusion rule, and device bytes freed.</summary>
public sealed record Fp8ConversionReport(int Converted, IReadOnlyList<string> Skipped, long BytesSaved);

/// <summary>The Linear layers of a module split by the exclusion rule (dotted names as torch named_modules).</summary>
public sealed record Fp8Selection(IReadOnlyList<(string Name, Linear Layer)> Convert, IReadOnlyList<string> Skipped);

/// <summary>
/// The `--fp8` switch (spec §3.7): after the LoRA merge, every Linear of the DiT becomes per-tensor E4M3 except the
/// embeddings, the time projection, the output head and the audio encoder's final linear. Convs stay bf16.
/// </summary>
public static class Fp8Conversion
{
    /// <summary>A Linear whose dotted name contains one of these stays in the model dtype (the original's ignore_keys).</summary>
    public static IReadOnlyList<string> ExcludedSubstrings { get; } =
        ["text_embedding", "time_embedding", "time_projection", "head.head", "casual_audio_encoder.encoder.final_linear"];

    public const string Requirement = "FP8 needs a CUDA GPU with FP8 support (Hopper or Ada, e.g. H100/H200/L40S/RTX 4090) and libtorch 2.4 or newer";

    public static bool IsExcluded(string name) => ExcludedSubstrings.Any(s => name.Contains(s, StringComparison.Ordinal));

    /// <summary>Splits the Linear layers by the exclusion rule; touches no tensor, so it works on meta models.</summary>
    public static Fp8Selection Select(Module dit)
    {
        var convert = new List<(string, Linear)>();
        var skipped = new List<string>();
        foreach (var (name, m) in dit.NamedModules())
        {
            if (m is not Linear linear) continue;
            if (IsExcluded(name)) skipped.Add(name);
            else convert.Add((name, linear));
        }
        return new Fp8Selection(convert, skipped);
    }

    /// <summary>
    /// Quantises the selected layers in place on the device their weights live on. Everything is checked before
    /// the first layer changes, so a refusal leaves the model untouched.
    /// </summary>
    public static Fp8ConversionReport Apply(Module dit) => Apply(dit, _ => true);

    /// <summary>As <see cref="Apply(Module)"/>, for the layers whose dotted name <paramref name="include"/> accepts
    /// (a streamed model converts block by block, each while it is on the device).</summary>
    public static Fp8ConversionReport Apply(Module dit, Func<string, bool> include)
    {
        var all = Select(dit);
        var selection = new Fp8Selection(all.Convert.Where(c => include(c.Name)).ToList(), all.Skipped.Where(include).ToList());
        var todo = selection.Convert.Where(c => c.Layer.Fp8 is null).ToList(); // a second Apply converts nothing
        if (todo.Count == 0) return new Fp8ConversionReport(0, selection.Skipped, 0);
        var device = todo[0].Layer.Weight.T.device;
        EnsureSupported(device);
        var bad = todo
            .Select(c => (c.Name, Problem: Fp8Weight.ShapeProblem(c.Layer.Weight.Shape[0], c.Layer.Weight.Shape[1])))
            .Where(c => c.Problem is not null)
            .Select(c => $"{c.Name}: {c.Problem}")
            .ToList();
        if (bad.Count > 0) throw new NotSupportedException("FP8 cannot convert these layers: " + string.Join("; ", bad));
        var elsewhere = todo.Where(c => !Devices.Same(c.Layer.Weight.T.device, device)).Select(c => c.Name).ToList();
        if (elsewhere.Count > 0)
            throw new NotSupportedException($"FP8 conversion expects every layer on {device}; {string.Join(", ", elsewhere.Take(5))} are not");

        long saved = 0;
        foreach (var (_, layer) in todo) saved += layer.QuantizeFp8();
        return new Fp8ConversionReport(todo.Count, selection.Skipped, saved);
    }

    /// <summary>Throws naming what is missing when FP8 cannot run on <paramref name="device"/>.</summary>
    public static void EnsureSupported(Device device)
    {
        if (MissingFor(device) is { } missing) throw new NotSupportedException($"{Requirement}; {missing}");
    }

    /// <summary>What stops FP8 on <paramref name="device"/>, or null: the native extension's real check, which ends
    /// with one tiny FP8 matmul, as older GPUs (Ampere and before) only fail there.</summary>
    public static string? MissingFor(Device device)
    {
        if (device.type != DeviceType.CUDA) return $"the model is on {Devices.Name(device)}, not a CUDA device";
        return Float8.IsSupported(device, out var why) ? null : why;
    }
}
