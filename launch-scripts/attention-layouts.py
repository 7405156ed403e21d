"""Times the DiT's self-attention shape (3,168 queries over 15,312 keys, 40 heads of 128) through PyTorch's SDPA
backends and input layouts on this GPU, and lists each variant's kernels: which layout spares cuDNN its own layout
change (the nchwToNhwc kernel in our forward's profile), and whether another backend is faster.
Usage: python3 attention-layouts.py"""
import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.profiler import profile, ProfilerActivity

L, S, H, D = 3168, 15312, 40, 128
dev = "cuda"
torch.manual_seed(0)


def blhd(n):  # token-major [1, n, H, D] seen as [1, H, n, D]: what the engine passes
    return torch.randn(1, n, H, D, device=dev, dtype=torch.bfloat16).transpose(1, 2)


def bhld(n):
    return torch.randn(1, H, n, D, device=dev, dtype=torch.bfloat16)


layouts = {
    "q,k,v token-major views (ours)": lambda: (blhd(L), blhd(S), blhd(S)),
    "q head-major, k,v token-major": lambda: (bhld(L), blhd(S), blhd(S)),
    "q,k,v head-major contiguous": lambda: (bhld(L), bhld(S), bhld(S)),
}
flops = 4 * L * S * D * H
for backend in (SDPBackend.CUDNN_ATTENTION, SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION):
    for name, make in layouts.items():
        q, k, v = make()
        try:
            with sdpa_kernel(backend):
                for _ in range(3):
                    F.scaled_dot_product_attention(q, k, v)
                torch.cuda.synchronize()
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                times = []
                for _ in range(20):
                    start.record()
                    F.scaled_dot_product_attention(q, k, v)
                    end.record()
                    torch.cuda.synchronize()
                    times.append(start.elapsed_time(end))
                with profile(activities=[ProfilerActivity.CUDA]) as prof:
                    F.scaled_dot_product_attention(q, k, v)
                    torch.cuda.synchronize()
            times.sort()
            kernels = [f"{e.key[:70]} {e.device_time_total:.0f}us" for e in prof.key_averages() if e.device_time_total > 0]
            print(f"{backend.name:20s} {name:34s} median {times[len(times)//2]:.3f} ms ({flops / times[len(times)//2] / 1e9:.0f} TFLOP/s); kernels: {'; '.join(kernels)}")
        except Exception as e:  # a backend may refuse a layout or be absent
            print(f"{backend.name:20s} {name:34s} unavailable: {str(e).splitlines()[0][:120]}")
print("torch", torch.__version__, "cudnn", torch.backends.cudnn.version())
