using Platform.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var infrastructure = PlatformInfrastructure.Add(builder);
var keys = PlatformKeys.Add(builder);

IResourceBuilder<ProjectResource> Service<TProject>(string name, string? database) where TProject : IProjectMetadata, new()
{
    var service = builder.AddProject<TProject>(name)
        .WithReference(infrastructure.RabbitMq).WaitFor(infrastructure.RabbitMqReady)
        // The services' files go under the AppHost's data folder, not into their project folders.
        .WithEnvironment("Ingestion__StoragePath", Path.Combine(infrastructure.DataPath, "ingestion"))
        .WithEnvironment("Training__ArtifactsPath", Path.Combine(infrastructure.DataPath, "training"))
        .WithEnvironment("Registry__ArtifactsPath", Path.Combine(infrastructure.DataPath, "registry"))
        .WithHttpHealthCheck("/health");
    if (database is not null)
        service.WithReference(infrastructure.Database(database)).WaitFor(infrastructure.DatabaseReady(database));
    return keys.ConfigureOn(service);
}

var ingestion = Service<Projects.Platform_Ingestion>("ingestion", "ingestiondb");
var registry = Service<Projects.Platform_Registry>("registry", "registrydb");

// Training reads datasets from Ingestion and asks the Registry for the champion; the Registry downloads
// Training's artifacts. References only add service discovery, so the two may point at each other.
var training = Service<Projects.Platform_Training>("training", "trainingdb")
    .WithReference(ingestion)
    .WithReference(registry);
registry.WithReference(training);

Service<Projects.Platform_Inference>("inference", null)
    .WithReference(registry).WaitFor(registry)
    .WithExternalHttpEndpoints();

Service<Projects.Platform_Monitoring>("monitoring", "monitoringdb")
    .WithReference(ingestion)
    .WithReference(registry); // reconciles its references with the production versions

builder.Build().Run();
