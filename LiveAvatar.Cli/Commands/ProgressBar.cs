using System.Globalization;
using LiveAvatar.Engine.Pipelines;

namespace LiveAvatar.Cli.Commands;

/// <summary>One-line progress on stderr: bar, clip/block/step, percent, elapsed and ETA.</summary>
public sealed class ProgressBar(TextWriter writer, bool interactive)
{
    private int _lastPercent = -1;

    public static string Format(GenerationProgress p, int width = 24)
    {
        var filled = (int)Math.Round(p.Fraction * width);
        var bar = new string('#', filled) + new string('-', width - filled);
        var eta = p.Eta is { } e ? Clock(e) : "--:--";
        return string.Create(CultureInfo.InvariantCulture,
            $"[{bar}] {p.Fraction * 100,3:F0}%  clip {p.Clip}/{p.Clips}  block {p.Block}/{p.Blocks}  step {p.Step}/{p.Steps}  elapsed {Clock(p.Elapsed)}  ETA {eta}");
    }

    public static string Clock(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes:00}:{t.Seconds:00}";

    public void Report(GenerationProgress p)
    {
        if (interactive) { writer.Write("\r" + Format(p)); return; }
        // Logs get a line per whole 10 percent instead of carriage-return redraws.
        var pct = (int)(p.Fraction * 10);
        if (pct == _lastPercent) return;
        _lastPercent = pct;
        writer.WriteLine(Format(p));
    }

    public void Line(string text)
    {
        if (interactive) writer.Write("\r\u001b[K");
        writer.WriteLine(text);
    }
}
