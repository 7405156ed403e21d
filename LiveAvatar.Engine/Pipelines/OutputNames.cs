using System.Globalization;
using System.Text;

namespace LiveAvatar.Engine.Pipelines;

/// <summary>How the original names its videos when no file is given.</summary>
public static class OutputNames
{
    /// <summary>{YYYYmmdd_HHMMSS}_{steps}step_{prompt[:50] with ' ' and '/' → '_'}.mp4</summary>
    public static string Default(int steps, string prompt, DateTime at)
    {
        var p = new StringBuilder(prompt.Length > 50 ? prompt[..50] : prompt).Replace(' ', '_').Replace('/', '_').ToString();
        return $"{at.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}_{steps}step_{p}.mp4";
    }
}
