using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Ingestion.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class SubmissionsProfilesSchemaVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "AppendedTo",
                table: "dataset_versions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DroppedRows",
                table: "dataset_versions",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "ProfileJson",
                table: "dataset_versions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SchemaVersion",
                table: "dataset_versions",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<Guid>(
                name: "SubmissionId",
                table: "dataset_versions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubmittedSha256",
                table: "dataset_versions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_dataset_versions_DatasetName_SubmittedSha256",
                table: "dataset_versions",
                columns: new[] { "DatasetName", "SubmittedSha256" });

            migrationBuilder.CreateIndex(
                name: "IX_dataset_versions_SubmissionId",
                table: "dataset_versions",
                column: "SubmissionId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_dataset_versions_DatasetName_SubmittedSha256",
                table: "dataset_versions");

            migrationBuilder.DropIndex(
                name: "IX_dataset_versions_SubmissionId",
                table: "dataset_versions");

            migrationBuilder.DropColumn(
                name: "AppendedTo",
                table: "dataset_versions");

            migrationBuilder.DropColumn(
                name: "DroppedRows",
                table: "dataset_versions");

            migrationBuilder.DropColumn(
                name: "ProfileJson",
                table: "dataset_versions");

            migrationBuilder.DropColumn(
                name: "SchemaVersion",
                table: "dataset_versions");

            migrationBuilder.DropColumn(
                name: "SubmissionId",
                table: "dataset_versions");

            migrationBuilder.DropColumn(
                name: "SubmittedSha256",
                table: "dataset_versions");
        }
    }
}
