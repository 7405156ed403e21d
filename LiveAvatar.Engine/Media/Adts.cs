namespace LiveAvatar.Engine.Media;

/// <summary>Splits an ADTS stream (ffmpeg `-f adts`) into raw AAC frames, as MP4 stores them.</summary>
internal static class Adts
{
    private static readonly int[] SampleRates =
        [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    public sealed record Track(List<byte[]> Frames, int SampleRate, int Channels, byte[] AudioSpecificConfig);

    public static Track Parse(byte[] b)
    {
        var frames = new List<byte[]>();
        int profile = 1, rateIndex = 3, channels = 2, pos = 0;
        while (pos + 7 <= b.Length)
        {
            if (b[pos] != 0xFF || (b[pos + 1] & 0xF0) != 0xF0)
                throw new MediaException($"Malformed AAC (ADTS) stream from ffmpeg at byte {pos}.");
            var protectionAbsent = (b[pos + 1] & 1) == 1;
            profile = (b[pos + 2] >> 6) & 3;
            rateIndex = (b[pos + 2] >> 2) & 0xF;
            channels = ((b[pos + 2] & 1) << 2) | (b[pos + 3] >> 6);
            var frameLength = ((b[pos + 3] & 3) << 11) | (b[pos + 4] << 3) | (b[pos + 5] >> 5);
            var header = protectionAbsent ? 7 : 9;
            if (frameLength < header || pos + frameLength > b.Length)
                throw new MediaException($"Truncated AAC (ADTS) frame from ffmpeg at byte {pos}.");
            frames.Add(b.AsSpan(pos + header, frameLength - header).ToArray());
            pos += frameLength;
        }
        var objectType = profile + 1; // ADTS stores AOT − 1
        byte[] asc = [(byte)((objectType << 3) | (rateIndex >> 1)), (byte)(((rateIndex & 1) << 7) | (channels << 3))];
        return new Track(frames, SampleRates[Math.Min(rateIndex, SampleRates.Length - 1)], channels, asc);
    }
}
