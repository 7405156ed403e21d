using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Sampling;

/// <summary>
/// The distilled sampler's schedule: diffusers FlowMatchEulerDiscreteScheduler(num_train_timesteps, shift)
/// after set_timesteps(steps), deterministic Euler. The shift is applied twice (once to the training sigmas
/// that fix σ_min, once in set_timesteps), which is why the last timestep is 8.93 and not 3.
/// </summary>
public sealed class FlowMatchSchedule
{
    private FlowMatchSchedule(float[] timesteps, float[] sigmas)
    {
        Timesteps = timesteps;
        Sigmas = sigmas;
    }

    /// <summary>Timesteps fed to the DiT, one per step (σ·1000, float32 as diffusers holds them).</summary>
    public IReadOnlyList<float> Timesteps { get; }

    /// <summary>σ_0 … σ_N including the final 0.</summary>
    public IReadOnlyList<float> Sigmas { get; }

    public int Steps => Timesteps.Count;

    public static FlowMatchSchedule Create(int steps, double shift = 3.0, int numTrainTimesteps = 1000)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), "at least one step");
        // Training sigmas are float32 tensors in diffusers; σ_max/σ_min come from them.
        var fShift = (float)shift;
        float Shift32(float s) => fShift * s / (1f + (fShift - 1f) * s);
        double sigmaMax = Shift32(numTrainTimesteps / (float)numTrainTimesteps);
        double sigmaMin = Shift32(1f / numTrainTimesteps);

        // set_timesteps: numpy float64 linspace in timestep units, shifted again, then cast to float32.
        double start = sigmaMax * numTrainTimesteps, stop = sigmaMin * numTrainTimesteps;
        var timesteps = new float[steps];
        var sigmas = new float[steps + 1];
        for (var i = 0; i < steps; i++)
        {
            var t = steps == 1 ? start : i == steps - 1 ? stop : start + i * ((stop - start) / (steps - 1));
            var s = t / numTrainTimesteps;
            var shifted = (float)(shift * s / (1 + (shift - 1) * s));
            sigmas[i] = shifted;
            timesteps[i] = shifted * numTrainTimesteps;
        }
        sigmas[steps] = 0f;
        return new FlowMatchSchedule(timesteps, sigmas);
    }

    /// <summary>The Euler coefficient σ_{i+1} − σ_i (a float32 difference, as diffusers computes it).</summary>
    public float Delta(int step) => Sigmas[step + 1] - Sigmas[step];

    /// <summary>x_{i+1} = x_i + (σ_{i+1} − σ_i)·v_i in float32, returned in x's dtype.</summary>
    public Tensor Step(Tensor x, Tensor velocity, int step)
    {
        if (step < 0 || step >= Steps) throw new ArgumentOutOfRangeException(nameof(step));
        using var scope = torch.NewDisposeScope();
        var x32 = x.to(ScalarType.Float32);
        var result = (x32 + velocity.to(ScalarType.Float32) * Delta(step)).to(x.dtype);
        return result.MoveToOuterDisposeScope();
    }
}
