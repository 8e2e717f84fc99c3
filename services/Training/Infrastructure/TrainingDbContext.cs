using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Outbox;
using Platform.Training.DataPolicy;
using Platform.Training.Model;

namespace Platform.Training.Infrastructure;

public sealed class TrainingDbContext(DbContextOptions<TrainingDbContext> options) : DbContext(options)
{
    public DbSet<TrainingRun> Runs => Set<TrainingRun>();
    public DbSet<DatasetPointer> Datasets => Set<DatasetPointer>();
    public DbSet<RunTrigger> RunTriggers => Set<RunTrigger>();
    public DbSet<DatasetVersionRecord> DatasetVersions => Set<DatasetVersionRecord>();
    public DbSet<RetrainWait> RetrainWaits => Set<RetrainWait>();

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
            entity.HasIndex(r => r.Status);
            entity.Property(r => r.Owner).HasMaxLength(200);
            entity.Property(r => r.DatasetColumnKinds).HasJsonConversion();
            entity.Property(r => r.Data).HasJsonConversion();
            entity.Property(r => r.Parameters).HasJsonConversion();
            entity.Property(r => r.Metrics).HasJsonConversion();
            entity.Property(r => r.CrossValidation).HasJsonConversion();
            entity.HasOne(r => r.Evaluation).WithOne().HasForeignKey<RunEvaluation>(e => e.RunId);
        });
        modelBuilder.Entity<RunEvaluation>(entity =>
        {
            // The same table as the run (table splitting): the list of runs leaves these columns unread.
            entity.ToTable("runs");
            entity.HasKey(e => e.RunId);
            entity.Property(e => e.RunId).HasColumnName("Id");
            entity.Property(e => e.ConfusionMatrix).HasJsonConversion();
            entity.Property(e => e.HoldoutPredictions).HasJsonConversion();
            entity.Property(e => e.FeatureWeightKind).HasMaxLength(32);
            entity.Property(e => e.FeatureWeights).HasJsonConversion();
        });
        modelBuilder.Entity<RunTrigger>(entity =>
        {
            entity.ToTable("run_triggers");
            entity.HasKey(t => t.TriggerKey);
            entity.Property(t => t.TriggerKey).HasMaxLength(200);
        });
        modelBuilder.Entity<DatasetPointer>(entity =>
        {
            entity.ToTable("datasets");
            entity.HasKey(d => d.ModelName);
            entity.Property(d => d.ModelName).HasMaxLength(128);
            entity.Property(d => d.ColumnKinds).HasJsonConversion();
        });
        modelBuilder.Entity<DatasetVersionRecord>(entity =>
        {
            entity.ToTable("dataset_versions");
            entity.HasKey(v => new { v.DatasetName, v.Version });
            entity.Property(v => v.DatasetName).HasMaxLength(128);
            entity.Property(v => v.ModelName).HasMaxLength(128);
            entity.Property(v => v.Source).HasMaxLength(16);
            entity.Ignore(v => v.ObservedFrom);
        });
        modelBuilder.Entity<RetrainWait>(entity =>
        {
            entity.ToTable("retrain_waits");
            entity.HasKey(w => w.Id);
            entity.Property(w => w.ModelName).HasMaxLength(128);
            entity.Property(w => w.Status).HasConversion<string>().HasMaxLength(16);
            entity.HasIndex(w => new { w.ModelName, w.Status });
            entity.Ignore(w => w.Progress);
        });
        modelBuilder.AddOutbox();
        modelBuilder.StoreDatesAsIntegersOnSqlite(Database);
    }
}

internal sealed class TrainingDbContextFactory : IDesignTimeDbContextFactory<TrainingDbContext>
{
    public TrainingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<TrainingDbContext>().UseNpgsql("Host=localhost;Database=trainingdb").Options);
}
