using Platform.Operations.Tests;

namespace Platform.AppHost.Tests;

/// <summary>
/// The AppHost's application model in both infrastructure modes, read through Aspire's API without starting it: the
/// container mode (where a container runtime answers) cannot run on a machine without a daemon, but its model can be checked.
/// </summary>
public sealed class AppModelTests
{
    [Fact]
    public async Task Container_mode_runs_RabbitMQ_with_management_and_PostgreSQL_with_a_database_per_service_as_containers_with_data_volumes()
    {
        await using var model = await AppModel.CreateAsync(InfrastructureMode.Containers);

        var rabbit = model.Single<RabbitMQServerResource>("rabbitmq");
        var rabbitImage = rabbit.Annotations.OfType<ContainerImageAnnotation>().Single();
        Assert.Equal(("docker.io", "library/rabbitmq"), (rabbitImage.Registry, rabbitImage.Image));
        Assert.EndsWith("-management", rabbitImage.Tag, StringComparison.Ordinal);
        Assert.Contains(rabbit.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "management");
        AssertDataVolume(rabbit, "/var/lib/rabbitmq");
        Assert.True(rabbit.HasAnnotationOfType<HealthCheckAnnotation>(), "RabbitMQ has no health check to wait for.");

        var postgres = model.Single<PostgresServerResource>("postgres");
        var postgresImage = postgres.Annotations.OfType<ContainerImageAnnotation>().Single();
        Assert.Equal(("docker.io", "library/postgres"), (postgresImage.Registry, postgresImage.Image));
        AssertDataVolume(postgres, "/var/lib/postgresql");
        Assert.True(postgres.HasAnnotationOfType<HealthCheckAnnotation>(), "PostgreSQL has no health check to wait for.");

        foreach (var name in PlatformInfrastructure.DatabaseNames)
        {
            var database = model.Single<PostgresDatabaseResource>(name);
            Assert.Same(postgres, database.Parent);
            Assert.Equal(name, database.DatabaseName);
            Assert.True(database.HasAnnotationOfType<HealthCheckAnnotation>(), $"{name} has no health check to wait for.");
        }

        // Nothing runs from the Debian packages in this mode (the executables left are Aspire's project rebuilders).
        Assert.DoesNotContain(model.Resources.OfType<ExecutableResource>(), e => e.WorkingDirectory == model.DataPath || e.Command == "bash");
        foreach (var service in Topology.StatefulServices(model))
        {
            var database = Topology.Services[service.Name].Database!;
            Assert.Equal(WaitType.WaitUntilHealthy, AppModel.Waits(service)[database]);
            Assert.Contains(database, AppModel.References(service));
        }
    }

    [Fact]
    public async Task Container_mode_without_data_volumes_starts_the_broker_and_database_empty()
    {
        await using var model = await AppModel.CreateAsync(InfrastructureMode.Containers, "--Platform:Infrastructure:DataVolumes=false");
        Assert.All(model.Resources.OfType<ContainerResource>(), container =>
            Assert.DoesNotContain(container.Annotations.OfType<ContainerMountAnnotation>(), m => m.Type == ContainerMountType.Volume));
    }

    [Fact]
    public async Task Executable_mode_runs_RabbitMQ_and_PostgreSQL_from_the_infra_script_on_the_documented_ports_with_readiness_checks()
    {
        await using var model = await AppModel.CreateAsync(InfrastructureMode.Executables);
        var script = Path.Combine(RepositoryFiles.Root, "deploy", "local", "infra.sh");

        var rabbit = model.Single<RabbitMqExecutableResource>("rabbitmq");
        Assert.Equal(("bash", model.DataPath), (rabbit.Command, rabbit.WorkingDirectory));
        Assert.Equal([script, "run-rabbitmq"], await AppModel.ArgumentsAsync(rabbit));
        Assert.Equal("amqp://platform:{rabbitmq-password.value}@127.0.0.1:5692/", rabbit.ConnectionStringExpression.ValueExpression);
        Assert.Equal("rabbitmq-ready", rabbit.Annotations.OfType<HealthCheckAnnotation>().Single().Key);

        var postgres = model.Single<ExecutableResource>("postgres");
        Assert.Equal(("bash", model.DataPath), (postgres.Command, postgres.WorkingDirectory));
        var postgresArguments = await AppModel.ArgumentsAsync(postgres);
        Assert.Equal([script, "run-postgres", .. PlatformInfrastructure.DatabaseNames], postgresArguments);
        Assert.Equal("postgres-ready", postgres.Annotations.OfType<HealthCheckAnnotation>().Single().Key);

        // deploy/local/infra.sh reads its folder and ports from these (the AppHost's fixed ports, apart from the test command's).
        foreach (var server in new ExecutableResource[] { rabbit, postgres })
        {
            var environment = await AppModel.EnvironmentAsync(server);
            Assert.Equal(model.DataPath, environment["PLATFORM_INFRA_DIR"]);
            Assert.Equal(("5692", "25692", "4392", "5452"),
                (environment["PLATFORM_AMQP_PORT"], environment["PLATFORM_RABBITMQ_DIST_PORT"], environment["PLATFORM_EPMD_PORT"], environment["PLATFORM_PG_PORT"]));
            Assert.StartsWith("{", environment["PLATFORM_INFRA_PASSWORD"], StringComparison.Ordinal); // a secret parameter, not a literal
        }

        Assert.Empty(model.Resources.OfType<ContainerResource>().Select(r => r.Name));
        foreach (var name in PlatformInfrastructure.DatabaseNames)
        {
            var database = model.Single<ConnectionStringResource>(name);
            Assert.Equal($"Host=127.0.0.1;Port=5452;Database={name};Username=platform;Password={{postgres-password.value}}", database.ConnectionStringExpression.ValueExpression);
        }

        // A service waits for the database server to be ready (every database created), and uses its own database.
        foreach (var service in Topology.StatefulServices(model))
        {
            Assert.Equal(WaitType.WaitUntilHealthy, AppModel.Waits(service)["postgres"]);
            Assert.Contains(Topology.Services[service.Name].Database!, AppModel.References(service));
        }
    }

    [Theory]
    [InlineData(InfrastructureMode.Containers)]
    [InlineData(InfrastructureMode.Executables)]
    public async Task The_five_services_reference_wait_for_and_health_check_as_documented(InfrastructureMode mode)
    {
        await using var model = await AppModel.CreateAsync(mode);
        Assert.Equal(Topology.Services.Keys.Order(), model.Projects.Select(p => p.Name).Where(Topology.Services.ContainsKey).Order());

        foreach (var service in model.Projects.Where(p => Topology.Services.ContainsKey(p.Name)))
        {
            var (database, calls) = Topology.Services[service.Name];
            Assert.Equal(WaitType.WaitUntilHealthy, AppModel.Waits(service)["rabbitmq"]);
            Assert.Equal(new[] { "rabbitmq" }.Concat(calls).Concat(database is null ? [] : [database]).Order(), AppModel.References(service).Order());
            Assert.True(service.HasAnnotationOfType<HealthCheckAnnotation>(), $"{service.Name} has no health check.");

            // Launch-profile port, the service's own key set and the key it calls the others with.
            var http = service.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
            Assert.Equal(5101 + Array.IndexOf(PlatformAppHost.Services, service.Name), http.Port);
            var environment = await AppModel.EnvironmentAsync(service);
            Assert.Equal("{service-key.value}", environment["Platform__ServiceKey"]);
            foreach (var id in new[] { "producer", "consumer", "labeler", "operator", "service" })
                Assert.Equal($"{{{id}-key.value}}", environment[$"Auth__Keys__{id}__Key"]);
        }

        // Inference starts once the Registry answers (it loads the production models from it) and is the one external endpoint.
        var inference = model.Single<ProjectResource>("inference");
        Assert.Equal(WaitType.WaitUntilHealthy, AppModel.Waits(inference)["registry"]);
        Assert.Contains(inference.Annotations.OfType<EndpointAnnotation>(), e => e.IsExternal);
    }

    private static void AssertDataVolume(ContainerResource container, string targetPrefix)
    {
        var mount = Assert.Single(container.Annotations.OfType<ContainerMountAnnotation>(), m => m.Type == ContainerMountType.Volume);
        Assert.StartsWith(targetPrefix, mount.Target, StringComparison.Ordinal);
        Assert.False(mount.IsReadOnly);
        Assert.Contains(container.Name, mount.Source, StringComparison.Ordinal);
    }
}
