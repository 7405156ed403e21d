namespace LiveAvatar.Tools.Parity;

/// <summary>Registers every fixture runner the engine has. Each port adds its runner here.</summary>
public static class ParityRunners
{
    public static void RegisterAll()
    {
        ParityRegistry.Register(new DitBlockParityRunner());
        ParityRegistry.Register(new DitCondParityRunner());
        ParityRegistry.Register(new VaeParityRunner());
        ParityRegistry.Register(new T5ParityRunner());
        ParityRegistry.Register(new Wav2Vec2ParityRunner());
        ParityRegistry.Register(new TokenizerParityRunner());
        ParityRegistry.Register(new SamplerE2eParityRunner());
    }
}
