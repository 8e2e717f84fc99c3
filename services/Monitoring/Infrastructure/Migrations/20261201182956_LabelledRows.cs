using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Monitoring.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class LabelledRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DatasetColumns",
                table: "references",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Target",
                table: "references",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Categorical",
                table: "logged_outputs",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Numeric",
                table: "logged_outputs",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<Guid>(
                name: "SubmissionId",
                table: "logged_outputs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "KeyId",
                table: "feedback",
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                defaultValue: "anonymous");

            migrationBuilder.AddColumn<int>(
                name: "Trust",
                table: "feedback",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "feedback_submissions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ModelName = table.Column<string>(type: "text", nullable: false),
                    DatasetName = table.Column<string>(type: "text", nullable: false),
                    Rows = table.Column<int>(type: "integer", nullable: false),
                    PredictionIds = table.Column<string>(type: "text", nullable: false),
                    From = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    To = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DatasetVersion = table.Column<int>(type: "integer", nullable: true),
                    Error = table.Column<string>(type: "text", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feedback_submissions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_logged_outputs_ModelName_SubmissionId",
                table: "logged_outputs",
                columns: new[] { "ModelName", "SubmissionId" });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_submissions_ModelName_Status",
                table: "feedback_submissions",
                columns: new[] { "ModelName", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "feedback_submissions");

            migrationBuilder.DropIndex(
                name: "IX_logged_outputs_ModelName_SubmissionId",
                table: "logged_outputs");

            migrationBuilder.DropColumn(
                name: "DatasetColumns",
                table: "references");

            migrationBuilder.DropColumn(
                name: "Target",
                table: "references");

            migrationBuilder.DropColumn(
                name: "Categorical",
                table: "logged_outputs");

            migrationBuilder.DropColumn(
                name: "Numeric",
                table: "logged_outputs");

            migrationBuilder.DropColumn(
                name: "SubmissionId",
                table: "logged_outputs");

            migrationBuilder.DropColumn(
                name: "KeyId",
                table: "feedback");

            migrationBuilder.DropColumn(
                name: "Trust",
                table: "feedback");
        }
    }
}
