using Platform.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var infrastructure = PlatformInfrastructure.Add(builder);
var keys = PlatformKeys.Add(builder);

// filesSetting: the service's setting for the folder of its files, which go under the AppHost's data folder, not into
// its project folder.
IResourceBuilder<ProjectResource> Service<TProject>(string name, string? database, string? filesSetting = null) where TProject : IProjectMetadata, new()
{
    var service = builder.AddProject<TProject>(name)
        .WithReference(infrastructure.RabbitMq).WaitFor(infrastructure.RabbitMqReady)
        .WithHttpHealthCheck("/health");
    if (filesSetting is not null) service.WithEnvironment(filesSetting, Path.Combine(infrastructure.DataPath, name));
    if (database is not null)
        service.WithReference(infrastructure.Database(database)).WaitFor(infrastructure.DatabaseReady(database));
    return keys.ConfigureOn(service);
}

var ingestion = Service<Projects.Platform_Ingestion>("ingestion", "ingestiondb", "Ingestion__StoragePath");
var registry = Service<Projects.Platform_Registry>("registry", "registrydb", "Registry__ArtifactsPath");

// Training reads datasets from Ingestion and asks the Registry for the champion; the Registry downloads
// Training's artifacts. References only add service discovery, so the two may point at each other.
var training = Service<Projects.Platform_Training>("training", "trainingdb", "Training__ArtifactsPath")
    .WithReference(ingestion)
    .WithReference(registry);
registry.WithReference(training);

var inference = Service<Projects.Platform_Inference>("inference", null, "Inference__LogSpoolPath")
    .WithReference(registry).WaitFor(registry)
    .WithExternalHttpEndpoints();

var monitoring = Service<Projects.Platform_Monitoring>("monitoring", "monitoringdb")
    .WithReference(ingestion)
    .WithReference(registry); // reconciles its references with the production versions

// The operator console: pages only, calling the five services' APIs with the logged-in user's key.
keys.ConfigureOn(builder.AddProject<Projects.Platform_Console>("console").WithHttpHealthCheck("/health").WithExternalHttpEndpoints()
    .WithReference(ingestion).WithReference(training).WithReference(registry).WithReference(inference).WithReference(monitoring));

builder.Build().Run();
