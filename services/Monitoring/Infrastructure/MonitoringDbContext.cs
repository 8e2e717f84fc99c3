using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.Monitoring.Model;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Outbox;

namespace Platform.Monitoring.Infrastructure;

public sealed class MonitoringDbContext(DbContextOptions<MonitoringDbContext> options) : DbContext(options)
{
    public DbSet<ReferenceSet> References => Set<ReferenceSet>();
    public DbSet<WindowRow> WindowRows => Set<WindowRow>();
    public DbSet<WindowReport> Reports => Set<WindowReport>();
    public DbSet<LoggedOutput> Outputs => Set<LoggedOutput>();
    public DbSet<Feedback> Feedback => Set<Feedback>();
    public DbSet<FeedbackSubmission> Submissions => Set<FeedbackSubmission>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ReferenceSet>(entity =>
        {
            entity.ToTable("references");
            entity.HasKey(r => r.ModelName);
            entity.Property(r => r.ModelName).HasMaxLength(128);
            entity.Property(r => r.DatasetColumns).HasJsonConversion();
        });
        modelBuilder.Entity<WindowRow>(entity =>
        {
            entity.ToTable("window_rows");
            entity.HasKey(r => r.Id);
            // A window is a version's oldest rows. (Nothing is added twice: a row's output, stored with it in one
            // transaction, is keyed by its prediction id.)
            entity.HasIndex(r => new { r.ModelName, r.Version, r.Id });
        });
        modelBuilder.Entity<WindowReport>(entity =>
        {
            entity.ToTable("drift_reports");
            entity.HasKey(r => r.Id);
            entity.HasIndex(r => new { r.ModelName, r.Version });
            // GET /drift/{model} and the console read a model's reports newest first (CreatedAt, then Id): the index in
            // that order lets the database take the first N without sorting every report the model ever had.
            entity.HasIndex(r => new { r.ModelName, r.CreatedAt, r.Id });
            entity.Property(r => r.Kind).HasMaxLength(16);
            entity.Property(r => r.QualityMetric).HasMaxLength(32);
            entity.Property(r => r.Histograms).HasJsonConversion();
        });
        modelBuilder.Entity<LoggedOutput>(entity =>
        {
            entity.ToTable("logged_outputs");
            // The prediction id is the natural key: a redelivered batch adds nothing twice.
            entity.HasKey(o => o.PredictionId);
            // Every logged prediction is a row here, thousands a second in the embedded default, and each index is one
            // more B-tree written per row: only the ones a query walks. The quality check and the labelled rows start
            // from the feedback and reach an output by its key; retention deletes by time; a resent submission finds
            // its rows by their submission, an index of the submitted rows only (most never are).
            entity.HasIndex(o => o.At);
            entity.HasIndex(o => o.SubmissionId).HasFilter("\"SubmissionId\" IS NOT NULL");
            entity.Property(o => o.Numeric).HasJsonConversion();
            entity.Property(o => o.Categorical).HasJsonConversion();
        });
        modelBuilder.Entity<Feedback>(entity =>
        {
            entity.ToTable("feedback");
            entity.HasKey(f => f.Id);
            // One answer per prediction: a resent feedback is not counted twice (a more trusted one replaces it in place).
            entity.HasIndex(f => f.PredictionId).IsUnique();
            entity.HasIndex(f => f.ReceivedAt);
            entity.Property(f => f.KeyId).HasMaxLength(128);
        });
        modelBuilder.Entity<FeedbackSubmission>(entity =>
        {
            entity.ToTable("feedback_submissions");
            entity.HasKey(s => s.Id);
            entity.HasIndex(s => new { s.ModelName, s.Status });
            entity.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
            entity.Property(s => s.PredictionIds).HasJsonConversion();
        });
        modelBuilder.AddOutbox();
        modelBuilder.StoreDatesAsIntegersOnSqlite(Database);
    }
}

internal sealed class MonitoringDbContextFactory : IDesignTimeDbContextFactory<MonitoringDbContext>
{
    public MonitoringDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<MonitoringDbContext>().UseNpgsql("Host=localhost;Database=monitoringdb").Options);
}
