using LiveAvatar.Tools.LiveClient;

namespace LiveAvatar.Cli.Commands;

/// <summary>`liveavatar live-client`: the example client of docs/live-protocol.md (a WAV file as a microphone).</summary>
public static class LiveClientCommand
{
    public const string Help = "stream an audio file to a running server's live session as if it were a microphone, save the segments and the recording";

    private const string Usage = "usage: liveavatar live-client --image FACE.png --audio SPEECH.wav [--server http://127.0.0.1:7860] " +
        "[--prompt TEXT] [--size 384*256 (the live default)] [--seed N] [--sample-steps 4] [--out DIR] [--api-key KEY (or LIVEAVATAR_API_KEY)] [--fast]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = new ArgReader(args, new HashSet<string> { "fast" });
        var image = a.String("image");
        var audio = a.String("audio");
        if (image is null || audio is null || a.Positional.Count > 0)
        {
            stderr.WriteLine(Usage);
            return 2;
        }
        var server = new Uri(a.String("server") ?? "http://127.0.0.1:7860");
        var key = a.String("api-key") ?? Environment.GetEnvironmentVariable("LIVEAVATAR_API_KEY");
        var options = new LiveClientOptions
        {
            ImagePath = image, Prompt = a.String("prompt") ?? "A person talks to the camera.", Size = a.String("size"),
            Seed = a.String("seed") is null ? null : a.Long("seed", 0), SampleSteps = a.String("sample-steps") is null ? null : a.Int("sample-steps", 4),
            OutputDirectory = a.String("out") ?? "live-output", RealTime = !a.Flag("fast"),
        };
        a.RejectUnknown();
        if (!File.Exists(image)) throw new FileNotFoundException($"there is no image at {image}");
        var samples = await LiveWavClient.LoadAudioAsync(audio, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server };
        if (key is not null) http.DefaultRequestHeaders.Add(LiveWavClient.KeyHeader, key);
        using var socket = await LiveWavClient.ConnectAsync(server, key, CancellationToken.None);
        stdout.WriteLine($"connected to {LiveWavClient.LiveUri(server)}; sending {samples.Length / 16000.0:0.00} s of audio {(options.RealTime ? "in real time" : "as fast as taken")}");
        var result = await LiveWavClient.RunAsync(socket, options, samples, (url, ct) => http.GetByteArrayAsync(url, ct), stdout.WriteLine);
        var blocks = result.Events.Where(e => e.Type == "block").ToList();
        stdout.WriteLine($"{blocks.Count} blocks, {blocks.Count(b => b.WhileSending)} of them while audio was still being sent; segments in {options.OutputDirectory}");
        return result.Last("error") is null && result.Last("stopped") is not null ? 0 : 1;
    }
}
