using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Parity;

/// <summary>An error bound: max|err| ≤ Abs + Rel·max|ref| (the manifests' "A * (1 + max|ref|)" is Abs = Rel = A),
/// optionally with a bound on the mean error.</summary>
public sealed record Tolerance(double Abs, double Rel, double? Mean = null)
{
    public static readonly Tolerance Exact = new(0, 0);

    public static Tolerance Scaled(double a) => new(a, a);

    public double Bound(double maxRef) => Abs + Rel * maxRef;

    /// <summary>Reads the forms the golden manifests use: "max|err| &lt;= 1e-4 * (1 + max|ref|)",
    /// "max|err| &lt;= 5e-3 and mean|err| &lt;= 1e-4", "exact". Returns null for text it cannot read.</summary>
    public static Tolerance? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.ToLowerInvariant();
        var scaled = Regex.Match(t, @"max\|err\|\s*<=\s*([0-9.e+-]+)\s*\*\s*\(1\s*\+\s*max\|ref\|\)");
        if (scaled.Success) return Scaled(Num(scaled.Groups[1].Value));
        var abs = Regex.Match(t, @"max\|err\|\s*<=\s*([0-9.e+-]+)");
        var mean = Regex.Match(t, @"mean\|err\|\s*<=\s*([0-9.e+-]+)");
        if (abs.Success) return new Tolerance(Num(abs.Groups[1].Value), 0, mean.Success ? Num(mean.Groups[1].Value) : null);
        if (t.StartsWith("exact", StringComparison.Ordinal)) return Exact;
        return null;
    }

    private static double Num(string s) => double.Parse(s.TrimEnd('.'), NumberStyles.Float, CultureInfo.InvariantCulture);
}

public sealed record ParityCheck(string Name, double MaxAbsError, double MeanAbsError, double MaxRef, Tolerance Tolerance)
{
    public bool Passed => MaxAbsError <= Tolerance.Bound(MaxRef) && (Tolerance.Mean is not { } m || MeanAbsError <= m);

    /// <summary>Compares two tensors of equal shape in float64 on the CPU.</summary>
    public static ParityCheck Compare(string name, Tensor reference, Tensor actual, Tolerance tol)
    {
        if (!reference.shape.SequenceEqual(actual.shape))
            throw new InvalidOperationException($"{name}: shape [{string.Join(", ", actual.shape)}], reference [{string.Join(", ", reference.shape)}]");
        using var scope = torch.NewDisposeScope();
        var r = reference.to(ScalarType.Float64, torch.CPU);
        var a = actual.to(ScalarType.Float64, torch.CPU);
        var err = (a - r).abs();
        return new ParityCheck(name, err.numel() == 0 ? 0 : err.amax().ToDouble(), err.numel() == 0 ? 0 : err.mean().ToDouble(),
            r.numel() == 0 ? 0 : r.abs().amax().ToDouble(), tol);
    }

    public override string ToString() =>
        $"{(Passed ? "PASS" : "FAIL")} {Name}: max|err| {MaxAbsError:E2} (bound {Tolerance.Bound(MaxRef):E2}), mean|err| {MeanAbsError:E2}" +
        (Tolerance.Mean is { } m ? $" (bound {m:E2})" : "") + $", max|ref| {MaxRef:G4}, rel {MaxAbsError / Math.Max(MaxRef, 1e-30):E2}";
}

/// <summary>Runs our code on one fixture folder's recorded inputs and compares every output.</summary>
public interface IParityRunner
{
    /// <summary>The manifest's `fixture` value this runner handles (dit_block, sampler_e2e, vae, t5, wav2vec2, tokenizer).</summary>
    string Fixture { get; }

    IEnumerable<ParityCheck> Run(GoldenFolder folder, Device device);
}

public static class ParityRegistry
{
    private static readonly List<IParityRunner> Runners = [];

    public static void Register(IParityRunner runner)
    {
        lock (Runners)
        {
            Runners.RemoveAll(r => r.Fixture == runner.Fixture);
            Runners.Add(runner);
        }
    }

    public static IParityRunner? Find(string fixture)
    {
        lock (Runners) return Runners.FirstOrDefault(r => r.Fixture == fixture);
    }

    public static IReadOnlyList<string> Known
    {
        get { lock (Runners) return Runners.Select(r => r.Fixture).Order().ToList(); }
    }
}
