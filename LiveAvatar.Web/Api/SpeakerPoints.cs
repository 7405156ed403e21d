using System.Globalization;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Api;

/// <summary>
/// The API's speaker_points field: where each speaker's face is in the reference picture, as "x,y;x,y" in the
/// picture's pixels (first speaker first), each optionally with a radius ("x,y,r"). The server paints the masks from
/// them exactly as it does for the page's clicks.
/// </summary>
public static class SpeakerPoints
{
    public const string Field = "speaker_points";
    public const string Format = "x,y;x,y in the picture's pixels (optionally x,y,r with a radius), first speaker first";

    public static IReadOnlyList<SpeakerMark>? Parse(string text, StoredUpload? image, Dictionary<string, string[]> problems)
    {
        var parts = text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != SpeakerMarking.Speakers)
            return Bad(problems, $"speaker_points needs {SpeakerMarking.Speakers} points ({Format}); got {parts.Length}.");
        if (image is null) return null; // the missing image is its own problem
        var marks = new List<SpeakerMark>();
        foreach (var (part, i) in parts.Select((p, i) => (p, i)))
        {
            var numbers = part.Split(',', StringSplitOptions.TrimEntries);
            var values = numbers.Select(n => double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : (double?)null).ToList();
            if (numbers.Length is < 2 or > 3 || values.Any(v => v is null))
                return Bad(problems, $"Speaker {i + 1}'s point '{TextSanitizer.SingleLine(part, 40)}' is not x,y or x,y,r ({Format}).");
            double x = values[0]!.Value, y = values[1]!.Value;
            if (x < 0 || y < 0 || x >= image.Width || y >= image.Height)
                return Bad(problems, $"Speaker {i + 1}'s point ({part}) lies outside the {image.Width}×{image.Height} picture.");
            if (values.Count == 3 && values[2] <= 0)
                return Bad(problems, $"Speaker {i + 1}'s radius must be above 0 pixels.");
            marks.Add(SpeakerMark.FromPixels(x, y, values.Count == 3 ? values[2] : null, image.Width, image.Height));
        }
        return marks;
    }

    private static IReadOnlyList<SpeakerMark>? Bad(Dictionary<string, string[]> problems, string message)
    {
        problems[Field] = [message];
        return null;
    }
}
