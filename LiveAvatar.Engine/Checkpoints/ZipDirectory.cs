using System.Buffers.Binary;
using System.Text;

namespace LiveAvatar.Engine.Checkpoints;

/// <summary>Reads the central directory of a zip archive straight from the mapping, including zip64 records
/// (multi-gigabyte .pth files need them). Only the data offsets matter: torch stores entries uncompressed,
/// so tensor storages are served in place.</summary>
internal static class ZipDirectory
{
    internal readonly record struct Entry(string Name, int Method, long CompressedSize, long Size, long DataOffset);

    private const uint EndOfCentralDir = 0x06054b50, Zip64Locator = 0x07064b50, Zip64End = 0x06064b50;
    private const uint CentralHeader = 0x02014b50, LocalHeader = 0x04034b50;

    public static bool HasZipMagic(MappedFile f) =>
        f.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(f.Span(0, 4)) == LocalHeader;

    public static Dictionary<string, Entry> Read(MappedFile f)
    {
        long eocd = FindEndRecord(f);
        var end = f.Span(eocd, 22);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]);
        long cdSize = BinaryPrimitives.ReadUInt32LittleEndian(end[12..]);
        long cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);
        if (count == 0xFFFF || cdSize == 0xFFFFFFFF || cdOffset == 0xFFFFFFFF)
        {
            if (eocd < 20 || U32(f, eocd - 20) != Zip64Locator) throw Bad(f, "zip64 locator missing");
            long z64 = (long)BinaryPrimitives.ReadUInt64LittleEndian(f.Span(eocd - 20 + 8, 8));
            if (z64 < 0 || z64 + 56 > f.Length || U32(f, z64) != Zip64End) throw Bad(f, "zip64 end record missing");
            var rec = f.Span(z64, 56);
            count = (long)BinaryPrimitives.ReadUInt64LittleEndian(rec[32..]);
            cdSize = (long)BinaryPrimitives.ReadUInt64LittleEndian(rec[40..]);
            cdOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(rec[48..]);
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset + cdSize > f.Length) throw Bad(f, "central directory lies outside the file");

        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        long p = cdOffset;
        for (long i = 0; i < count; i++)
        {
            if (p + 46 > f.Length || U32(f, p) != CentralHeader) throw Bad(f, $"central directory entry {i} is corrupt");
            var h = f.Span(p, 46);
            int method = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
            long comp = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
            int nameLen = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
            int extraLen = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
            int commentLen = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
            long local = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
            if (p + 46 + nameLen + extraLen > f.Length) throw Bad(f, $"central directory entry {i} is truncated");
            string name = Encoding.UTF8.GetString(f.Span(p + 46, nameLen));
            ApplyZip64(f.Span(p + 46 + nameLen, extraLen), ref size, ref comp, ref local);
            entries[name] = new Entry(name, method, comp, size, DataOffset(f, name, local, comp));
            p += 46 + nameLen + extraLen + commentLen;
        }
        return entries;
    }

    // Zip64 extra field values are present only for the header fields saturated at 0xFFFFFFFF, in this order.
    private static void ApplyZip64(ReadOnlySpan<byte> extra, ref long size, ref long comp, ref long local)
    {
        while (extra.Length >= 4)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            int len = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (4 + len > extra.Length) return;
            if (id == 1)
            {
                var body = extra.Slice(4, len);
                int at = 0;
                if (size == 0xFFFFFFFF && at + 8 <= len) { size = (long)BinaryPrimitives.ReadUInt64LittleEndian(body[at..]); at += 8; }
                if (comp == 0xFFFFFFFF && at + 8 <= len) { comp = (long)BinaryPrimitives.ReadUInt64LittleEndian(body[at..]); at += 8; }
                if (local == 0xFFFFFFFF && at + 8 <= len) local = (long)BinaryPrimitives.ReadUInt64LittleEndian(body[at..]);
                return;
            }
            extra = extra[(4 + len)..];
        }
    }

    // The local header's extra field differs from the central one (torch pads it to align storages to 64 bytes),
    // so the data offset must come from the local header itself.
    private static long DataOffset(MappedFile f, string name, long local, long comp)
    {
        if (local < 0 || local + 30 > f.Length || U32(f, local) != LocalHeader)
            throw Bad(f, $"local header of zip entry '{name}' is missing");
        var h = f.Span(local, 30);
        long data = local + 30 + BinaryPrimitives.ReadUInt16LittleEndian(h[26..]) + BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
        if (comp < 0 || data + comp > f.Length) throw Bad(f, $"zip entry '{name}' runs past the end of the file; it may be truncated");
        return data;
    }

    private static long FindEndRecord(MappedFile f)
    {
        long stop = Math.Max(0, f.Length - 22 - 65535);
        for (long p = f.Length - 22; p >= stop; p--)
            if (U32(f, p) == EndOfCentralDir) return p;
        throw Bad(f, "zip end-of-central-directory record not found; the archive is truncated or not a zip");
    }

    private static uint U32(MappedFile f, long at) => BinaryPrimitives.ReadUInt32LittleEndian(f.Span(at, 4));

    private static CheckpointFormatException Bad(MappedFile f, string problem) => new(f.Path, problem);
}
