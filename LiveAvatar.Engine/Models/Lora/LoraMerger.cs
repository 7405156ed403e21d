using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Lora;

/// <summary>What a LoRA merge did: adapted modules, LoRA pairs with no matching model weight, and other tensors.</summary>
public sealed record LoraMergeReport(int Merged, IReadOnlyList<string> Unmatched, IReadOnlyList<string> NonLoraKeys);

/// <summary>
/// PEFT merge_and_unload for a saved adapter (liveavatar.safetensors): W ← W + (alpha/rank)·B·A per target Linear,
/// biases unchanged. Keys may carry the `base_model.model.` prefix and the `.default` adapter infix.
/// </summary>
public static class LoraMerger
{
    private const string PeftPrefix = "base_model.model.";

    /// <summary>Live Avatar's training config: rank 128, alpha 64 (scale 0.5).</summary>
    public const double DefaultAlpha = 64.0;

    /// <summary>Merges with <paramref name="alpha"/>, else the file's `lora_alpha` metadata, else 64.</summary>
    public static LoraMergeReport Merge(Module model, ICheckpointReader lora, double? alpha = null, int? rank = null)
    {
        alpha ??= lora.Metadata.TryGetValue("lora_alpha", out var a0)
            && double.TryParse(a0, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? parsed : DefaultAlpha;
        var pairs = new Dictionary<string, (CheckpointTensor? A, CheckpointTensor? B)>(StringComparer.Ordinal);
        var nonLora = new List<string>();
        foreach (var t in lora.Tensors)
        {
            var key = t.Name.StartsWith(PeftPrefix, StringComparison.Ordinal) ? t.Name[PeftPrefix.Length..] : t.Name;
            key = key.Replace(".default.weight", ".weight", StringComparison.Ordinal);
            if (key.EndsWith(".lora_A.weight", StringComparison.Ordinal))
            {
                var m = key[..^".lora_A.weight".Length];
                pairs[m] = (t, pairs.GetValueOrDefault(m).B);
            }
            else if (key.EndsWith(".lora_B.weight", StringComparison.Ordinal))
            {
                var m = key[..^".lora_B.weight".Length];
                pairs[m] = (pairs.GetValueOrDefault(m).A, t);
            }
            else nonLora.Add(t.Name);
        }

        var weights = model.NamedParameters().ToDictionary(p => p.Key, p => p.P, StringComparer.Ordinal);
        var unmatched = new List<string>();
        var merged = 0;
        foreach (var (module, (a, b)) in pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (a is null || b is null || !weights.TryGetValue(module + ".weight", out var w)) { unmatched.Add(module); continue; }
            var r = a.Shape[0];
            if (a.Shape.Length != 2 || b.Shape.Length != 2 || b.Shape[1] != r || w.Shape.Length != 2 || w.Shape[0] != b.Shape[0] || w.Shape[1] != a.Shape[1])
                throw new InvalidOperationException(
                    $"LoRA '{module}': A [{string.Join(", ", a.Shape)}], B [{string.Join(", ", b.Shape)}] do not fit weight [{string.Join(", ", w.Shape)}]");
            if (rank is { } expected && expected != r)
                throw new InvalidOperationException($"LoRA '{module}' has rank {r}, expected {expected}");
            using var scope = torch.NewDisposeScope();
            var current = w.T;
            // Long CPU ops with a scalar: kept alive through the native call (ScalarSafeOps, reliability F23).
            var delta = ScalarSafeOps.Mul(b.ToTensor(current.device, ScalarType.Float32).matmul(a.ToTensor(current.device, ScalarType.Float32)), alpha.Value / r);
            w.Set(ScalarSafeOps.Add(current.to(ScalarType.Float32), delta).to(current.dtype));
            merged++;
        }
        return new LoraMergeReport(merged, unmatched, nonLora);
    }
}
