var builder = DistributedApplication.CreateBuilder(args);

var rabbitmq = builder.AddRabbitMQ("rabbitmq")
    .WithManagementPlugin()
    .WithDataVolume();

var postgres = builder.AddPostgres("postgres")
    .WithDataVolume();
var ingestionDb = postgres.AddDatabase("ingestiondb");
var trainingDb = postgres.AddDatabase("trainingdb");
var registryDb = postgres.AddDatabase("registrydb");
var monitoringDb = postgres.AddDatabase("monitoringdb");

var ingestion = builder.AddProject<Projects.Platform_Ingestion>("ingestion")
    .WithReference(ingestionDb).WaitFor(ingestionDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithHttpHealthCheck("/health");

var registry = builder.AddProject<Projects.Platform_Registry>("registry")
    .WithReference(registryDb).WaitFor(registryDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithHttpHealthCheck("/health");

// Training reads datasets from Ingestion and asks the Registry for the champion; the Registry downloads
// Training's artifacts. References only add service discovery, so the two may point at each other.
var training = builder.AddProject<Projects.Platform_Training>("training")
    .WithReference(trainingDb).WaitFor(trainingDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(ingestion)
    .WithReference(registry)
    .WithHttpHealthCheck("/health");

registry.WithReference(training);

builder.AddProject<Projects.Platform_Inference>("inference")
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(registry).WaitFor(registry)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Platform_Monitoring>("monitoring")
    .WithReference(monitoringDb).WaitFor(monitoringDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(ingestion)
    .WithReference(registry) // reconciles its references with the production versions
    .WithHttpHealthCheck("/health");

builder.Build().Run();
