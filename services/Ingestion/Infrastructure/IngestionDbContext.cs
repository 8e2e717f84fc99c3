using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.Contracts;
using Platform.Ingestion.Model;
using Platform.ServiceDefaults.Outbox;

namespace Platform.Ingestion.Infrastructure;

public sealed class IngestionDbContext(DbContextOptions<IngestionDbContext> options) : DbContext(options)
{
    public DbSet<DatasetVersion> DatasetVersions => Set<DatasetVersion>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(null);
        modelBuilder.Entity<DatasetVersion>(entity =>
        {
            entity.ToTable("dataset_versions");
            entity.HasKey(v => v.Id);
            entity.Property(v => v.DatasetName).HasMaxLength(128);
            entity.Property(v => v.Sha256).HasMaxLength(64);
            entity.Property(v => v.Target).HasMaxLength(256);
            entity.Property(v => v.Task).HasMaxLength(32);
            entity.HasIndex(v => new { v.DatasetName, v.Version }).IsUnique();
            entity.Property(v => v.SubmittedSha256).HasMaxLength(64);
            entity.HasIndex(v => new { v.DatasetName, v.Sha256 });
            entity.HasIndex(v => new { v.DatasetName, v.SubmittedSha256 });
            // A redelivered bus submission must find its version, and two deliveries racing must not both store one.
            entity.HasIndex(v => v.SubmissionId).IsUnique();
            // The wire names ("upload", "feedback"), as Training's dataset_versions keep them: readable in SQL.
            entity.Property(v => v.Source).HasMaxLength(16)
                .HasConversion(v => v.ToWireName(), s => DatasetSources.Parse(s));
        });
        modelBuilder.AddOutbox();
        modelBuilder.StoreDatesAsIntegersOnSqlite(Database);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the service.</summary>
internal sealed class IngestionDbContextFactory : IDesignTimeDbContextFactory<IngestionDbContext>
{
    public IngestionDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<IngestionDbContext>().UseNpgsql("Host=localhost;Database=ingestiondb").Options);
}
