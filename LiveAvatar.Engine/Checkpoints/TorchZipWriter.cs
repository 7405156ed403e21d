using System.IO.Compression;
using System.Text;


namespace LiveAvatar.Engine.Checkpoints;

/// <summary>
/// Writes a state dict in torch.save's zip format (what `torch.load` reads): <c>archive/data.pkl</c> is a
/// protocol-2 pickle of an OrderedDict of <c>torch._utils._rebuild_tensor_v2</c> calls whose storages are
/// persistent ids pointing at stored (uncompressed) <c>archive/data/N</c> entries. Used for the demo checkpoint's
/// `.pth` files; the file appears under its final name only when complete.
/// </summary>
public static class TorchZipWriter
{
    public static void Write(string path, IEnumerable<(string Name, CheckpointDType DType, long[] Shape, ReadOnlyMemory<byte> Data)> tensors)
    {
        var list = tensors.ToList();
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var tmp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew))
            using (var zip = new ZipArchive(fs, ZipArchiveMode.Create))
            {
                Entry(zip, "archive/data.pkl", Pickle(list));
                Entry(zip, "archive/byteorder", Encoding.ASCII.GetBytes("little"));
                for (var i = 0; i < list.Count; i++)
                {
                    var (name, dtype, shape, data) = list[i];
                    var expected = shape.Aggregate(1L, (a, b) => a * b) * dtype.ElementSize();
                    if (data.Length != expected)
                        throw new ArgumentException($"tensor '{name}': {data.Length} bytes for shape [{string.Join(", ", shape)}] {dtype.Name()} (needs {expected})");
                    Entry(zip, $"archive/data/{i}", data.Span);
                }
                Entry(zip, "archive/version", Encoding.ASCII.GetBytes("3\n"));
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    private static void Entry(ZipArchive zip, string name, ReadOnlySpan<byte> bytes)
    {
        var e = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var s = e.Open();
        s.Write(bytes);
    }

    private static string StorageName(CheckpointDType t) => t switch
    {
        CheckpointDType.Float32 => "FloatStorage",
        CheckpointDType.Float16 => "HalfStorage",
        CheckpointDType.BFloat16 => "BFloat16Storage",
        CheckpointDType.Float64 => "DoubleStorage",
        CheckpointDType.Int64 => "LongStorage",
        CheckpointDType.Int32 => "IntStorage",
        CheckpointDType.Int8 => "CharStorage",
        CheckpointDType.UInt8 => "ByteStorage",
        CheckpointDType.Bool => "BoolStorage",
        _ => throw new NotSupportedException($"torch zip writer: no storage type for {t.Name()}"),
    };

    private static byte[] Pickle(List<(string Name, CheckpointDType DType, long[] Shape, ReadOnlyMemory<byte> Data)> list)
    {
        var p = new PickleBuilder();
        p.Proto2();
        p.OrderedDict();
        if (list.Count > 0)
        {
            p.Mark();
            for (var i = 0; i < list.Count; i++)
            {
                var (name, dtype, shape, _) = list[i];
                p.Unicode(name);
                p.Global("torch._utils", "_rebuild_tensor_v2");
                p.Mark();
                // persistent id: ('storage', torch.XStorage, key, location, numel)
                p.Mark();
                p.Unicode("storage");
                p.Global("torch", StorageName(dtype));
                p.Unicode(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                p.Unicode("cpu");
                p.Int(shape.Aggregate(1L, (a, b) => a * b));
                p.TupleFromMark();
                p.BinPersId();
                p.Int(0);
                p.IntTuple(shape);
                p.IntTuple(ContiguousStrides(shape));
                p.False();
                p.OrderedDict();
                p.TupleFromMark();
                p.Reduce();
            }
            p.SetItems();
        }
        p.Stop();
        return p.ToArray();
    }

    private static long[] ContiguousStrides(long[] shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (var i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    /// <summary>The few protocol-2 opcodes a state dict needs.</summary>
    private sealed class PickleBuilder
    {
        private readonly MemoryStream _m = new();
        public void Proto2() { _m.WriteByte(0x80); _m.WriteByte(2); }
        public void Mark() => _m.WriteByte((byte)'(');
        public void Stop() => _m.WriteByte((byte)'.');
        public void Reduce() => _m.WriteByte((byte)'R');
        public void SetItems() => _m.WriteByte((byte)'u');
        public void TupleFromMark() => _m.WriteByte((byte)'t');
        public void BinPersId() => _m.WriteByte((byte)'Q');
        public void False() => _m.WriteByte(0x89);

        public void Global(string module, string name)
        {
            _m.WriteByte((byte)'c');
            var b = Encoding.ASCII.GetBytes($"{module}\n{name}\n");
            _m.Write(b);
        }

        public void OrderedDict()
        {
            Global("collections", "OrderedDict");
            _m.WriteByte((byte)')');
            Reduce();
        }

        public void Unicode(string s)
        {
            var b = Encoding.UTF8.GetBytes(s);
            _m.WriteByte((byte)'X');
            _m.Write(BitConverter.GetBytes(b.Length));
            _m.Write(b);
        }

        public void Int(long v)
        {
            if (v is >= int.MinValue and <= int.MaxValue)
            {
                _m.WriteByte((byte)'J');
                _m.Write(BitConverter.GetBytes((int)v));
                return;
            }
            // LONG1: little-endian two's complement
            var bytes = BitConverter.GetBytes(v);
            _m.WriteByte(0x8a);
            _m.WriteByte(8);
            _m.Write(bytes);
        }

        public void IntTuple(long[] xs)
        {
            Mark();
            foreach (var x in xs) Int(x);
            TupleFromMark();
        }

        public byte[] ToArray() => _m.ToArray();
    }
}
