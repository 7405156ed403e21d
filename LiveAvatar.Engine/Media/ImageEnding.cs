using System.Buffers.Binary;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// ImageSharp 2.1 decodes a truncated JPEG, PNG, GIF, WebP or BMP without complaint (the missing rows come out
/// grey), where PIL, which the original uses, refuses it. Each of these formats says where it ends (an end marker or
/// a declared total length), so a cut file is recognised from its last bytes alone; nothing else is parsed.
/// </summary>
internal static class ImageEnding
{
    public static bool LooksCut(string path, string format)
    {
        using var s = File.OpenRead(path);
        var length = s.Length;
        Span<byte> head = stackalloc byte[8];
        Span<byte> tail = stackalloc byte[12];
        s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        s.Seek(Math.Max(0, length - tail.Length), SeekOrigin.Begin);
        var tailRead = s.ReadAtLeast(tail, tail.Length, throwOnEndOfStream: false);
        tail = tail[..tailRead];
        return format.ToUpperInvariant() switch
        {
            "JPEG" => !EndsWith(tail.TrimEnd((byte)0), [0xFF, 0xD9]), // EOI; some cameras pad with zeros
            "PNG" => !tail.StartsWith("\0\0\0\0IEND"u8), // the IEND chunk with its CRC closes every PNG
            "GIF" => !EndsWith(tail, [0x3B]), // the trailer byte
            "WEBP" => BinaryPrimitives.ReadUInt32LittleEndian(head[4..]) + 8L > length, // RIFF size
            "BMP" => BinaryPrimitives.ReadUInt32LittleEndian(head[2..]) is var size and > 0 && size > length, // bfSize
            _ => false,
        };
    }

    private static bool EndsWith(ReadOnlySpan<byte> data, ReadOnlySpan<byte> end) => data.EndsWith(end);
}
