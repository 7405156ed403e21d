using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using LiveAvatar.Engine.Generation;
using LiveAvatar.Engine.Live;
using LiveAvatar.Tools.LiveClient;
using LiveAvatar.Web.Tests.Api;
using LiveAvatar.Web.Tests.Browser;
using LiveAvatar.Web.Tests.TestSupport;
using Xunit.Abstractions;

namespace LiveAvatar.Web.Tests.Live;

/// <summary>Live sessions end to end on the demo checkpoint (tiny random weights, CPU), driven by the example client.</summary>
public class LiveSessionApiTests(ITestOutputHelper output)
{
    private static string Portrait(ApiFactory factory)
    {
        // 64×64 keeps the demo's CPU VAE work small.
        var portrait = Path.Combine(factory.DataDirectory, "portrait-64.png");
        MediaTools.Run("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", TestData.ExampleImage, "-vf", "scale=64:64", portrait);
        return portrait;
    }

    private static async Task<float[]> Speech(double seconds)
    {
        var one = await LiveWavClient.LoadAudioAsync(TestData.ExampleAudio, CancellationToken.None);
        var all = new float[(int)(seconds * 16000)];
        for (var i = 0; i < all.Length; i++) all[i] = one[i % one.Length];
        return all;
    }

    [GeneratorFact]
    public async Task A_wav_streamed_in_real_time_gets_blocks_back_while_still_sending_and_stop_stores_the_recording_as_a_run()
    {
        using var factory = new ApiFactory();
        using var http = factory.CreateClient();
        var options = new LiveClientOptions
        {
            // No size: the live default, the size one GPU keeps up with speech at.
            ImagePath = Portrait(factory), SampleSteps = 1, Seed = 3,
            OutputDirectory = Path.Combine(factory.DataDirectory, "client"),
            // However slow this machine is: keep speaking until the first block is back, then stop.
            StopWhen = e => e.Type == "block",
        };
        using var socket = await LiveSocket.ConnectAsync(factory);
        var run = LiveWavClient.RunAsync(socket, options, await Speech(60), (url, ct) => http.GetByteArrayAsync(url, ct), output.WriteLine);

        // One session at a time: a second one is told so while the first runs.
        var clock = Stopwatch.StartNew();
        using (var second = await LiveSocket.ConnectAsync(factory))
        {
            await Task.Delay(500);
            await LiveSocket.SendTextAsync(second, JsonSerializer.Serialize(new
            {
                type = "start", imageBase64 = Convert.ToBase64String(File.ReadAllBytes(options.ImagePath)), prompt = "Another person.",
            }));
            var (events, close) = await LiveSocket.ReadUntilClosedAsync(second);
            Assert.Equal("busy", Assert.Single(events).GetProperty("code").GetString());
            Assert.Equal((WebSocketCloseStatus)1013, close);
        }
        var result = await run;

        var types = result.Events.Select(e => e.Type).ToList();
        Assert.Equal("started", types[0]);
        using (var started = JsonDocument.Parse(result.Events[0].Json))
            Assert.Equal(OutputSizes.For(64, 64, LiveDefaults.Size),
                (started.RootElement.GetProperty("width").GetInt32(), started.RootElement.GetProperty("height").GetInt32()));
        Assert.Equal("stopped", types[^1]);
        Assert.True(types.IndexOf("init") < types.IndexOf("block"), "the init segment comes before the first block");
        var blocks = result.Events.Where(e => e.Type == "block").ToList();
        Assert.Contains(blocks, b => b.WhileSending);
        Assert.Equal(blocks.Count, result.SegmentsReceived);
        Assert.Equal((result.SamplesSent + 7679) / 7680, blocks.Count); // every sample generated: nothing dropped
        foreach (var b in blocks)
        {
            using var doc = JsonDocument.Parse(b.Json);
            Assert.True(doc.RootElement.GetProperty("latencyMs").GetDouble() > 0);
        }
        Assert.True(File.Exists(Path.Combine(options.OutputDirectory!, "seg-0001.m4s")));
        var probe = MediaTools.Run("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", result.RecordingFile!);
        Assert.Contains("video", probe);
        Assert.Contains("audio", probe);
        using var stopped = JsonDocument.Parse(result.Last("stopped")!.Json);
        var job = await (await http.GetAsync(stopped.RootElement.GetProperty("jobUrl").GetString())).JsonAsync();
        Assert.Equal("completed", job.GetProperty("status").GetString()?.ToLowerInvariant());
        output.WriteLine($"{blocks.Count} blocks, sending ended at {result.AudioSentUntil.TotalSeconds:0.00} s, whole run {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [GeneratorFact]
    public async Task Mid_session_audio_of_an_odd_length_ends_the_session_with_an_error_naming_it()
    {
        using var factory = new ApiFactory();
        using var socket = await LiveSocket.ConnectAsync(factory);
        await LiveSocket.SendTextAsync(socket, JsonSerializer.Serialize(new
        {
            type = "start", imageBase64 = Convert.ToBase64String(File.ReadAllBytes(Portrait(factory))), prompt = "A person talks.", size = "384*256",
        }));
        await socket.SendAsync(new byte[641], WebSocketMessageType.Binary, true, CancellationToken.None);

        var (events, close) = await LiveSocket.ReadUntilClosedAsync(socket);

        var error = events.Single(e => e.Type() == "error");
        Assert.Equal("bad-audio", error.GetProperty("code").GetString());
        Assert.Contains("641 bytes", error.GetProperty("message").GetString());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, close);
    }
}
