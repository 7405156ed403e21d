using Xunit;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

public sealed class AudioLoaderTests : IDisposable
{
    private readonly MediaTestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_one_second_44k_stereo_wav_becomes_16000_mono_samples()
    {
        var path = _dir.Ffmpeg("tone.wav", "-f", "lavfi", "-i", "sine=f=440:r=44100:d=1", "-ac", "2");

        var track = await AudioLoader.LoadAsync(path);

        Assert.Equal(16000, track.Samples.Length);
        Assert.Equal(TimeSpan.FromSeconds(1), track.Duration);
        Assert.Equal(1, track.ClipCount());
    }

    [Theory]
    [InlineData("a.flac", new[] { "-c:a", "flac" })]
    [InlineData("a.ogg", new[] { "-c:a", "libvorbis" })]
    [InlineData("a.m4a", new[] { "-c:a", "aac" })]
    [InlineData("a.mp3", new[] { "-c:a", "libmp3lame" })]
    public async Task Flac_ogg_m4a_and_mp3_decode_to_about_their_length(string name, string[] codec)
    {
        var path = _dir.Ffmpeg(name, ["-f", "lavfi", "-i", "sine=f=300:r=22050:d=2", .. codec]);

        var track = await AudioLoader.LoadAsync(path);

        Assert.InRange(track.Duration.TotalSeconds, 1.95, 2.1);
        Assert.Contains(track.Samples, s => Math.Abs(s) > 0.05f);
    }

    [Fact]
    public async Task An_mp3_with_id3_cover_art_ignores_the_picture()
    {
        var cover = _dir.Ffmpeg("cover.png", "-f", "lavfi", "-i", "color=red:s=64x64", "-frames:v", "1");
        var path = _dir.Ffmpeg("song.mp3", "-f", "lavfi", "-i", "sine=d=1.5", "-i", cover, "-map", "0:a", "-map", "1:v",
            "-c:a", "libmp3lame", "-c:v", "png", "-disposition:v", "attached_pic", "-id3v2_version", "3");

        var track = await AudioLoader.LoadAsync(path);

        Assert.InRange(track.Duration.TotalSeconds, 1.45, 1.6);
    }

    [Fact]
    public async Task Eight_channel_96k_audio_is_averaged_to_16k_mono()
    {
        var path = _dir.Ffmpeg("surround.wav", "-f", "lavfi", "-i",
            "sine=f=200:r=96000:d=0.5,pan=7.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0|c6=c0|c7=c0");

        var track = await AudioLoader.LoadAsync(path);

        Assert.Equal(8000, track.Samples.Length);
        // The mean of eight identical channels is the sine itself (amplitude 1/8), not a surround downmix.
        Assert.InRange(track.Samples.Max(), 0.12f, 0.13f);
    }

    [Fact]
    public async Task Silence_is_valid_audio()
    {
        var path = _dir.Ffmpeg("quiet.wav", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "3");

        var track = await AudioLoader.LoadAsync(path);

        Assert.Equal(48000, track.Samples.Length);
        Assert.All(track.Samples, s => Assert.Equal(0f, s));
        Assert.Equal(2, track.ClipCount()); // T50 148 → T30 88 → int(88 / 57.6) + 1
    }

    [Fact]
    public async Task Espeak_speech_loads_with_its_length_and_energy()
    {
        var path = _dir.Speech("speech.wav", "Hello, this is a talking avatar test.");

        var track = await AudioLoader.LoadAsync(path);

        Assert.InRange(track.Duration.TotalSeconds, 1.0, 5.0);
        Assert.Contains(track.Samples, s => Math.Abs(s) > 0.1f);
    }

    [Fact]
    public async Task A_wav_whose_header_claims_more_data_than_it_has_loads_what_is_there()
    {
        var wav = File.ReadAllBytes(_dir.Ffmpeg("ok.wav", "-f", "lavfi", "-i", "sine=r=16000:d=1"));
        var data = IndexOf(wav, "data"u8.ToArray());
        BitConverter.GetBytes(wav.Length * 10).CopyTo(wav, data + 4);
        var path = _dir.Write("lying.wav", wav);

        var track = await AudioLoader.LoadAsync(path);

        Assert.Equal(16000, track.Samples.Length);
    }

    internal static int IndexOf(byte[] haystack, byte[] needle) =>
        Enumerable.Range(0, haystack.Length - needle.Length).First(i => haystack.AsSpan(i, needle.Length).SequenceEqual(needle));
}
