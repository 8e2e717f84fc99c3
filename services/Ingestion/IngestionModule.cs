using MassTransit;
using Platform.Ingestion.Apis;
using Platform.Ingestion.Infrastructure;

namespace Platform.Ingestion;

public static class IngestionModule
{
    public static TBuilder AddIngestion<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration("Ingestion").ValidateDataAnnotations().ValidateOnStart();
        builder.AddPlatformDbContext<TBuilder, IngestionDbContext>("ingestiondb");
        builder.Services.AddSingleton<ContentStore>();
        builder.Services.AddScoped<DatasetIngestor>();
        return builder;
    }

    /// <summary>Ingestion consumes no events yet; producers' bus submissions will register here.</summary>
    public static void AddIngestionConsumers(this IBusRegistrationConfigurator bus)
    {
    }

    public static IEndpointRouteBuilder MapIngestion(this IEndpointRouteBuilder app)
    {
        app.MapDatasetsApi();
        return app;
    }
}
