using System.Buffers.Binary;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// Reads the EXIF Orientation tag (1..8) from JPEG APP1, PNG eXIf or WebP EXIF, because whether ffmpeg honours it
/// depends on its version and the image format. Anything unreadable counts as 1 (upright): a broken EXIF block
/// should not stop a photo from being used.
/// </summary>
public static class ExifOrientation
{
    /// <summary>Enough of the file to hold the metadata segments that precede the pixel data.</summary>
    public const int HeadBytes = 512 * 1024;

    public static int Read(ReadOnlySpan<byte> head)
    {
        try
        {
            var tiff = FindTiff(head);
            return tiff.IsEmpty ? 1 : ReadTiffOrientation(tiff);
        }
        catch (ArgumentOutOfRangeException)
        {
            return 1; // truncated or lying lengths inside the metadata
        }
    }

    /// <summary>ffmpeg filters that turn a stored image with this orientation upright (PIL's exif_transpose).</summary>
    public static string? Filter(int orientation) => orientation switch
    {
        2 => "hflip",
        3 => "hflip,vflip",
        4 => "vflip",
        5 => "transpose=cclock_flip",
        6 => "transpose=clock",
        7 => "transpose=clock_flip",
        8 => "transpose=cclock",
        _ => null,
    };

    /// <summary>Orientations 5..8 swap width and height.</summary>
    public static bool SwapsSides(int orientation) => orientation is >= 5 and <= 8;

    private static ReadOnlySpan<byte> FindTiff(ReadOnlySpan<byte> b)
    {
        if (b.Length > 4 && b[0] == 0xFF && b[1] == 0xD8) return FromJpeg(b);
        if (b.Length > 8 && b[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]))
            return FromPng(b);
        if (b.Length > 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return FromWebp(b);
        return default;
    }

    private static ReadOnlySpan<byte> FromJpeg(ReadOnlySpan<byte> b)
    {
        var pos = 2;
        while (pos + 4 <= b.Length && b[pos] == 0xFF)
        {
            var marker = b[pos + 1];
            if (marker == 0xDA || marker == 0xD9) break; // pixel data starts; EXIF must come before it
            var len = BinaryPrimitives.ReadUInt16BigEndian(b[(pos + 2)..]);
            var body = b.Slice(pos + 4, len - 2);
            if (marker == 0xE1 && body.StartsWith("Exif\0\0"u8)) return body[6..];
            pos += 2 + len;
        }
        return default;
    }

    private static ReadOnlySpan<byte> FromPng(ReadOnlySpan<byte> b)
    {
        var pos = 8;
        while (pos + 8 <= b.Length)
        {
            var len = (int)BinaryPrimitives.ReadUInt32BigEndian(b[pos..]);
            var type = b.Slice(pos + 4, 4);
            if (type.SequenceEqual("IDAT"u8)) break;
            if (type.SequenceEqual("eXIf"u8)) return b.Slice(pos + 8, len);
            pos += 12 + len;
        }
        return default;
    }

    private static ReadOnlySpan<byte> FromWebp(ReadOnlySpan<byte> b)
    {
        var pos = 12;
        while (pos + 8 <= b.Length)
        {
            var len = (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(pos + 4)..]);
            if (b.Slice(pos, 4).SequenceEqual("EXIF"u8))
            {
                var body = b.Slice(pos + 8, len);
                return body.StartsWith("Exif\0\0"u8) ? body[6..] : body;
            }
            pos += 8 + len + (len & 1);
        }
        return default;
    }

    private static int ReadTiffOrientation(ReadOnlySpan<byte> t)
    {
        bool little;
        if (t.StartsWith("II"u8)) little = true;
        else if (t.StartsWith("MM"u8)) little = false;
        else return 1;

        var ifd = (int)U32(t, 4, little);
        int count = U16(t, ifd, little);
        for (var i = 0; i < count; i++)
        {
            var entry = ifd + 2 + 12 * i;
            if (U16(t, entry, little) != 0x0112) continue;
            var value = U16(t, entry + 2, little) == 3 ? U16(t, entry + 8, little) : (int)U32(t, entry + 8, little);
            return value is >= 1 and <= 8 ? value : 1;
        }
        return 1;
    }

    private static ushort U16(ReadOnlySpan<byte> t, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(t[at..]) : BinaryPrimitives.ReadUInt16BigEndian(t[at..]);

    private static uint U32(ReadOnlySpan<byte> t, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(t[at..]) : BinaryPrimitives.ReadUInt32BigEndian(t[at..]);
}
