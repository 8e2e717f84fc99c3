using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Monitoring.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class LeanerIntakeIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_window_rows_PredictionId",
                table: "window_rows");

            migrationBuilder.DropIndex(
                name: "IX_logged_outputs_ModelName_SubmissionId",
                table: "logged_outputs");

            migrationBuilder.DropIndex(
                name: "IX_logged_outputs_ModelName_Version_QualityEvaluated",
                table: "logged_outputs");

            migrationBuilder.CreateIndex(
                name: "IX_logged_outputs_SubmissionId",
                table: "logged_outputs",
                column: "SubmissionId",
                filter: "\"SubmissionId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_logged_outputs_SubmissionId",
                table: "logged_outputs");

            migrationBuilder.CreateIndex(
                name: "IX_window_rows_PredictionId",
                table: "window_rows",
                column: "PredictionId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_logged_outputs_ModelName_SubmissionId",
                table: "logged_outputs",
                columns: new[] { "ModelName", "SubmissionId" });

            migrationBuilder.CreateIndex(
                name: "IX_logged_outputs_ModelName_Version_QualityEvaluated",
                table: "logged_outputs",
                columns: new[] { "ModelName", "Version", "QualityEvaluated" });
        }
    }
}
