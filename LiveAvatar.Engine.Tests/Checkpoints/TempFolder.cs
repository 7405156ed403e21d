using System.Buffers.Binary;
using System.Text;

namespace LiveAvatar.Engine.Tests.Checkpoints;

/// <summary>A scratch folder per test, removed afterwards, plus helpers to write hand-made (often broken) files.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("la-ckpt-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string WriteBytes(string name, byte[] bytes)
    {
        var p = File(name);
        System.IO.File.WriteAllBytes(p, bytes);
        return p;
    }

    /// <summary>Writes a safetensors file from a literal header, with the length prefix computed (or forced).</summary>
    public string WriteRawSafetensors(string name, string headerJson, byte[] data, ulong? forcedHeaderLength = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, forcedHeaderLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return WriteBytes(name, bytes);
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
