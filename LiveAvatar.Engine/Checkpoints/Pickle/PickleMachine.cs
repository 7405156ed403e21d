namespace LiveAvatar.Engine.Checkpoints.Pickle;

/// <summary>A restricted unpickler for torch.save pickles (protocols 2-5). It builds plain data only: dicts,
/// lists, tuples, primitives, storage references and tensor views. Globals outside <see cref="TorchGlobals"/> are
/// refused when named, and opcodes that could reach arbitrary objects (INST, OBJ, EXT*, out-of-band buffers) are
/// refused outright, so loading never runs code.</summary>
internal sealed partial class PickleMachine
{
    private readonly byte[] _data;
    private readonly string _file;
    private readonly string _entry;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _pos;

    private PickleMachine(byte[] data, string file, string entry)
    {
        _data = data;
        _file = file;
        _entry = entry;
    }

    public static object? Load(byte[] data, string file, string entry) => new PickleMachine(data, file, entry).Run();

    private object? Run()
    {
        while (true)
        {
            if (_pos >= _data.Length) throw Fail("pickle ends without a STOP opcode");
            int at = _pos;
            byte op = _data[_pos++];
            try
            {
                if (op == (byte)'.') return Pop();
                Step(op);
            }
            catch (CheckpointFormatException)
            {
                throw;
            }
            catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException
                                          or InvalidCastException or OverflowException or InvalidOperationException or FormatException)
            {
                throw Fail($"malformed pickle at offset {at} (opcode 0x{op:x2}): {e.Message}");
            }
        }
    }

    private void Step(byte op)
    {
        switch (op)
        {
            case 0x80: _pos++; break;                                   // PROTO
            case 0x95: _pos += 8; break;                                // FRAME: framing is only a read-ahead hint
            case (byte)'(': _marks.Push(_stack.Count); break;           // MARK
            case (byte)'0': Pop(); break;                               // POP
            case (byte)'1': PopMark(); break;                           // POP_MARK
            case (byte)'2': Push(Peek()); break;                        // DUP
            case (byte)'N': Push(null); break;
            case 0x88: Push(true); break;
            case 0x89: Push(false); break;
            case (byte)'J': Push((long)ReadI32()); break;               // BININT
            case (byte)'K': Push((long)ReadByte()); break;              // BININT1
            case (byte)'M': Push((long)ReadU16()); break;               // BININT2
            case 0x8a: Push(ReadLong(ReadByte())); break;               // LONG1
            case 0x8b: Push(ReadLong(ReadI32())); break;                // LONG4
            case (byte)'I': Push(ParseIntLine(ReadLine())); break;      // INT
            case (byte)'L': Push(long.Parse(ReadLine().TrimEnd('L'))); break; // LONG
            case (byte)'G': Push(ReadBigEndianDouble()); break;         // BINFLOAT
            case (byte)'F': Push(double.Parse(ReadLine(), System.Globalization.CultureInfo.InvariantCulture)); break;
            case (byte)'X': Push(ReadUtf8(ReadU32())); break;           // BINUNICODE
            case 0x8c: Push(ReadUtf8(ReadByte())); break;               // SHORT_BINUNICODE
            case 0x8d: Push(ReadUtf8(ReadU64())); break;                // BINUNICODE8
            case (byte)'T': Push(ReadLatin1(ReadU32())); break;         // BINSTRING (python 2 str)
            case (byte)'U': Push(ReadLatin1(ReadByte())); break;        // SHORT_BINSTRING
            case (byte)'B': Push(ReadBytes(ReadU32())); break;          // BINBYTES
            case (byte)'C': Push(ReadBytes(ReadByte())); break;         // SHORT_BINBYTES
            case 0x8e: Push(ReadBytes(ReadU64())); break;               // BINBYTES8
            case (byte)')': Push(Array.Empty<object?>()); break;        // EMPTY_TUPLE
            case (byte)'t': Push(PopMark().ToArray()); break;           // TUPLE
            case 0x85: Push(new[] { Pop() }); break;                    // TUPLE1
            case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
            case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }
            case (byte)']': Push(new PyList([])); break;                // EMPTY_LIST
            case (byte)'l': Push(new PyList(PopMark())); break;         // LIST
            case (byte)'a': { var v = Pop(); As<PyList>(Peek(), "APPEND").Items.Add(v); break; }
            case (byte)'e': { var vs = PopMark(); As<PyList>(Peek(), "APPENDS").Items.AddRange(vs); break; }
            case (byte)'}': Push(new PyDict()); break;                  // EMPTY_DICT
            case (byte)'d': { var d = new PyDict(); SetItems(d, PopMark()); Push(d); break; }
            case (byte)'s': { var v = Pop(); var k = Pop(); As<PyDict>(Peek(), "SETITEM").Set(k, v); break; }
            case (byte)'u': { var kv = PopMark(); SetItems(As<PyDict>(Peek(), "SETITEMS"), kv); break; }
            case 0x8f: Push(new PySet([])); break;                      // EMPTY_SET
            case 0x90: { var vs = PopMark(); As<PySet>(Peek(), "ADDITEMS").Items.AddRange(vs); break; }
            case 0x91: Push(new PySet(PopMark())); break;               // FROZENSET
            case (byte)'q': _memo[ReadByte()] = Peek(); break;          // BINPUT
            case (byte)'r': _memo[ReadU32()] = Peek(); break;           // LONG_BINPUT
            case (byte)'p': _memo[long.Parse(ReadLine())] = Peek(); break; // PUT
            case 0x94: _memo[_memo.Count] = Peek(); break;              // MEMOIZE
            case (byte)'h': Push(MemoGet(ReadByte())); break;           // BINGET
            case (byte)'j': Push(MemoGet(ReadU32())); break;            // LONG_BINGET
            case (byte)'g': Push(MemoGet(long.Parse(ReadLine()))); break; // GET
            case (byte)'c': { var module = ReadLine(); Push(Global(module, ReadLine())); break; }
            case 0x93: { var name = Pop(); var module = Pop(); Push(Global(module, name)); break; }
            case (byte)'R': { var args = Pop(); Push(Call(Pop(), args)); break; }   // REDUCE
            case 0x81: { var args = Pop(); Push(Call(Pop(), args)); break; }        // NEWOBJ
            case (byte)'b': Build(Pop(), Peek()); break;                // BUILD
            case (byte)'Q': Push(TorchGlobals.PersistentLoad(Pop(), Fail)); break;  // BINPERSID
            case (byte)'P': throw Fail("refuses text persistent ids (PERSID); torch.save writes BINPERSID");
            case (byte)'i': { var module = ReadLine(); throw Refuse($"{module}.{ReadLine()}"); } // INST
            case (byte)'o': throw Fail("refuses opcode OBJ (arbitrary object construction)");
            case 0x92: throw Fail("refuses opcode NEWOBJ_EX");
            case 0x82 or 0x83 or 0x84: throw Fail("refuses extension-registry opcodes (EXT1/2/4)");
            case 0x96 or 0x97 or 0x98: throw Fail("refuses out-of-band buffer opcodes");
            default: throw Fail($"bad pickle opcode 0x{op:x2} at offset {_pos - 1}");
        }
    }

    private object Global(object? module, object? name)
    {
        if (module is not string m || name is not string n) throw Fail("STACK_GLOBAL operands are not strings");
        return TorchGlobals.Resolve(m, n) ?? throw Refuse($"{m}.{n}");
    }

    private object? Call(object? callable, object? args)
    {
        if (callable is not PyGlobal fn) throw Fail($"REDUCE target is {TorchGlobals.Describe(callable)}, not an allowed global");
        if (args is not object?[] tuple) throw Fail($"REDUCE arguments for {fn.FullName} are not a tuple");
        return TorchGlobals.Call(fn, tuple, Fail);
    }

    // OrderedDict state (torch's _metadata with per-module versions) and parameter state carry no tensor data.
    private void Build(object? state, object? target)
    {
        if (target is PyDict or PyTensor) return;
        throw Fail($"refuses BUILD on {TorchGlobals.Describe(target)} with state {TorchGlobals.Describe(state)}");
    }

    private void SetItems(PyDict dict, List<object?> kv)
    {
        if (kv.Count % 2 != 0) throw Fail("SETITEMS with an odd number of items");
        for (int i = 0; i < kv.Count; i += 2) dict.Set(kv[i], kv[i + 1]);
    }

    private Exception Refuse(string fullName) =>
        new CheckpointFormatException(_file, $"{_entry}: refuses global {fullName}; only torch tensor/storage globals are allowed");

    private Exception Fail(string problem) => new CheckpointFormatException(_file, $"{_entry}: {problem}");
}
