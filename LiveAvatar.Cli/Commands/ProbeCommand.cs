using System.Globalization;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Cli.Commands;

/// <summary>
/// `liveavatar probe --image I --audio A --size S [--infer_frames 48]`: checks the inputs the way `generate` will
/// and prints the output size, the audio duration and how many clips the audio allows.
/// Exit codes: 0 ok, 1 bad input file, 2 usage error (including an unsupported --size).
/// </summary>
public static class ProbeCommand
{
    public const string Help = "check an image/audio pair: output size, audio duration, clip count";

    private const string Usage =
        "usage: liveavatar probe --image IMAGE --audio AUDIO [--size 704*384] [--infer_frames 48]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? image = null, audio = null, size = "704*384";
        var inferFrames = 48;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                stdout.WriteLine(Usage);
                return 0;
            }
            if (i + 1 >= args.Length || !name.StartsWith("--", StringComparison.Ordinal))
                return UsageError(stderr, $"unexpected argument '{name}'");
            var value = args[++i];
            switch (name)
            {
                case "--image": image = value; break;
                case "--audio": audio = value; break;
                case "--size": size = value; break;
                case "--infer_frames" or "--infer-frames":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out inferFrames) || inferFrames <= 0)
                        return UsageError(stderr, $"--infer_frames must be a positive integer, got '{value}'");
                    break;
                default: return UsageError(stderr, $"unknown option '{name}'");
            }
        }
        if (image is null && audio is null) return UsageError(stderr, "give --image, --audio or both");
        try
        {
            GenerationSize.MaxArea(size);
        }
        catch (MediaException e)
        {
            return UsageError(stderr, e.Message);
        }
        if (inferFrames % 12 != 0)
            stderr.WriteLine($"warning: infer_frames {inferFrames} is not a multiple of 12; the model drops trailing latents.");

        try
        {
            if (image is not null)
            {
                var img = await ReferenceImageLoader.LoadAsync(image, size!).ConfigureAwait(false);
                stdout.WriteLine($"image: {image} ({img.Source.Format}, {img.Source.Width}×{img.Source.Height} upright, " +
                    $"EXIF orientation {img.Source.Orientation})");
                stdout.WriteLine($"output size: {img.Width}×{img.Height} (W×H) for --size {size}");
            }
            if (audio is not null)
            {
                var track = await AudioLoader.LoadAsync(audio).ConfigureAwait(false);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"audio: {audio} ({track.Duration.TotalSeconds:0.000} s, {track.Samples.Length} samples at 16 kHz)"));
                stdout.WriteLine($"clips: {track.ClipCount(inferFrames)} of {inferFrames} frames at 25 fps");
            }
            return 0;
        }
        catch (MediaException e)
        {
            stderr.WriteLine($"liveavatar probe: {e.Message}");
            return 1;
        }
    }

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine($"liveavatar probe: {message}");
        stderr.WriteLine(Usage);
        return 2;
    }
}
