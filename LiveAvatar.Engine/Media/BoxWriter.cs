using System.Buffers.Binary;
using System.Text;

namespace LiveAvatar.Engine.Media;

/// <summary>Big-endian ISO-BMFF writer; <see cref="Box"/> back-patches each box's size when its scope ends.</summary>
internal sealed class BoxWriter
{
    private readonly MemoryStream _s = new();

    public long Position => _s.Position;

    public BoxScope Box(string type) => new(this, type, null);

    public BoxScope FullBox(string type, byte version, uint flags) => new(this, type, ((uint)version << 24) | flags);

    public void U8(int v) => _s.WriteByte((byte)v);

    public void U16(int v)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)v);
        _s.Write(b);
    }

    public void U24(int v)
    {
        U8(v >> 16);
        U16(v & 0xFFFF);
    }

    public void U32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        _s.Write(b);
    }

    public void U64(ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, v);
        _s.Write(b);
    }

    public void Zeros(int count)
    {
        for (var i = 0; i < count; i++) _s.WriteByte(0);
    }

    public void Bytes(ReadOnlySpan<byte> b) => _s.Write(b);

    public void FourCc(string s) => _s.Write(Encoding.ASCII.GetBytes(s));

    /// <summary>The identity matrix of mvhd/tkhd (16.16 and 2.30 fixed point).</summary>
    public void UnityMatrix()
    {
        uint[] m = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];
        foreach (var v in m) U32(v);
    }

    public void PatchU32(long at, uint v)
    {
        var here = _s.Position;
        _s.Position = at;
        U32(v);
        _s.Position = here;
    }

    public byte[] ToArray() => _s.ToArray();

    internal readonly struct BoxScope : IDisposable
    {
        private readonly BoxWriter _w;
        private readonly long _start;

        public BoxScope(BoxWriter w, string type, uint? versionAndFlags)
        {
            _w = w;
            _start = w.Position;
            w.U32(0);
            w.FourCc(type);
            if (versionAndFlags is { } vf) w.U32(vf);
        }

        public void Dispose() => _w.PatchU32(_start, (uint)(_w.Position - _start));
    }
}
