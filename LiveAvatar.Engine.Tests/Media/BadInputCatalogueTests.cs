using Xunit;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

/// <summary>Each bad input gets a specific message naming the problem, and leaves no temp file behind.</summary>
public sealed class BadInputCatalogueTests : IDisposable
{
    private readonly MediaTestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Jpeg(string name = "ok.jpg", string size = "320x180") =>
        _dir.Ffmpeg(name, "-f", "lavfi", "-i", $"testsrc=s={size}", "-frames:v", "1");

    private string Wav(string name = "ok.wav", double seconds = 1) =>
        _dir.Ffmpeg(name, "-f", "lavfi", "-i", $"sine=r=16000:d={seconds}");

    [Fact]
    public Task An_empty_image_file_is_refused_as_empty() =>
        MediaAssert.ImageRefusedAsync(_dir, _dir.Write("empty.jpg", []), "is empty (0 bytes)");

    [Fact]
    public Task A_truncated_jpeg_is_refused_as_truncated_or_corrupt()
    {
        var bytes = File.ReadAllBytes(Jpeg());
        return MediaAssert.ImageRefusedAsync(_dir, _dir.Write("cut.jpg", bytes[..(bytes.Length / 2)]), "truncated or corrupt");
    }

    [Fact]
    public Task A_text_file_named_png_is_refused() =>
        MediaAssert.ImageRefusedAsync(_dir, _dir.Write("notes.png", "hello, not a picture\n"u8.ToArray()), "notes.png", "not");

    [Fact]
    public Task A_pdf_is_refused_as_unreadable_media() =>
        MediaAssert.ImageRefusedAsync(_dir,
            _dir.Write("doc.pdf", "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8.ToArray()),
            "is not a media file ffmpeg can read", "Use a JPEG, PNG");

    [Fact]
    public Task An_8000_by_8000_image_exceeds_the_pixel_limit() =>
        MediaAssert.ImageRefusedAsync(_dir,
            _dir.Ffmpeg("huge.jpg", "-f", "lavfi", "-i", "color=gray:s=8000x8000", "-frames:v", "1"),
            "8000×8000", "the limit is 50,000,000");

    [Fact]
    public Task A_16_by_16_image_is_too_small() =>
        MediaAssert.ImageRefusedAsync(_dir, Jpeg("tiny.jpg", "16x16"), "only 16×16", "at least 64 px");

    [Fact]
    public Task A_video_passed_as_the_image_is_refused() =>
        MediaAssert.ImageRefusedAsync(_dir,
            _dir.Ffmpeg("clip.mp4", "-f", "lavfi", "-i", "testsrc=s=320x180:d=1"), "is not a still image", "h264");

    [Fact]
    public Task An_audio_file_passed_as_the_image_is_refused() =>
        MediaAssert.ImageRefusedAsync(_dir, Wav(), "is not a still image", "audio (pcm_s16le)");

    [Fact]
    public Task A_directory_passed_as_the_image_is_refused() =>
        MediaAssert.ImageRefusedAsync(_dir, _dir.Root, "is a directory");

    [Fact]
    public Task A_missing_image_is_refused_as_nonexistent() =>
        MediaAssert.ImageRefusedAsync(_dir, _dir.PathOf("nope.jpg"), "does not exist");

    [Fact]
    public async Task An_unreadable_image_is_refused_unless_running_as_root()
    {
        if (OperatingSystem.IsWindows()) return;
        var path = Jpeg("locked.jpg");
        File.SetUnixFileMode(path, UnixFileMode.None);
        if (Environment.UserName == "root")
        {
            // root reads mode-000 files, so the honest behaviour is to load it: readability is tested by opening,
            // never by looking at permission bits.
            var img = await ReferenceImageLoader.LoadAsync(path, "384*256");
            Assert.Equal((320, 192), (img.Width, img.Height));
            return;
        }
        await MediaAssert.ImageRefusedAsync(_dir, path, "cannot be read (permission denied)");
    }

    [Fact]
    public Task An_unsupported_size_key_is_refused_before_the_image_is_read() =>
        MediaAssert.RefusesAsync(() => ReferenceImageLoader.LoadAsync(Jpeg(), "704x384"), "Unsupported --size '704x384'", "704*384");

    [Fact]
    public Task A_missing_ffmpeg_names_the_debian_package()
    {
        var options = new MediaOptions { Tools = new FfmpegTools("/nonexistent") };
        return MediaAssert.RefusesAsync(() => AudioLoader.LoadAsync(Wav(), options),
            "ffprobe was not found in '/nonexistent'", "apt-get install ffmpeg");
    }

    [Fact]
    public Task An_empty_audio_file_is_refused_as_empty() =>
        MediaAssert.AudioRefusedAsync(_dir, _dir.Write("empty.wav", []), null, "is empty (0 bytes)");

    [Fact]
    public Task A_zero_length_wav_is_refused_as_having_no_samples() =>
        MediaAssert.AudioRefusedAsync(_dir, _dir.Ffmpeg("zero.wav", "-f", "lavfi", "-i", "anullsrc=r=16000", "-t", "0"), null,
            "contains no audio samples");

    [Fact]
    public Task A_wav_whose_header_says_zero_channels_is_refused_with_ffmpegs_reason()
    {
        var wav = File.ReadAllBytes(Wav());
        var fmt = AudioLoaderTests.IndexOf(wav, "fmt "u8.ToArray());
        wav[fmt + 10] = 0; // NumChannels
        wav[fmt + 11] = 0;
        return MediaAssert.AudioRefusedAsync(_dir, _dir.Write("nochannels.wav", wav), null,
            "is not a media file ffmpeg can read", "Decoder requires channel count");
    }

    [Fact]
    public Task An_audio_less_mp4_is_refused_as_having_no_audio_stream() =>
        MediaAssert.AudioRefusedAsync(_dir, _dir.Ffmpeg("silent.mp4", "-f", "lavfi", "-i", "testsrc=s=160x120:d=1"), null,
            "has no audio stream", "video (h264)");

    [Fact]
    public Task An_image_passed_as_the_audio_is_refused() =>
        MediaAssert.AudioRefusedAsync(_dir, Jpeg(), null, "has no audio stream");

    [Fact]
    public Task A_text_file_named_mp3_is_refused() =>
        MediaAssert.AudioRefusedAsync(_dir, _dir.Write("song.mp3", "just words\n"u8.ToArray()), null, "song.mp3", "ffmpeg");

    [Fact]
    public Task A_three_hour_file_exceeds_the_two_hour_limit() =>
        MediaAssert.AudioRefusedAsync(_dir,
            _dir.Ffmpeg("long.flac", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "10800", "-c:a", "flac"), null,
            "is 3:00:00", "maximum audio duration is 2:00:00");

    [Fact]
    public Task A_configurable_limit_also_applies() =>
        MediaAssert.AudioRefusedAsync(_dir, Wav("three.wav", 3), new MediaOptions { MaxAudioDuration = TimeSpan.FromSeconds(2) },
            "maximum audio duration is 0:02.000");

    [Fact]
    public Task Ten_milliseconds_of_audio_is_too_short_for_one_wav2vec2_frame() =>
        MediaAssert.AudioRefusedAsync(_dir, Wav("blip.wav", 0.01), null, "only 10 ms long", "at least 25 ms");

    [Fact]
    public Task A_directory_passed_as_the_audio_is_refused() =>
        MediaAssert.AudioRefusedAsync(_dir, _dir.Root, null, "audio path", "is a directory");

    [Fact]
    public Task A_missing_audio_is_refused_as_nonexistent() =>
        MediaAssert.AudioRefusedAsync(_dir, _dir.PathOf("nope.wav"), null, "does not exist");

    [Fact]
    public async Task Eight_channel_96k_silence_and_odd_paths_are_accepted()
    {
        Directory.CreateDirectory(_dir.PathOf("mes sons ø"));
        var path = _dir.Ffmpeg(Path.Combine("mes sons ø", "voix 8ch 96k.wav"), "-f", "lavfi", "-i", "anullsrc=r=96000:cl=7.1",
            "-t", "1");

        var track = await AudioLoader.LoadAsync(path);

        Assert.Equal(16000, track.Samples.Length);
        Assert.Empty(_dir.Leftovers());
    }

    [Fact]
    public async Task A_failing_ffmpeg_is_quoted_and_leaves_no_partial_video()
    {
        var output = _dir.PathOf("out.mp4");

        var e = await Assert.ThrowsAsync<FfmpegException>(async () =>
        {
            await using var encoder = await FragmentedVideoEncoder.StartAsync(output,
                new VideoEncoderSettings(64, 64, Wav(), new SegmentPlan(50, 50), Preset: "no-such-preset"));
            await encoder.WriteBatchAsync(Enumerable.Range(0, 50).Select(_ => new byte[64 * 64 * 3]).ToList());
            await encoder.CompleteAsync();
        });

        Assert.Contains("ffmpeg failed", e.Message);
        Assert.Contains("no-such-preset", e.StderrTail);
        Assert.False(File.Exists(output));
        Assert.Empty(_dir.Leftovers());
        Assert.Empty(Directory.GetDirectories(_dir.Root));
    }
}
