using Platform.Inference.Serving;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Inference.Tests;

public sealed class RowCoalescerTests
{
    [Fact]
    public async Task Concurrent_single_rows_are_scored_together_and_each_request_gets_back_its_own_row()
    {
        using var scorer = OnnxScorer.Load(TrainedModels.Iris);
        var coalescer = new RowCoalescer(scorer);
        var table = TrainedModels.IrisRows;
        var expected = scorer.Score(table);

        // Rows share a call only when they arrive while one runs: on two quiet cores an iris call (a few µs) overlaps
        // the next arrival rarely, so rounds go on until one did (every round's answers are checked on the way).
        var coalesced = 0;
        for (var round = 0; round < 500 && coalesced == 0; round++)
        {
            // Every row of iris at once, from as many threads: rows queue while a call runs and share the next one.
            var results = await Task.WhenAll(Enumerable.Range(0, table.RowCount).Select(row => Task.Run(async () =>
            {
                using var single = Single(scorer, table, row);
                using var scored = await coalescer.ScoreAsync(single, maxRows: 16);
                Assert.Equal(1, scored.Count);
                if (scored.Coalesced) Interlocked.Increment(ref coalesced);
                return (Row: row, Label: scored.Batch.Label(scored.First), Probabilities: scored.Batch.Probabilities(scored.First).ToArray());
            })));

            foreach (var (row, label, probabilities) in results)
            {
                Assert.Equal(expected.Labels![row], label);
                Assert.Equal(expected.Probabilities![row], probabilities);
            }
        }

        Assert.True(coalesced > 0, "no two requests were ever scored in one call");
    }

    [Fact]
    public async Task A_lone_request_is_scored_at_once_on_its_own_batch()
    {
        using var scorer = OnnxScorer.Load(TrainedModels.DiabetesRegressor);
        var coalescer = new RowCoalescer(scorer);
        var table = TrainedModels.DiabetesRows;
        using var single = Single(scorer, table, 7);

        var task = coalescer.ScoreAsync(single, maxRows: 64);
        Assert.True(task.IsCompleted); // nothing was running: no wait, no thread hop
        using var scored = await task;
        Assert.False(scored.Coalesced);
        Assert.Same(single, scored.Batch);
        Assert.Equal(scorer.Score(table.SelectRows([7])).Values![0], scored.Batch.Value(scored.First));
    }

    [Fact]
    public async Task Rows_of_a_model_cheaper_than_the_minimum_call_time_are_never_held_for_a_shared_call()
    {
        using var scorer = OnnxScorer.Load(TrainedModels.Iris);
        var coalescer = new RowCoalescer(scorer);
        var table = TrainedModels.IrisRows;
        var expected = scorer.Score(table);
        var results = await Task.WhenAll(Enumerable.Range(0, table.RowCount).Select(row => Task.Run(async () =>
        {
            using var single = Single(scorer, table, row);
            using var scored = await coalescer.ScoreAsync(single, maxRows: 16, minCallTime: TimeSpan.FromSeconds(1));
            return (Row: row, scored.Coalesced, Label: scored.Batch.Label(scored.First));
        })));

        Assert.All(results, r => Assert.False(r.Coalesced));
        Assert.All(results, r => Assert.Equal(expected.Labels![r.Row], r.Label));
        Assert.InRange(coalescer.TypicalCallTime, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Missing_numbers_reach_the_shared_call_as_they_reach_a_single_one()
    {
        using var scorer = OnnxScorer.Load(TrainedModels.DiabetesRegressor);
        var coalescer = new RowCoalescer(scorer);
        var table = TrainedModels.DiabetesRows;
        double Alone(int row)
        {
            using var single = Single(scorer, table, row, missing: 0);
            single.Score();
            return single.Value(0);
        }

        var expected = Enumerable.Range(0, 40).Select(Alone).ToArray();
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(row => Task.Run(async () =>
        {
            using var single = Single(scorer, table, row, missing: 0);
            using var scored = await coalescer.ScoreAsync(single, maxRows: 8);
            return scored.Batch.Value(scored.First);
        })));

        Assert.Equal(expected, results);
    }

    [Fact]
    public async Task Requests_over_the_row_limit_are_split_over_several_calls()
    {
        using var scorer = OnnxScorer.Load(TrainedModels.Iris);
        var coalescer = new RowCoalescer(scorer);
        var table = TrainedModels.IrisRows;
        var gate = new ManualResetEventSlim();
        var results = await Task.WhenAll(Enumerable.Range(0, 150).Select(row => Task.Run(async () =>
        {
            gate.Wait();
            using var single = Single(scorer, table, row);
            using var scored = await coalescer.ScoreAsync(single, maxRows: 4);
            return scored.Batch.Rows;
        })).Append(Task.Run(() => { gate.Set(); return 0; })));

        Assert.All(results, rows => Assert.InRange(rows, 0, 4));
    }

    /// <summary>One row of a table in a one-row batch, as the request readers fill it (a missing number is NaN).</summary>
    private static ScoringBatch Single(OnnxScorer scorer, Table table, int row, int? missing = null)
    {
        var batch = scorer.RentBatch(1);
        var inputs = scorer.Signature.Inputs;
        for (var f = 0; f < inputs.Count; f++)
        {
            var column = table.Columns.First(c => c.Name == inputs[f].Name);
            if (inputs[f].Kind == ColumnKind.Categorical) batch.SetText(f, 0, column.Texts![row]);
            else batch.SetNumber(f, 0, f == missing ? double.NaN : column.Numbers![row]);
        }

        return batch;
    }
}
