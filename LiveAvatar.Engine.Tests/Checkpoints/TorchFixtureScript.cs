namespace LiveAvatar.Engine.Tests.Checkpoints;

/// <summary>The Python that makes the torch.save fixtures at test time (Debian python3-torch), together with the
/// bytes each tensor should read as, so the C# reader is checked against torch itself.</summary>
internal static class TorchFixtureScript
{
    public const string Source = """
import sys, os, json, collections, pickle, zipfile, subprocess
import torch

out = sys.argv[1]
torch.manual_seed(0)

def raw(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()

m = torch.randn(3, 4)
base = torch.arange(10, dtype=torch.float32) * 0.5
lin = torch.nn.Linear(3, 2)
sd = collections.OrderedDict()
sd['f32'] = m
sd['f32_t'] = m.t()
sd['strided'] = m[:, ::2]
sd['bf16'] = torch.randn(2, 3).to(torch.bfloat16)
sd['f16'] = torch.randn(5).half()
sd['f64'] = torch.randn(2, dtype=torch.float64)
sd['i64'] = torch.tensor([[1, -2], [3, 2 ** 40]])
sd['i32'] = torch.tensor([7, -8], dtype=torch.int32)
sd['i8'] = torch.tensor([-3, 4], dtype=torch.int8)
sd['u8'] = torch.tensor([250, 3], dtype=torch.uint8)
sd['bool'] = torch.tensor([True, False, True])
sd['shared_a'] = base[2:6]
sd['shared_b'] = base[5:].view(1, 5)
sd['scalar'] = torch.tensor(3.25)
sd['empty'] = torch.zeros(0, 3)
sd['param'] = torch.nn.Parameter(torch.ones(2) * 1.5)
sd['nested'] = {'inner': {'x': torch.tensor([1.0, 2.0])}}
sd['linear'] = lin.state_dict()

def flatten(prefix, v, acc):
    if isinstance(v, torch.Tensor):
        acc[prefix] = v
    elif isinstance(v, dict):
        for k, x in v.items():
            flatten(prefix + '.' + k if prefix else k, x, acc)
    return acc

flat = flatten('', sd, collections.OrderedDict())
expected = {}
for name, t in flat.items():
    with open(os.path.join(out, name + '.bin'), 'wb') as f:
        f.write(raw(t))
    expected[name] = {'dtype': str(t.dtype).replace('torch.', ''), 'shape': list(t.shape),
                      'stride': list(t.stride()), 'offset': t.storage_offset(), 'contiguous': t.is_contiguous()}

model = os.path.join(out, 'model.pth')
torch.save(sd, model)
torch.save(sd, os.path.join(out, 'pytorch_model.bin'))
torch.save(sd, os.path.join(out, 'protocol4.pt'), pickle_protocol=4)
torch.save({'state_dict': {'w': torch.ones(2)}, 'epoch': 3, 'tag': 'run1'}, os.path.join(out, 'wrapped.pth'))

prefix = zipfile.ZipFile(model).namelist()[0].split('/')[0]

def rezip(dst, drop=(), add=None, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(model) as zi, zipfile.ZipFile(os.path.join(out, dst), 'w', compression) as zo:
        for i in zi.infolist():
            if not any(i.filename.endswith(d) for d in drop):
                zo.writestr(i.filename, zi.read(i.filename))
        for k, v in (add or {}).items():
            zo.writestr(prefix + '/' + k, v)

rezip('little.pth', add={'byteorder': 'little'})
rezip('bigendian.pth', add={'byteorder': 'big'})
rezip('nopkl.pth', drop=['/data.pkl'])
rezip('nostorage.pth', drop=['/data/0'])
rezip('deflated.pth', compression=zipfile.ZIP_DEFLATED)
with zipfile.ZipFile(os.path.join(out, 'badop.pth'), 'w') as z:
    z.writestr('archive/data.pkl', b'\x80\x02}q\x00\xff.')

class Evil:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg
    def __reduce__(self):
        return (self.fn, (self.arg,))

def marker(n):
    return os.path.join(out, n + '.pwned')

def evil_zip(name, obj, protocol):
    with zipfile.ZipFile(os.path.join(out, name), 'w') as z:
        z.writestr('archive/data.pkl', pickle.dumps(obj, protocol=protocol))
        z.writestr('archive/version', '3\n')

evil_zip('evil_system.pth', {'w': 1, 'x': Evil(os.system, 'touch ' + marker('system'))}, 2)
evil_zip('evil_eval.pth', {'x': Evil(eval, "open(%r, 'w').close()" % marker('eval'))}, 2)
evil_zip('evil_subprocess.pth', [Evil(subprocess.call, ['touch', marker('subprocess')])], 4)

# Prove the payload style is live: Python's own unpickler does run it.
proof = marker('proof')
pickle.loads(pickle.dumps(Evil(os.system, 'touch ' + proof), protocol=2))
expected['__payload_is_live__'] = os.path.exists(proof)
os.remove(proof)

with open(os.path.join(out, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=1)
""";
}
