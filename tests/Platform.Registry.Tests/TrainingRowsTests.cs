using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.ServiceDefaults.Outbox;

namespace Platform.Registry.Tests;

/// <summary>
/// A version keeps the rows its run trained on, and every promotion of it says so: by the gate, by an operator's
/// promotion and by a rollback alike, so Monitoring's reference of a drift retrain is its own rows, never the whole dataset.
/// </summary>
public sealed class TrainingRowsTests : IAsyncDisposable
{
    private readonly RegistryHarness _registry = new();

    [Fact]
    public async Task Every_promotion_of_a_version_carries_the_rows_it_trained_on()
    {
        await Register(FakeTraining.Trained(Guid.NewGuid(), r2: 0.45));
        // A drift retrain on rows 400–800 that the gate keeps out (worse on the primary metric).
        await Register(FakeTraining.Trained(Guid.NewGuid(), r2: 0.40, rowFrom: 400, rowTo: 800));

        var stored = await _registry.VersionsAsync();
        Assert.Equal((400, 800), (stored[1].TrainingRowFrom, stored[1].TrainingRowTo));

        await _registry.InScopeAsync((registrar, _) => registrar.SetProductionAsync("diabetes", 2, "promote", "operator's choice", "ops", default));
        await _registry.InScopeAsync((registrar, _) => registrar.SetProductionAsync("diabetes", 1, "rollback", "back to v1", "ops", default));
        await _registry.InScopeAsync((registrar, _) => registrar.SetProductionAsync("diabetes", 2, "promote", "again", "ops", default));

        var promotions = await PromotionsAsync();
        Assert.Equal([1, 2, 1, 2], promotions.Select(p => p.Version));
        Assert.Equal((null, null), (promotions[0].TrainingRowFrom, promotions[0].TrainingRowTo));
        Assert.Equal((400, 800), (promotions[1].TrainingRowFrom, promotions[1].TrainingRowTo));
        Assert.Equal((null, null), (promotions[2].TrainingRowFrom, promotions[2].TrainingRowTo));
        Assert.Equal((400, 800), (promotions[3].TrainingRowFrom, promotions[3].TrainingRowTo));
    }

    [Fact]
    public async Task A_gate_promotion_carries_the_rows_from_the_event()
    {
        await Register(FakeTraining.Trained(Guid.NewGuid(), r2: 0.45, rowFrom: 120, rowTo: 900));
        var promoted = Assert.Single(await PromotionsAsync());
        Assert.Equal((120, 900), (promoted.TrainingRowFrom, promoted.TrainingRowTo));
    }

    private Task Register(ModelTrained trained)
    {
        _registry.Training.Add(trained.RunId, new("diabetes", "succeeded", FakeTraining.ArtifactSha, trained));
        return _registry.InScopeAsync((registrar, _) => registrar.RegisterAsync(trained, default));
    }

    private Task<List<ModelPromoted>> PromotionsAsync() => _registry.InScopeAsync(async (_, db) =>
        (await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.MessageType == typeof(ModelPromoted).FullName).OrderBy(m => m.Id).ToListAsync())
        .Select(m => JsonSerializer.Deserialize<ModelPromoted>(m.Payload, ModelRegistrar.Json)!).ToList());

    public ValueTask DisposeAsync() => _registry.DisposeAsync();
}
