using System.Diagnostics;
using LiveAvatar.Engine.Live;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Tests.Pipelines;
using LiveAvatar.Engine.Tests.TestSupport;
using Xunit.Abstractions;

namespace LiveAvatar.Engine.Tests.Live;

/// <summary>A live session on the demo checkpoint on the CPU, fed like a microphone.</summary>
[Collection(TorchCollection.Name)]
public sealed class LiveSessionTests(GeneratorFixture f, ITestOutputHelper output) : IClassFixture<GeneratorFixture>
{
    private LiveSessionRequest Request(string name) => new()
    {
        ImagePath = f.Image, Prompt = "A person talks to the camera.", Size = "384*256", Seed = 11,
        RecordingPath = Path.Combine(f.OutputDirectory, name + ".mp4"),
    };

    private static byte[] Pcm(float[] samples, int offset, int count)
    {
        var bytes = new byte[count * 2];
        for (var i = 0; i < count; i++)
        {
            var v = (short)Math.Clamp(samples[offset + i] * 32767f, short.MinValue, short.MaxValue);
            (bytes[2 * i], bytes[2 * i + 1]) = ((byte)v, (byte)(v >> 8));
        }
        return bytes;
    }

    [Fact]
    public async Task Blocks_come_out_while_audio_is_still_arriving_and_stop_leaves_a_recording_with_every_block_and_its_audio()
    {
        var audio = await AudioLoader.LoadAsync(f.Audio);
        await using var session = await f.Generator.StartLiveAsync(Request("live"));
        var clock = Stopwatch.StartNew();
        var firstBlock = new TaskCompletionSource();
        var fed = 0;
        var feeder = Task.Run(async () =>
        {
            // Real time, in 40 ms chunks like a browser's worklet, looping the sentence, until the first block is
            // out (however slow this machine is), then a little more so the last block is a padded one.
            const int chunk = 640;
            for (var at = 0; !firstBlock.Task.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(60) || fed % 7680 < 3000; at += chunk)
            {
                await session.WriteAudioAsync(Pcm(audio.Samples, at % (audio.Samples.Length - chunk), chunk));
                fed += chunk;
                var due = TimeSpan.FromSeconds(fed / 16000.0);
                if (clock.Elapsed < due) await Task.Delay(due - clock.Elapsed);
            }
            session.EndAudio();
            return clock.Elapsed;
        });
        var updates = new List<(LiveUpdate Update, TimeSpan At)>();
        await foreach (var u in session.ReadUpdatesAsync())
        {
            updates.Add((u, clock.Elapsed));
            if (u is LiveBlockReady) firstBlock.TrySetResult();
        }
        var fedUntil = await feeder;

        var started = Assert.IsType<LiveStarted>(updates[0].Update);
        Assert.Equal(7680, started.SamplesPerBlock);
        Assert.True(started.Untrained);
        var init = updates.Select(u => u.Update).OfType<LiveInitSegment>().Single();
        Assert.StartsWith("video/mp4; codecs=\"avc1.", init.MimeType);
        Assert.Contains("mp4a", init.MimeType);
        var blocks = updates.Where(u => u.Update is LiveBlockReady).ToList();
        var ready = blocks.Select(b => (LiveBlockReady)b.Update).ToList();
        foreach (var b in ready)
            output.WriteLine($"block {b.Block}: frames {b.FirstFrame}+{b.FrameCount}, latency {b.Latency.TotalMilliseconds:0} ms, generation {b.Generation.TotalMilliseconds:0} ms, queued {b.QueuedAudioSeconds:0.00} s");
        output.WriteLine($"{fed} samples fed until {fedUntil.TotalSeconds:0.00} s; first block out at {blocks[0].At.TotalSeconds:0.00} s");
        Assert.True(blocks[0].At < fedUntil, $"the first block came out at {blocks[0].At} after the audio ended at {fedUntil}: not live");
        // Every whole block and the remainder padded to one more: nothing dropped.
        var expected = (fed + 7679) / 7680;
        Assert.Equal(Enumerable.Range(0, expected), ready.Select(b => b.Block));
        Assert.Equal(Enumerable.Range(0, expected).Select(b => b == 0 ? 0 : 9 + 12 * (b - 1)), ready.Select(b => b.FirstFrame));
        Assert.All(ready, b => Assert.True(b.Latency > TimeSpan.Zero && b.Generation > TimeSpan.Zero));
        var ended = Assert.IsType<LiveEnded>(updates[^1].Update);
        var frames = 9 + 12 * (expected - 1);
        Assert.Equal(frames, ended.Frames);
        Assert.Equal(expected, ended.Blocks);
        var probe = GeneratorFixture.Run("ffprobe", "-v", "error", "-count_frames", "-show_entries",
            "stream=codec_type,nb_read_frames", "-of", "csv=p=0", ended.RecordingPath!);
        Assert.Contains($"video,{frames}", probe);
        Assert.Contains("audio", probe);
        // Each block carries exactly its own audio, so sound and picture end together.
        var durations = GeneratorFixture.Run("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,duration", "-of", "csv=p=0", ended.RecordingPath!)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l.Split(',')[0], l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(durations["audio"] - durations["video"], -0.05, 0.05);
    }

    [Fact]
    public async Task Audio_faster_than_generation_is_reported_as_behind_and_held_back_at_the_cap_but_never_dropped()
    {
        var audio = await AudioLoader.LoadAsync(f.Audio);
        var total = 6 * SlidingWindowAudioEncoder.SamplesPerBlock;
        var limits = new LiveSessionLimits { MaxQueuedAudio = TimeSpan.FromSeconds(1), BehindAfter = TimeSpan.FromSeconds(0.5) };
        await using var session = await f.Generator.StartLiveAsync(Request("behind"), limits);
        var feeder = Task.Run(async () =>
        {
            // Everything at once, as a sender that ignores real time would.
            for (var at = 0; at < total; at += 1920) await session.WriteAudioAsync(Pcm(audio.Samples, at, 1920));
            session.EndAudio();
        });
        var updates = new List<LiveUpdate>();
        await foreach (var u in session.ReadUpdatesAsync()) updates.Add(u);
        await feeder;
        var behind = updates.OfType<LiveBehind>().ToList();
        Assert.Contains(behind, b => b.Behind);
        Assert.Contains(behind, b => b.Full);
        Assert.All(behind, b => Assert.True(b.QueuedAudioSeconds <= 1.0 + 1e-9, $"{b.QueuedAudioSeconds} s queued over a 1 s cap"));
        Assert.Equal(6, updates.OfType<LiveBlockReady>().Count());
        Assert.Equal(9 + 5 * 12, Assert.IsType<LiveEnded>(updates[^1]).Frames);
    }

    [Fact]
    public async Task A_session_without_audio_ends_without_a_recording_and_frees_the_device_for_the_next()
    {
        await using (var session = await f.Generator.StartLiveAsync(Request("empty")))
        {
            session.EndAudio();
            var updates = new List<LiveUpdate>();
            await foreach (var u in session.ReadUpdatesAsync()) updates.Add(u);
            var ended = Assert.IsType<LiveEnded>(updates[^1]);
            Assert.Null(ended.RecordingPath);
            Assert.Equal(0, ended.Frames);
            await Assert.ThrowsAsync<InvalidOperationException>(() => session.WriteAudioAsync(new byte[2]).AsTask());
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var next = await f.Generator.StartLiveAsync(Request("next"), cancellationToken: timeout.Token);
        next.EndAudio();
        await foreach (var _ in next.ReadUpdatesAsync()) { }
    }

    [Fact]
    public async Task Bad_requests_and_bad_audio_are_refused_with_what_is_wrong()
    {
        var bad = await Assert.ThrowsAsync<GenerationException>(() => f.Generator.StartLiveAsync(Request("bad") with { Size = "1*1", Prompt = "" }));
        Assert.Equal(GenerationErrorKind.BadInput, bad.Kind);
        Assert.Contains("'1*1' is not a supported size", bad.Message);
        Assert.Contains("prompt is required", bad.Message);
        Assert.DoesNotContain("audio", bad.Message, StringComparison.OrdinalIgnoreCase);
        await using var session = await f.Generator.StartLiveAsync(Request("odd"));
        var odd = await Assert.ThrowsAsync<ArgumentException>(() => session.WriteAudioAsync(new byte[3]).AsTask());
        Assert.Contains("odd", odd.Message);
        session.EndAudio();
        await foreach (var _ in session.ReadUpdatesAsync()) { }
    }
}
