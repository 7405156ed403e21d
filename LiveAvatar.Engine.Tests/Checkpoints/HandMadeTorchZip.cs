using System.Buffers.Binary;
using System.Text;

namespace LiveAvatar.Engine.Tests.Checkpoints;

/// <summary>Builds torch-style archives by hand, for what Debian's torch 1.13 cannot write: float8 storages and
/// zip64 records (which torch emits for files over 4 GB, like the 11 GB T5 checkpoint). Every entry here uses
/// zip64 sizes and offsets, so the small file exercises the same directory path as a huge one.</summary>
internal static class HandMadeTorchZip
{
    public static byte[] Zip64(params (string Name, byte[] Data)[] entries)
    {
        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        var offsets = new List<long>();
        foreach (var (name, data) in entries)
        {
            offsets.Add(ms.Position);
            var n = Encoding.UTF8.GetBytes(name);
            w.Write(0x04034b50u); w.Write((ushort)45); w.Write((ushort)0); w.Write((ushort)0);
            w.Write(0u); w.Write(0u); w.Write(0xFFFFFFFFu); w.Write(0xFFFFFFFFu);
            w.Write((ushort)n.Length); w.Write((ushort)20);
            w.Write(n);
            w.Write((ushort)1); w.Write((ushort)16); w.Write((long)data.Length); w.Write((long)data.Length);
            w.Write(data);
        }
        long cdStart = ms.Position;
        for (int i = 0; i < entries.Length; i++)
        {
            var (name, data) = entries[i];
            var n = Encoding.UTF8.GetBytes(name);
            w.Write(0x02014b50u); w.Write((ushort)45); w.Write((ushort)45); w.Write((ushort)0); w.Write((ushort)0);
            w.Write(0u); w.Write(0u); w.Write(0xFFFFFFFFu); w.Write(0xFFFFFFFFu);
            w.Write((ushort)n.Length); w.Write((ushort)28); w.Write((ushort)0); w.Write((ushort)0); w.Write((ushort)0);
            w.Write(0u); w.Write(0xFFFFFFFFu);
            w.Write(n);
            w.Write((ushort)1); w.Write((ushort)24); w.Write((long)data.Length); w.Write((long)data.Length); w.Write(offsets[i]);
        }
        long cdSize = ms.Position - cdStart;
        long z64 = ms.Position;
        w.Write(0x06064b50u); w.Write(44L); w.Write((ushort)45); w.Write((ushort)45); w.Write(0u); w.Write(0u);
        w.Write((long)entries.Length); w.Write((long)entries.Length); w.Write(cdSize); w.Write(cdStart);
        w.Write(0x07064b50u); w.Write(0u); w.Write(z64); w.Write(1u);
        w.Write(0x06054b50u); w.Write((ushort)0); w.Write((ushort)0); w.Write((ushort)0xFFFF); w.Write((ushort)0xFFFF);
        w.Write(0xFFFFFFFFu); w.Write(0xFFFFFFFFu); w.Write((ushort)0);
        w.Flush();
        return ms.ToArray();
    }

    /// <summary>The pickle torch.save writes for {name: tensor} with one storage of the given class.</summary>
    public static byte[] StateDictPickle(string name, string storageClass, long numel, long[] shape, long[] stride, long offset)
    {
        var p = new List<byte> { 0x80, 2 };
        void Op(char c) => p.Add((byte)c);
        void Str(string s)
        {
            var b = Encoding.UTF8.GetBytes(s);
            Op('X');
            Span<byte> len = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(len, b.Length);
            p.AddRange(len.ToArray());
            p.AddRange(b);
        }
        void Int(long v)
        {
            Op('J');
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, checked((int)v));
            p.AddRange(b.ToArray());
        }
        void Global(string module, string n) => p.AddRange(Encoding.ASCII.GetBytes($"c{module}\n{n}\n"));
        void Tuple(long[] xs)
        {
            Op('(');
            foreach (var x in xs) Int(x);
            Op('t');
        }

        Op('}'); Op('(');
        Str(name);
        Global("torch._utils", "_rebuild_tensor_v2");
        Op('('); Op('(');
        Str("storage"); Global("torch", storageClass); Str("0"); Str("cpu"); Int(numel);
        Op('t'); Op('Q');
        Int(offset); Tuple(shape); Tuple(stride);
        p.Add(0x89);
        Global("collections", "OrderedDict"); Op(')'); Op('R');
        Op('t'); Op('R');
        Op('u'); Op('.');
        return [.. p];
    }
}
