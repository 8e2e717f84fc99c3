using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Inference.Tests;

public sealed class ScoringBatchTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    public void Fast_path_gives_the_same_labels_and_probabilities_as_table_scoring(int rows)
    {
        using var scorer = OnnxScorer.Load(TrainedModels.Iris);
        Assert.True(scorer.HasFastPath);
        var table = TrainedModels.IrisRows.SelectRows(Enumerable.Range(0, rows).Select(i => i * 149 / Math.Max(1, rows - 1)).ToArray());
        var expected = scorer.Score(table);

        for (var round = 0; round < 3; round++) // pooled batches are reused: results must not leak between uses
        {
            using var batch = Fill(scorer, table);
            batch.Score();
            for (var row = 0; row < rows; row++)
            {
                Assert.Equal(expected.Labels![row], batch.Label(row));
                Assert.Equal(expected.Probabilities![row], batch.Probabilities(row).ToArray());
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_full_batch_scored_again_with_other_rows_gives_those_rows_results(int rows)
    {
        // A full batch's values are bound to the session once: each score must still see the numbers set since.
        using var scorer = OnnxScorer.Load(TrainedModels.Iris);
        var tables = Enumerable.Range(0, 6).Select(round => TrainedModels.IrisRows.SelectRows(
            Enumerable.Range(0, rows).Select(i => (round * 53 + i * 37) % TrainedModels.IrisRows.RowCount).ToArray())).ToList();
        var batch = Fill(scorer, tables[0]);
        batch.Dispose();
        foreach (var table in tables)
        {
            var expected = scorer.Score(table);
            using var again = Fill(scorer, table);
            Assert.Same(batch, again); // the pooled batch, bound in an earlier round
            again.Score();
            for (var row = 0; row < rows; row++)
            {
                Assert.Equal(expected.Labels![row], again.Label(row));
                Assert.Equal(expected.Probabilities![row], again.Probabilities(row).ToArray());
            }
        }

        Assert.Equal(3, tables.SelectMany(t => scorer.Score(t).Labels!).Distinct().Count()); // the rounds differ
    }

    [Fact]
    public void Fast_path_gives_the_same_regression_values_as_table_scoring()
    {
        using var scorer = OnnxScorer.Load(TrainedModels.DiabetesRegressor);
        var table = TrainedModels.DiabetesRows;
        var expected = scorer.Score(table);
        using var batch = Fill(scorer, table);
        batch.Score();
        for (var row = 0; row < table.RowCount; row++) Assert.Equal(expected.Values![row], batch.Value(row));
    }

    [Fact]
    public void Table_scoring_still_works_after_batches_were_used()
    {
        using var scorer = OnnxScorer.Load(TrainedModels.Iris);
        using (var batch = Fill(scorer, TrainedModels.IrisRows.SelectRows([0]))) batch.Score();
        Assert.Equal("setosa", scorer.Score(TrainedModels.IrisRows.SelectRows([0])).Labels![0]);
    }

    [Fact]
    public void The_pool_keeps_at_most_its_limit_of_returned_batches_and_hands_them_out_again()
    {
        using var scorer = OnnxScorer.Load(TrainedModels.Iris);
        var first = Enumerable.Range(0, 50).Select(_ => scorer.RentBatch(1)).ToList();
        foreach (var batch in first) batch.Dispose();

        var second = Enumerable.Range(0, 50).Select(_ => scorer.RentBatch(1)).ToList();
        var reused = second.Count(batch => first.Any(earlier => ReferenceEquals(earlier, batch)));
        Assert.Equal(Math.Max(4, Environment.ProcessorCount * 4), reused);
        foreach (var batch in second) batch.Dispose();
    }

    private static ScoringBatch Fill(OnnxScorer scorer, Table table)
    {
        var batch = scorer.RentBatch(table.RowCount);
        var inputs = scorer.Signature.Inputs;
        for (var f = 0; f < inputs.Count; f++)
            for (var row = 0; row < table.RowCount; row++)
                batch.SetNumber(f, row, table[inputs[f].Name].Numbers![row]);
        return batch;
    }
}
