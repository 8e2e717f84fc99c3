using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.ServiceDefaults.Outbox;
using Platform.Training.Model;

namespace Platform.Training.Infrastructure;

public sealed class TrainingDbContext(DbContextOptions<TrainingDbContext> options) : DbContext(options)
{
    public DbSet<TrainingRun> Runs => Set<TrainingRun>();
    public DbSet<DatasetPointer> Datasets => Set<DatasetPointer>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TrainingRun>(entity =>
        {
            entity.ToTable("runs");
            entity.HasKey(r => r.Id);
            entity.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            entity.Property(r => r.ModelName).HasMaxLength(128);
            entity.Property(r => r.TriggerKey).HasMaxLength(200);
            entity.HasIndex(r => r.TriggerKey).IsUnique();
            entity.HasIndex(r => r.ModelName);
        });
        modelBuilder.Entity<DatasetPointer>(entity =>
        {
            entity.ToTable("datasets");
            entity.HasKey(d => d.ModelName);
            entity.Property(d => d.ModelName).HasMaxLength(128);
        });
        modelBuilder.AddOutbox();
    }
}

internal sealed class TrainingDbContextFactory : IDesignTimeDbContextFactory<TrainingDbContext>
{
    public TrainingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<TrainingDbContext>().UseNpgsql("Host=localhost;Database=trainingdb").Options);
}
