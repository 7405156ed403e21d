namespace LiveAvatar.Engine.Media;

/// <summary>16-bit little-endian PCM and float samples in [−1, 1], NAudio's scaling (÷32768 in, ×32767 out).</summary>
public static class Pcm16
{
    public static float[] ToFloats(ReadOnlySpan<byte> pcm16le)
    {
        var samples = new float[pcm16le.Length / 2];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)(pcm16le[2 * i] | pcm16le[2 * i + 1] << 8) / 32768f;
        return samples;
    }

    public static byte[] ToBytes(ReadOnlySpan<float> samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            var v = (short)Math.Clamp(MathF.Round(samples[i] * 32767f), short.MinValue, short.MaxValue);
            (bytes[2 * i], bytes[2 * i + 1]) = ((byte)v, (byte)(v >> 8));
        }
        return bytes;
    }
}
