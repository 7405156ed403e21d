using LiveAvatar.Engine.Generation;
using LiveAvatar.Engine.Models.Dit;

namespace LiveAvatar.Engine.Tests.Generation;

public sealed class MemoryPlannerTests
{
    private const long GiB = 1L << 30;

    private static GpuMemory Gpu(double availableGiB, double totalGiB = 139.8) =>
        new("cuda:0", (long)(availableGiB * GiB), (long)(totalGiB * GiB));

    [Theory]
    [InlineData(139.0, MemoryProfile.Gb80)]
    [InlineData(79.1, MemoryProfile.Gb80)]
    [InlineData(76.0, MemoryProfile.Gb48)]
    [InlineData(47.5, MemoryProfile.Gb48)]
    [InlineData(43.0, MemoryProfile.Gb24)]
    [InlineData(23.6, MemoryProfile.Gb24)]
    public void Auto_picks_the_largest_profile_the_available_memory_holds_and_says_what_it_saw(double available, MemoryProfile expected)
    {
        var plan = MemoryPlanner.Plan(MemoryProfile.Auto, Gpu(available), fp8Supported: true, ditDevices: 1);
        Assert.Equal(expected, plan.Profile);
        Assert.Contains($"auto picked {MemoryProfiles.Name(expected)} GB", plan.Summary);
        Assert.Contains($"{available:0.0} GiB available", plan.Summary.Replace(',', '.'));
    }

    [Fact]
    public void Each_profile_keeps_less_on_the_gpu_than_the_one_above()
    {
        var p80 = MemoryPlanner.Plan(MemoryProfile.Gb80, Gpu(139), true, 1);
        var p48 = MemoryPlanner.Plan(MemoryProfile.Gb48, Gpu(139), true, 1);
        var p24 = MemoryPlanner.Plan(MemoryProfile.Gb24, Gpu(139), true, 1);
        Assert.Equal((false, false, false, false), (p80.Fp8Weights, p80.StreamDitWeights, p80.KvOnHost, p80.EncodersOnCpu));
        Assert.Equal((true, false, false, true), (p48.Fp8Weights, p48.StreamDitWeights, p48.KvOnHost, p48.EncodersOnCpu));
        Assert.Equal((true, true, true, true), (p24.Fp8Weights, p24.StreamDitWeights, p24.KvOnHost, p24.EncodersOnCpu));
        Assert.Equal((long)(70 * 1024.0 * 1024 * 1024), p80.KvBudgetBytes);
        Assert.Contains("70 GiB peak", p80.Summary);
        Assert.Equal((long)(46 * 1024.0 * 1024 * 1024), p48.KvBudgetBytes);
        Assert.Equal((KvRingFormat.Compute, KvRingFormat.Int8, KvRingFormat.Int8), (p80.KvRingFormat, p48.KvRingFormat, p24.KvRingFormat));
        Assert.Contains("8-bit KV rings on the GPU as far as a 46 GiB peak", p48.Summary);
        Assert.Equal(MemoryProfile.Gb48, p80.NextLower);
        Assert.Equal(MemoryProfile.Gb24, p48.NextLower);
        Assert.Null(p24.NextLower);
    }

    [Fact]
    public void The_48_GB_profile_keeps_its_peak_under_what_a_smaller_card_has_available()
    {
        var plan = MemoryPlanner.Plan(MemoryProfile.Gb48, Gpu(44.0, 47.5), fp8Supported: true, 1);
        Assert.Equal((long)(43.5 * GiB), plan.KvBudgetBytes);
        Assert.Contains("43.5 GiB peak", plan.Summary.Replace(',', '.'));
    }

    [Fact]
    public void Offloading_the_kv_cache_puts_every_ring_in_host_memory_in_the_compute_dtype_and_says_so()
    {
        var plain = MemoryPlanner.Plan(MemoryProfile.Gb48, Gpu(139), true, 1);
        var offloaded = MemoryPlanner.Plan(MemoryProfile.Gb48, Gpu(139), true, 1, offloadKvCache: true);
        Assert.Equal((true, null, KvRingFormat.Compute), (offloaded.KvOnHost, offloaded.KvBudgetBytes, offloaded.KvRingFormat));
        Assert.StartsWith(plain.Summary, offloaded.Summary);
        Assert.Contains("--offload_kv_cache: every KV ring in host memory", offloaded.Summary);
        // A profile that offloads already keeps its rings there, in the compute dtype; a CPU run is left as it is.
        var p24 = MemoryPlanner.Plan(MemoryProfile.Gb24, Gpu(139), true, 1, offloadKvCache: true);
        Assert.Equal((true, KvRingFormat.Compute), (p24.KvOnHost, p24.KvRingFormat));
        Assert.False(MemoryPlanner.Plan(MemoryProfile.Auto, null, false, 1, offloadKvCache: true).KvOnHost);
    }

    [Fact]
    public void Without_fp8_the_smaller_profiles_stream_bf16_weights_instead_and_say_so()
    {
        var p48 = MemoryPlanner.Plan(MemoryProfile.Gb48, Gpu(47), fp8Supported: false, 1);
        var p24 = MemoryPlanner.Plan(MemoryProfile.Gb24, Gpu(23), fp8Supported: false, 1);
        Assert.False(p48.Fp8Weights);
        Assert.True(p48.StreamDitWeights);
        Assert.Contains("no FP8", p48.Summary);
        Assert.False(p24.Fp8Weights);
        Assert.True(p24.StreamDitWeights);
    }

    [Fact]
    public void A_cpu_run_a_multi_gpu_pipeline_and_an_unreadable_gpu_keep_everything_resident()
    {
        var cpu = MemoryPlanner.Plan(MemoryProfile.Gb24, null, false, 1);
        Assert.False(cpu.StreamDitWeights || cpu.KvOnHost || cpu.Fp8Weights || cpu.EncodersOnCpu);
        Assert.Contains("CPU", cpu.Summary);
        var multi = MemoryPlanner.Plan(MemoryProfile.Auto, Gpu(139), true, 3);
        Assert.Equal(MemoryProfile.Gb80, multi.Profile);
        Assert.Contains("3-GPU pipeline", multi.Summary);
        Assert.Null(cpu.KvBudgetBytes);
        Assert.Null(multi.KvBudgetBytes);
        var unknown = MemoryPlanner.Plan(MemoryProfile.Auto, GpuMemory.Unknown("cuda:0"), true, 1);
        Assert.Equal(MemoryProfile.Gb80, unknown.Profile);
        Assert.Contains("cannot be read", unknown.Summary);
    }

    [Theory]
    [InlineData("auto", MemoryProfile.Auto)]
    [InlineData("24", MemoryProfile.Gb24)]
    [InlineData("48GB", MemoryProfile.Gb48)]
    [InlineData(" 80 gb ", MemoryProfile.Gb80)]
    public void Profile_names_parse(string text, MemoryProfile expected)
    {
        Assert.True(MemoryProfiles.TryParse(text, out var p));
        Assert.Equal(expected, p);
    }

    [Theory]
    [InlineData("16")]
    [InlineData("big")]
    public void Unknown_profile_names_are_refused(string text) => Assert.False(MemoryProfiles.TryParse(text, out _));

    [Fact]
    public void Out_of_memory_names_the_next_lower_profile()
    {
        var p80 = MemoryPlanner.Plan(MemoryProfile.Gb80, Gpu(139), true, 1);
        Assert.Contains("80 GB memory profile", GenerationHints.OutOfMemoryMessage(p80));
        Assert.StartsWith("Choose the 48 GB memory profile", GenerationHints.OutOfMemoryUnder(p80));
        var p24 = MemoryPlanner.Plan(MemoryProfile.Gb24, Gpu(23), true, 1);
        Assert.Equal(GenerationHints.OutOfMemory, GenerationHints.OutOfMemoryUnder(p24));
    }

    [Fact]
    public void Out_of_memory_under_a_profile_forced_on_a_smaller_card_names_the_profile_that_card_fits()
    {
        // The 80 GB profile forced on a 24 GB card: 48 would fail too, so the hint names 24 (what auto picks there).
        var forced = MemoryPlanner.Plan(MemoryProfile.Gb80, Gpu(23.6, 24), true, 1);
        Assert.Equal(MemoryProfile.Gb24, forced.AfterOutOfMemory);
        Assert.StartsWith("Choose the 24 GB memory profile", GenerationHints.OutOfMemoryUnder(forced));
        // A card that auto would give 80 but that ran out anyway (another process took memory): the next lower one.
        Assert.Equal(MemoryProfile.Gb48, MemoryPlanner.Plan(MemoryProfile.Gb80, Gpu(139), true, 1).AfterOutOfMemory);
        // Without the GPU's memory (a plan made elsewhere), the next lower one.
        Assert.Equal(MemoryProfile.Gb24, new MemoryPlan(MemoryProfile.Gb48, true, false, true, true, "").AfterOutOfMemory);
    }

    [Fact]
    public void Only_native_out_of_memory_errors_count_as_out_of_memory()
    {
        Assert.True(GenerationHints.IsOutOfMemory(new System.Runtime.InteropServices.ExternalException("CUDA out of memory. Tried to allocate 136.00 MiB")));
        Assert.False(GenerationHints.IsOutOfMemory(new System.Runtime.InteropServices.ExternalException("index out of range")));
        Assert.False(GenerationHints.IsOutOfMemory(new InvalidOperationException("out of memory")));
    }

    [Fact]
    public void The_small_profiles_are_refused_for_the_multi_device_pipeline()
    {
        var r = new GenerationRequest
        {
            ImagePath = "a.png", AudioPath = "a.wav", MemoryProfile = MemoryProfile.Gb24,
            Devices = new DevicePlan(["cuda:0", "cuda:1"]),
        };
        var problems = GenerationValidator.ValidateSettings(r);
        Assert.Contains(problems, p => p.Field == GenerationField.MemoryProfile && p.Message.Contains("24 GB"));
    }
}
