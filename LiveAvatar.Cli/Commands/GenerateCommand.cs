
namespace LiveAvatar.Cli.Commands;

/// <summary>`liveavatar generate`: one video, with a progress bar and ETA on stderr.</summary>
public static class GenerateCommand
{
    public const string Help = "make a talking-avatar video (the original's flags; --help lists them)";

    /// <summary>Builds the generator for parsed options; replaced in tests.</summary>
    public static Func<GenerateOptions, IVideoGenerator> Factory { get; set; } = GeneratorFactory.Create;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Contains("--help") || args.Contains("-h")) { stdout.WriteLine(GenerateOptions.Usage); return 0; }
        GenerateOptions options;
        try
        {
            options = GenerateOptions.Parse(args, GeneratorFactory.CudaDeviceCount());
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine("liveavatar generate: " + e.Message.Replace(Environment.NewLine, Environment.NewLine + "liveavatar generate: "));
            stderr.WriteLine("(liveavatar generate --help lists the options)");
            return 2;
        }
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            var generator = Factory(options);
            var result = await RunOneAsync(generator, options.Request, stdout, stderr, cts.Token);
            return result == null ? 1 : 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Runs one request to completion; null on failure (already reported on stderr).</summary>
    public static async Task<GenerationCompleted?> RunOneAsync(IVideoGenerator generator, GenerationRequest request,
        TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var problems = generator.Validate(request);
        if (problems.Count > 0)
        {
            foreach (var p in CliProblems.Describe(problems)) stderr.WriteLine("liveavatar generate: " + p);
            return null;
        }
        var bar = new ProgressBar(stderr, !Console.IsErrorRedirected && ReferenceEquals(stderr, Console.Error));
        var framesReady = 0;
        var fps = 25.0;
        try
        {
            await foreach (var u in generator.GenerateAsync(request, ct))
            {
                switch (u)
                {
                    case GenerationStarted s:
                        fps = s.Fps;
                        bar.Line($"{s.Width}x{s.Height}, {s.Clips} clip(s), {s.TotalFrames} frames at {s.Fps:0.#} fps" +
                                 (s.Untrained ? "  [demo checkpoint: untrained weights, the video is noise]" : ""));
                        if (s.Memory is { } plan) bar.Line(plan.Summary);
                        break;
                    case GenerationProgress p:
                        bar.Report(p);
                        break;
                    case ClipReady r:
                        framesReady += r.FrameCount;
                        break;
                    case GenerationCompleted c:
                        bar.Line($"done in {ProgressBar.Clock(c.Elapsed)} (first frames after {c.TimeToFirstClip.TotalSeconds:F1} s): {c.Frames} frames");
                        stdout.WriteLine(c.VideoPath);
                        return c;
                }
            }
            stderr.WriteLine("liveavatar generate: the generator ended without a video");
            return null;
        }
        catch (OperationCanceledException e)
        {
            // The generator's message says how many frames it kept and where (the segments seen here lag by one).
            bar.Line(e.Message.StartsWith("generation cancelled", StringComparison.Ordinal) ? e.Message
                : $"cancelled after {framesReady} frames ({framesReady / fps:F1} s) had reached the encoder");
            return null;
        }
        catch (GenerationException e)
        {
            bar.Line($"liveavatar generate: {e.Message}" + (e.Hint is { } h ? $"{Environment.NewLine}hint: {h}" : ""));
            return null;
        }
    }
}
