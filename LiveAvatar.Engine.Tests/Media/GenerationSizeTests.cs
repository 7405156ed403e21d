using Xunit;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

public class GenerationSizeTests
{
    [Theory]
    [InlineData(1568, 2720, "704*384", 384, 704)] // anchor
    [InlineData(400, 720, "704*384", 384, 704)] // boy, dwarven_blacksmith
    [InlineData(768, 1344, "704*384", 384, 704)] // man
    [InlineData(720, 400, "704*384", 704, 384)] // fashion_blogger (portrait)
    [InlineData(1568, 2720, "720*400", 384, 704)]
    [InlineData(400, 720, "720*400", 384, 704)]
    [InlineData(768, 1344, "720*400", 384, 704)]
    [InlineData(720, 400, "720*400", 704, 384)]
    public void The_spec_examples_give_the_spec_sizes(int h, int w, string key, int expectedH, int expectedW)
    {
        Assert.Equal((expectedH, expectedW), GenerationSize.Compute(h, w, GenerationSize.MaxArea(key)));
    }

    [Theory]
    [InlineData(1080, 1920, "1280*720", 704, 1280)]
    [InlineData(1024, 1024, "704*384", 512, 512)]
    [InlineData(100, 100, "704*384", 128, 128)] // smaller than the area: only padded up
    [InlineData(3000, 4000, "384*256", 256, 384)]
    public void Other_aspects_fill_the_area_in_multiples_of_64(int h, int w, string key, int expectedH, int expectedW)
    {
        var area = GenerationSize.MaxArea(key);
        var (oh, ow) = GenerationSize.Compute(h, w, area);
        Assert.Equal((expectedH, expectedW), (oh, ow));
        Assert.True(oh % 64 == 0 && ow % 64 == 0 && oh * ow <= area);
    }

    [Fact]
    public void Every_supported_key_gives_sides_that_are_multiples_of_64_within_the_area()
    {
        foreach (var key in GenerationSize.SupportedKeys)
        {
            var area = GenerationSize.MaxArea(key);
            foreach (var (h, w) in new[] { (1080, 1920), (1920, 1080), (600, 800), (4032, 3024), (64, 64) })
            {
                var (oh, ow) = GenerationSize.Compute(h, w, area);
                Assert.True(oh % 64 == 0 && ow % 64 == 0 && oh > 0 && ow > 0 && (long)oh * ow <= area, $"{key} {h}x{w} → {oh}x{ow}");
            }
        }
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("704x384")]
    [InlineData("0*0")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("1920*1080")]
    public void An_unsupported_size_key_is_refused_with_the_list_of_supported_ones(string? key)
    {
        var e = Assert.Throws<MediaException>(() => GenerationSize.MaxArea(key));
        Assert.Contains("Unsupported --size", e.Message);
        Assert.Contains("704*384", e.Message);
        Assert.Contains("720*1280", e.Message);
    }

    [Theory]
    [InlineData(720, 400, 384, 691, 384)] // the spec's 720×400 → 691×384 before padding
    [InlineData(400, 720, 384, 384, 691)]
    [InlineData(500, 500, 384, 384, 384)]
    public void Resize_makes_the_shorter_side_the_target_and_truncates_the_long_side(int w, int h, int s, int ew, int eh)
    {
        Assert.Equal((ew, eh), ReferenceImageLoader.ResizedSize(w, h, s));
    }
}
