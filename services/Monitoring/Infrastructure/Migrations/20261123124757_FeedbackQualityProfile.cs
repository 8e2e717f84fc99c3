using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Platform.Monitoring.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class FeedbackQualityProfile : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Defaults edited by hand so rows written before this migration read as valid JSON and as data windows.
            migrationBuilder.AddColumn<double>(
                name: "Confidence",
                table: "window_rows",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HoldoutMetricsJson",
                table: "references",
                type: "text",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<string>(
                name: "ProfileJson",
                table: "references",
                type: "text",
                nullable: false,
                defaultValue: "null");

            migrationBuilder.AddColumn<string>(
                name: "Task",
                table: "references",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "ConfidenceDrop",
                table: "drift_reports",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<double>(
                name: "HoldoutQuality",
                table: "drift_reports",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "drift_reports",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "data");

            migrationBuilder.AddColumn<double>(
                name: "LiveQuality",
                table: "drift_reports",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "MeanConfidence",
                table: "drift_reports",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "QualityMetric",
                table: "drift_reports",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "feedback",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PredictionId = table.Column<Guid>(type: "uuid", nullable: false),
                    Actual = table.Column<string>(type: "text", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feedback", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "logged_outputs",
                columns: table => new
                {
                    PredictionId = table.Column<Guid>(type: "uuid", nullable: false),
                    ModelName = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Output = table.Column<string>(type: "text", nullable: false),
                    Confidence = table.Column<double>(type: "double precision", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    QualityEvaluated = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_logged_outputs", x => x.PredictionId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_PredictionId",
                table: "feedback",
                column: "PredictionId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_feedback_ReceivedAt",
                table: "feedback",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_logged_outputs_At",
                table: "logged_outputs",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_logged_outputs_ModelName_Version_QualityEvaluated",
                table: "logged_outputs",
                columns: new[] { "ModelName", "Version", "QualityEvaluated" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "feedback");

            migrationBuilder.DropTable(
                name: "logged_outputs");

            migrationBuilder.DropColumn(
                name: "Confidence",
                table: "window_rows");

            migrationBuilder.DropColumn(
                name: "HoldoutMetricsJson",
                table: "references");

            migrationBuilder.DropColumn(
                name: "ProfileJson",
                table: "references");

            migrationBuilder.DropColumn(
                name: "Task",
                table: "references");

            migrationBuilder.DropColumn(
                name: "ConfidenceDrop",
                table: "drift_reports");

            migrationBuilder.DropColumn(
                name: "HoldoutQuality",
                table: "drift_reports");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "drift_reports");

            migrationBuilder.DropColumn(
                name: "LiveQuality",
                table: "drift_reports");

            migrationBuilder.DropColumn(
                name: "MeanConfidence",
                table: "drift_reports");

            migrationBuilder.DropColumn(
                name: "QualityMetric",
                table: "drift_reports");
        }
    }
}
