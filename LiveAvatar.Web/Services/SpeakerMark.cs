namespace LiveAvatar.Web.Services;

/// <summary>
/// Where one speaker is in the reference picture: a filled circle around the click on their face. Stored relative
/// to the picture (X, Y as fractions of its width and height, Radius as a fraction of its shorter side), so the
/// marks survive a re-upload of the same picture at another size and render at any size.
/// </summary>
public sealed record SpeakerMark(double X, double Y, double Radius)
{
    /// <summary>A face in a two-person picture fills about a fifth of the shorter side; the person can resize it.</summary>
    public const double DefaultRadius = 0.2;
    public const double MinRadius = 0.04;
    public const double MaxRadius = 0.6;

    public static SpeakerMark At(double x, double y, double radius = DefaultRadius) =>
        new(Math.Clamp(x, 0, 1), Math.Clamp(y, 0, 1), Math.Clamp(radius, MinRadius, MaxRadius));

    /// <summary>A mark from pixel coordinates of a width × height picture (the API's speaker_points).</summary>
    public static SpeakerMark FromPixels(double x, double y, double? radius, int width, int height) =>
        At(x / width, y / height, radius is { } r ? r / Math.Min(width, height) : DefaultRadius);

    public (double X, double Y, double Radius) InPixels(int width, int height) =>
        (X * width, Y * height, Radius * Math.Min(width, height));
}
