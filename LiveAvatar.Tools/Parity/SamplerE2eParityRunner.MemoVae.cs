using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Engine.Pipelines.Core;
using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Parity;

public sealed partial class SamplerE2eParityRunner
{
    /// <summary>Answers a VAE call whose input equals an earlier one bit for bit with the earlier result.</summary>
    private sealed class MemoVae(Wan21Vae vae) : IClipVae, IDisposable
    {
        private readonly List<(string Op, Tensor Input, Tensor Output)> _seen = [];

        public Device Device => vae.Device;
        public DType DType => vae.DType;
        public Tensor Encode(Tensor video) => Memo("encode", video, v => vae.Encode(v));
        public Tensor Decode(Tensor latents) => Memo("decode", latents, vae.Decode);

        private Tensor Memo(string op, Tensor input, Func<Tensor, Tensor> run)
        {
            foreach (var (o, i, r) in _seen)
                if (o == op && Same(i, input)) return r.Clone();
            var result = run(input);
            using var scope = DisposeScope.Enter();
            _seen.Add((op, input.To(Device.Cpu, input.DType, copy: true).DetachFromScope(), result.Clone().DetachFromScope()));
            return result;
        }

        private static bool Same(Tensor cached, Tensor input)
        {
            if (cached.DType != input.DType || !cached.Shape.SequenceEqual(input.Shape)) return false;
            using var scope = DisposeScope.Enter();
            return cached.Eq(input.To(Device.Cpu)).All().Item() != 0;
        }

        public void Dispose()
        {
            foreach (var (_, i, o) in _seen)
            {
                i.Dispose();
                o.Dispose();
            }
        }
    }
}
