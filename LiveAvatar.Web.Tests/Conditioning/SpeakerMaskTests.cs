using LiveAvatar.Engine.Media;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Tests.Conditioning;

public class SpeakerMaskTests
{
    [Fact]
    public async Task A_mark_becomes_a_png_at_the_pictures_size_white_inside_its_circle_only()
    {
        string path = Path.Combine(Path.GetTempPath(), $"la-mask-{Guid.NewGuid():N}.png");
        try
        {
            // 400×200 picture, circle at (100, 100) with radius 0.25 × 200 = 50 px.
            SpeakerMaskPainter.WritePng(SpeakerMark.At(0.25, 0.5, 0.25), 400, 200, path);

            // The engine's own reader sees it as the CLI's --speaker_masks files.
            var mask = await SpeakerMaskReader.ReadAsync(path);
            Assert.Equal((400, 200), (mask.Width, mask.Height));
            Assert.Equal(1, mask.Bits[100 * 400 + 100]);
            Assert.Equal(1, mask.Bits[100 * 400 + 140]);
            Assert.Equal(0, mask.Bits[100 * 400 + 160]);
            Assert.Equal(0, mask.Bits[100 * 400 + 300]);
            int white = mask.Bits.Count(b => b == 1);
            Assert.InRange(white, (int)(Math.PI * 50 * 50 * 0.97), (int)(Math.PI * 50 * 50 * 1.03));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Clicks_mark_the_selected_speaker_then_move_on_and_a_second_click_moves_a_mark()
    {
        var marking = new SpeakerMarking();

        marking.MarkAt(0.2, 0.4);
        Assert.Equal(1, marking.Selected);
        marking.MarkAt(0.8, 0.4);
        marking.Select(0);
        marking.MarkAt(0.3, 0.5);
        marking.Resize(1, 0.1);

        Assert.True(marking.IsComplete);
        Assert.Equal([SpeakerMark.At(0.3, 0.5), SpeakerMark.At(0.8, 0.4, 0.1)], marking.ToList());
    }

    [Fact]
    public void Points_from_pixels_keep_their_place_and_radius_relative_to_the_picture()
    {
        var mark = SpeakerMark.FromPixels(768, 300, 70.4, 1024, 704);

        Assert.Equal((768.0, 300.0, 70.4), (Math.Round(mark.InPixels(1024, 704).X, 6), Math.Round(mark.InPixels(1024, 704).Y, 6),
            Math.Round(mark.InPixels(1024, 704).Radius, 6)));
        Assert.Equal(SpeakerMark.MaxRadius, SpeakerMark.At(0.5, 0.5, 5).Radius);
    }
}
