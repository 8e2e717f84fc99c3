using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.ServiceDefaults.Security;
using Platform.Ingestion.Apis;
using Platform.Ingestion.Infrastructure;
using Platform.Ingestion.IntegrationEvents;

namespace Platform.Ingestion;

public static class IngestionModule
{
    public static TBuilder AddIngestion<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration("Ingestion").ValidateDataAnnotations().ValidateOnStart();
        builder.AddPlatformDbContext<TBuilder, IngestionDbContext>("ingestiondb");
        builder.Services.AddSingleton<ContentStore>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<StagingSweeper>();
        builder.Services.AddScoped<DatasetIngestor>();
        builder.Services.AddSingleton<VersionSampler>();
        builder.AddApiKeys();
        builder.Services.AddOutboundFetch();
        return builder;
    }

    /// <summary>Producers' bus submissions (<c>SubmitDataset</c>, queue <c>submit-dataset</c>).</summary>
    public static void AddIngestionConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<SubmitDatasetConsumer, SubmitDatasetConsumerDefinition>();
    }

    public static IEndpointRouteBuilder MapIngestion(this IEndpointRouteBuilder app)
    {
        app.MapDatasetsApi();
        return app;
    }
}
