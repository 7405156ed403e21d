namespace LiveAvatar.Engine.Models.Vae;

/// <summary>Resample's mode strings: 'none', 'upsample2d', 'upsample3d', 'downsample2d', 'downsample3d'.</summary>
public enum ResampleMode { None, Upsample2d, Upsample3d, Downsample2d, Downsample3d }
