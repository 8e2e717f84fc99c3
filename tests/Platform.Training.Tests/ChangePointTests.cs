using Platform.Training.DataPolicy;

namespace Platform.Training.Tests;

public sealed class ChangePointTests
{
    [Fact]
    public void Pettitt_statistic_and_p_value_follow_the_textbook_formula()
    {
        // Ranks 1..6: U_k = 2·Σr − 7k is −5, −8, −9, −8, −5; the most negative at k = 3, K = 9,
        // p = exp(−6·81 / (6³ + 6²)) = exp(−486 / 252).
        var rise = ChangePoint.Rise([1, 2, 3, 10, 11, 12])!;

        Assert.Equal(3, rise.Index);
        Assert.Equal(Math.Exp(-486.0 / 252), rise.PValue, 12);
        Assert.Equal((2.0, 11.0), (rise.MeanBefore, rise.MeanAfter));
    }

    [Fact]
    public void A_jump_of_the_losses_is_found_where_it_happened_and_beyond_chance()
    {
        var random = new Random(7);
        var losses = Enumerable.Range(0, 1000).Select(i => Math.Pow(random.NextDouble() - 0.5, 2) * (i < 100 ? 1 : 400)).ToArray();

        var rise = ChangePoint.Rise(losses)!;

        // A few of the worse rows are as low as the better ones, so the estimate may land a little late.
        Assert.InRange(rise.Index, 95, 120);
        Assert.True(rise.PValue < 1e-10, $"p {rise.PValue}");
    }

    [Fact]
    public void Losses_that_do_not_change_show_no_rise_beyond_chance()
    {
        var random = new Random(11);
        var losses = Enumerable.Range(0, 1000).Select(_ => Math.Pow(random.NextDouble() - 0.5, 2)).ToArray();

        Assert.True(ChangePoint.Rise(losses) is not { PValue: < 0.01 });
    }

    [Fact]
    public void Classifier_errors_and_unlabelled_rows_are_counted_in_the_callers_rows()
    {
        // 0/1 errors: right on the first 40 rows (two unlabelled), wrong on most of the next 60.
        var losses = Enumerable.Range(0, 100).Select(i => i is 5 or 17 ? double.NaN : i < 40 ? 0 : i % 5 == 0 ? 0 : 1).ToArray();

        var rise = ChangePoint.Rise(losses)!;

        Assert.Equal(41, rise.Index); // row 40 is right too (40 % 5 == 0), so the worse segment starts at 41
        Assert.True(rise.PValue < 0.001);
    }
}
