using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Training.Infrastructure.Migrations
{
    /// <summary>
    /// The run's JSON columns become typed (same JSON, renamed: the data is kept); the evaluation (confusion matrix,
    /// residual sample, and now the model's weights) moves to a table-split part of the run.
    /// </summary>
    public partial class RunTypedColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "ParametersJson",
                table: "runs",
                newName: "Parameters");

            migrationBuilder.RenameColumn(
                name: "MetricsJson",
                table: "runs",
                newName: "Metrics");

            migrationBuilder.RenameColumn(
                name: "CrossValidationJson",
                table: "runs",
                newName: "CrossValidation");

            migrationBuilder.AddColumn<string>(
                name: "FeatureWeights",
                table: "runs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FeatureWeightKind",
                table: "runs",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FeatureWeights",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "FeatureWeightKind",
                table: "runs");

            migrationBuilder.RenameColumn(
                name: "Parameters",
                table: "runs",
                newName: "ParametersJson");

            migrationBuilder.RenameColumn(
                name: "Metrics",
                table: "runs",
                newName: "MetricsJson");

            migrationBuilder.RenameColumn(
                name: "CrossValidation",
                table: "runs",
                newName: "CrossValidationJson");
        }
    }
}
