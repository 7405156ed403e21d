using LiveAvatar.Engine.Models.Common;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>
/// An nn.Sequential whose parameter-free members (SiLU, Dropout, ZeroPad2d, Upsample) hold index numbers but no
/// module: only the members with weights are registered, under their original index, so keys stay
/// <c>residual.2.weight</c>, <c>resample.1.bias</c>, <c>head.0.gamma</c>.
/// </summary>
public sealed class VaeSequential : Module
{
    private readonly Dictionary<int, Module> _members = [];

    public VaeSequential Add(int index, Module member)
    {
        _members[index] = Child(index.ToString(System.Globalization.CultureInfo.InvariantCulture), member);
        return this;
    }

    public T At<T>(int index) where T : Module => (T)_members[index];
}
