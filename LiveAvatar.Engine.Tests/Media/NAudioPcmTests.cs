using NAudio.Wave;
using NAudio.Wave.SampleProviders;
using Xunit;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

public sealed class NAudioPcmTests : IDisposable
{
    private readonly MediaTestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A WAV written by NAudio: a sine for the first half second, silence after.</summary>
    private string ToneThenSilence(string name, int rate, int channels)
    {
        var path = _dir.PathOf(name);
        var tone = new SignalGenerator(rate, channels) { Frequency = 440, Gain = 0.5, Type = SignalGeneratorType.Sin }
            .Take(TimeSpan.FromSeconds(0.5));
        var silence = new SilenceProvider(WaveFormat.CreateIeeeFloatWaveFormat(rate, channels)).ToSampleProvider().Take(TimeSpan.FromSeconds(0.5));
        WaveFileWriter.CreateWaveFile16(path, new ConcatenatingSampleProvider([tone, silence]));
        return path;
    }

    [Fact]
    public async Task Waveform_peaks_show_the_tone_then_the_silence()
    {
        var path = ToneThenSilence("tone.wav", 44100, 2);

        var peaks = await AudioWaveform.ComputePeaksAsync(path, 10);

        Assert.Equal(10, peaks.Length);
        Assert.All(peaks[..4], p => Assert.InRange(p, 0.45f, 0.55f));
        Assert.All(peaks[6..], p => Assert.Equal(0f, p));
    }

    [Fact]
    public async Task Silent_audio_is_accepted_and_has_a_flat_waveform()
    {
        var path = _dir.PathOf("silence.wav");
        WaveFileWriter.CreateWaveFile16(path, new SilenceProvider(new WaveFormat(16000, 1)).ToSampleProvider().Take(TimeSpan.FromSeconds(1)));

        var track = await AudioLoader.LoadAsync(path);

        Assert.Equal(16000, track.Samples.Length);
        Assert.All(AudioWaveform.ComputePeaks(track.Samples, 8), p => Assert.Equal(0f, p));
    }

    [Fact]
    public void Microphone_pcm_at_48k_stereo_comes_out_at_16k_mono()
    {
        var format = new WaveFormat(48000, 16, 2);
        var mic = new MicrophonePcm(format);
        var tone = new SignalGenerator(48000, 2) { Frequency = 300, Gain = 0.5, Type = SignalGeneratorType.Sin }.ToWaveProvider16();
        var chunk = new byte[format.AverageBytesPerSecond / 10]; // 100 ms chunks, as a capture callback delivers them
        var output = new List<float>();
        var buffer = new float[4096];
        for (var i = 0; i < 10; i++)
        {
            tone.Read(chunk);
            mic.Add(chunk);
            int n;
            while ((n = mic.Read(buffer)) > 0) output.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        Assert.InRange(output.Count, 15_500, 16_000); // one second at 16 kHz, less the resampler's latency
        Assert.InRange(output.Skip(1000).Max(), 0.45f, 0.55f);
    }

    [Fact]
    public void Microphone_pcm_in_an_unsupported_layout_is_refused_by_name()
    {
        var e = Assert.Throws<MediaException>(() => new MicrophonePcm(new WaveFormat(44100, 16, 6)));
        Assert.Contains("6 channels", e.Message);
    }
}
