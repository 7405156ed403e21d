using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// Audio side of a live mode: PCM chunks at whatever rate and channel count the microphone delivers go in, and
/// 16 kHz mono float32 (what wav2vec2 takes) comes out. NAudio buffers the chunks, averages channels and resamples
/// with its managed WDL resampler, all in process; nothing is written to disk.
/// </summary>
public sealed class MicrophonePcm
{
    private readonly BufferedWaveProvider _buffer;
    private readonly ISampleProvider _output;

    /// <param name="format">The incoming PCM: 16-bit integer or 32-bit float, 1 or 2 channels, any rate.</param>
    public MicrophonePcm(WaveFormat format, TimeSpan? capacity = null)
    {
        if (format.Channels is < 1 or > 2)
            throw new MediaException($"Microphone audio must be mono or stereo; got {format.Channels} channels.");
        if (!(format.Encoding == WaveFormatEncoding.Pcm && format.BitsPerSample == 16
              || format.Encoding == WaveFormatEncoding.IeeeFloat && format.BitsPerSample == 32))
            throw new MediaException($"Microphone audio must be 16-bit PCM or 32-bit float; got {format}.");
        _buffer = new BufferedWaveProvider(format, capacity ?? TimeSpan.FromSeconds(10))
        {
            ReadFully = false, // a read returns only what has arrived, so the caller sees real time, not padding
            DiscardOnBufferOverflow = false,
        };
        ISampleProvider samples = _buffer.ToSampleProvider();
        if (format.Channels == 2) samples = new StereoToMonoSampleProvider(samples) { LeftVolume = 0.5f, RightVolume = 0.5f };
        _output = format.SampleRate == AudioTrack.SampleRate ? samples : new WdlResamplingSampleProvider(samples, AudioTrack.SampleRate);
    }

    public WaveFormat InputFormat => _buffer.WaveFormat;

    /// <summary>Adds one chunk as captured (interleaved bytes in <see cref="InputFormat"/>).</summary>
    public void Add(ReadOnlySpan<byte> pcm)
    {
        if (_buffer.BufferedBytes + pcm.Length > _buffer.BufferLength)
            throw new MediaException($"The microphone buffer is full ({_buffer.BufferDuration.TotalSeconds:0.#} s); read from it faster.");
        _buffer.AddSamples(pcm);
    }

    /// <summary>Reads up to <paramref name="destination"/>.Length samples at 16 kHz mono; returns how many were ready.</summary>
    public int Read(Span<float> destination) => _output.Read(destination);
}
