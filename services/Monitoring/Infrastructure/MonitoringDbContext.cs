using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.Monitoring.Model;
using Platform.ServiceDefaults.Outbox;

namespace Platform.Monitoring.Infrastructure;

public sealed class MonitoringDbContext(DbContextOptions<MonitoringDbContext> options) : DbContext(options)
{
    public DbSet<ReferenceSet> References => Set<ReferenceSet>();
    public DbSet<WindowRow> WindowRows => Set<WindowRow>();
    public DbSet<WindowReport> Reports => Set<WindowReport>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ReferenceSet>(entity =>
        {
            entity.ToTable("references");
            entity.HasKey(r => r.ModelName);
            entity.Property(r => r.ModelName).HasMaxLength(128);
        });
        modelBuilder.Entity<WindowRow>(entity =>
        {
            entity.ToTable("window_rows");
            entity.HasKey(r => r.Id);
            entity.HasIndex(r => new { r.ModelName, r.Version, r.Id });
            // A redelivered PredictionsLogged adds nothing twice.
            entity.HasIndex(r => r.PredictionId).IsUnique();
        });
        modelBuilder.Entity<WindowReport>(entity =>
        {
            entity.ToTable("drift_reports");
            entity.HasKey(r => r.Id);
            entity.HasIndex(r => new { r.ModelName, r.Version });
        });
        modelBuilder.AddOutbox();
    }
}

internal sealed class MonitoringDbContextFactory : IDesignTimeDbContextFactory<MonitoringDbContext>
{
    public MonitoringDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<MonitoringDbContext>().UseNpgsql("Host=localhost;Database=monitoringdb").Options);
}
