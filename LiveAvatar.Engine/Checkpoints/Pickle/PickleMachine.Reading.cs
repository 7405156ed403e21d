using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace LiveAvatar.Engine.Checkpoints.Pickle;

internal sealed partial class PickleMachine
{
    private void Push(object? v) => _stack.Add(v);

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw Fail("stack underflow");

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks.Peek() == _stack.Count))
            throw Fail("stack underflow");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Fail("opcode needs a MARK but none is set");
        int m = _marks.Pop();
        var items = _stack.GetRange(m, _stack.Count - m);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private T As<T>(object? v, string opcode) where T : class =>
        v as T ?? throw Fail($"{opcode} applied to {TorchGlobals.Describe(v)}");

    private object? MemoGet(long key) =>
        _memo.TryGetValue(key, out var v) ? v : throw Fail($"memo key {key} was never stored");

    private ReadOnlySpan<byte> Take(long n)
    {
        if (n < 0 || n > _data.Length - _pos) throw Fail($"pickle is truncated (needs {n} bytes at offset {_pos})");
        var s = _data.AsSpan(_pos, (int)n);
        _pos += (int)n;
        return s;
    }

    private byte ReadByte() => Take(1)[0];
    private int ReadU16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    private int ReadI32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
    private long ReadU32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    private long ReadU64()
    {
        ulong v = BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
        return v > int.MaxValue ? throw Fail($"length {v} is too large") : (long)v;
    }

    private double ReadBigEndianDouble() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));
    private string ReadUtf8(long n) => Encoding.UTF8.GetString(Take(n));
    private string ReadLatin1(long n) => Encoding.Latin1.GetString(Take(n));
    private byte[] ReadBytes(long n) => Take(n).ToArray();

    private long ReadLong(long n)
    {
        var bytes = Take(n);
        var v = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return v >= long.MinValue && v <= long.MaxValue ? (long)v : throw Fail($"integer {v} does not fit in 64 bits");
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw Fail("pickle is truncated (text operand without newline)");
        var s = Encoding.UTF8.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return s;
    }

    private static object ParseIntLine(string s) => s switch
    {
        "00" => false,
        "01" => true,
        _ => long.Parse(s),
    };
}
