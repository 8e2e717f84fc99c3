using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.Registry.Model;
using Platform.ServiceDefaults.Outbox;

namespace Platform.Registry.Infrastructure;

public sealed class RegistryDbContext(DbContextOptions<RegistryDbContext> options) : DbContext(options)
{
    public DbSet<ModelVersion> Versions => Set<ModelVersion>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ModelVersion>(entity =>
        {
            entity.ToTable("model_versions");
            entity.HasKey(v => v.Id);
            entity.Property(v => v.ModelName).HasMaxLength(128);
            entity.Property(v => v.Stage).HasConversion<string>().HasMaxLength(16);
            entity.HasIndex(v => new { v.ModelName, v.Version }).IsUnique();
            // A redelivered ModelTrained finds its run here and creates nothing.
            entity.HasIndex(v => v.RunId).IsUnique();
        });
        modelBuilder.Entity<AuditEntry>(entity =>
        {
            entity.ToTable("audit_log");
            entity.HasKey(a => a.Id);
            entity.HasIndex(a => a.ModelName);
            entity.Property(a => a.KeyId).HasMaxLength(128);
        });
        modelBuilder.AddOutbox();
        modelBuilder.StoreDatesAsIntegersOnSqlite(Database);
    }
}

internal sealed class RegistryDbContextFactory : IDesignTimeDbContextFactory<RegistryDbContext>
{
    public RegistryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<RegistryDbContext>().UseNpgsql("Host=localhost;Database=registrydb").Options);
}
