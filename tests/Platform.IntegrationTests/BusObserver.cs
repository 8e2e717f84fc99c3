using System.Collections.Concurrent;
using MassTransit;
using Platform.Contracts;

namespace Platform.IntegrationTests;

/// <summary>
/// A test's own subscriber on the real broker: it sees the events the services publish (on a temporary queue of its
/// own) and can publish as a producer would.
/// </summary>
public sealed class BusObserver : IAsyncDisposable
{
    private readonly IBusControl _bus;

    private BusObserver(IBusControl bus) => _bus = bus;

    public ConcurrentQueue<object> Received { get; } = new();

    public IPublishEndpoint Publisher => _bus;

    public static async Task<BusObserver> StartAsync(string rabbitUri)
    {
        BusObserver? observer = null;
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(new Uri(rabbitUri));
            cfg.ReceiveEndpoint($"integration-test-observer-{Guid.NewGuid():N}", endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                endpoint.Handler<DatasetUploaded>(Record);
                endpoint.Handler<ModelTrained>(Record);
                endpoint.Handler<ModelPromoted>(Record);
                endpoint.Handler<ModelRejected>(Record);
                endpoint.Handler<DriftDetected>(Record);
                endpoint.Handler<TrainingFailed>(Record);
            });
        });
        observer = new BusObserver(bus);
        await bus.StartAsync();
        return observer;

        Task Record<T>(ConsumeContext<T> context) where T : class
        {
            observer!.Received.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }

    public IEnumerable<T> All<T>() => Received.OfType<T>();

    public Task<T> WaitForAsync<T>(Func<T, bool> match, TimeSpan timeout) where T : class =>
        Eventually.ValueAsync(() => Task.FromResult(Received.OfType<T>().FirstOrDefault(match)), timeout,
            () => $"a {typeof(T).Name} matching the condition. Received: {string.Join(", ", Received.Select(m => m.GetType().Name))}");

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
