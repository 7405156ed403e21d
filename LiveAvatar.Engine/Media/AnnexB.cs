namespace LiveAvatar.Engine.Media;

/// <summary>One H.264 access unit as MP4 stores it: NAL units with 4-byte length prefixes.</summary>
internal sealed record AccessUnit(byte[] Data, bool IsKeyframe);

/// <summary>
/// Splits x264's Annex B output (with access-unit delimiters, `aud=1`) into MP4 samples. This is container
/// bookkeeping only; nothing is decoded.
/// </summary>
internal static class AnnexB
{
    private const int NalIdr = 5, NalSps = 7, NalPps = 8, NalAud = 9;

    public static List<AccessUnit> AccessUnits(byte[] stream, out byte[]? sps, out byte[]? pps)
    {
        sps = pps = null;
        var units = new List<AccessUnit>();
        var current = new MemoryStream();
        var key = false;
        foreach (var (start, length) in Nals(stream))
        {
            var type = stream[start] & 0x1F;
            if (type == NalAud)
            {
                if (current.Length > 0) units.Add(new AccessUnit(current.ToArray(), key));
                current = new MemoryStream();
                key = false;
                continue;
            }
            if (type == NalSps) sps ??= stream.AsSpan(start, length).ToArray();
            if (type == NalPps) pps ??= stream.AsSpan(start, length).ToArray();
            if (type == NalIdr) key = true;
            // SPS/PPS stay in band as well as in avcC, so a decoder joining at any IDR has them.
            current.WriteByte((byte)(length >> 24));
            current.WriteByte((byte)(length >> 16));
            current.WriteByte((byte)(length >> 8));
            current.WriteByte((byte)length);
            current.Write(stream, start, length);
        }
        if (current.Length > 0) units.Add(new AccessUnit(current.ToArray(), key));
        return units;
    }

    /// <summary>RFC 6381 "avc1.PPCCLL" from the SPS's profile, constraint flags and level.</summary>
    public static string CodecString(byte[] sps) => $"avc1.{sps[1]:x2}{sps[2]:x2}{sps[3]:x2}";

    private static IEnumerable<(int Start, int Length)> Nals(byte[] b)
    {
        var starts = new List<int>();
        for (var i = 0; i + 2 < b.Length; i++)
        {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1)
            {
                starts.Add(i + 3);
                i += 2;
            }
        }
        for (var k = 0; k < starts.Count; k++)
        {
            var end = k + 1 < starts.Count ? starts[k + 1] - 3 : b.Length;
            // A 4-byte start code leaves one zero byte that belongs to neither NAL.
            while (end > starts[k] && b[end - 1] == 0) end--;
            yield return (starts[k], end - starts[k]);
        }
    }
}
