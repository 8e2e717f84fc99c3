using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Training.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class DataPolicyLineage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Data",
                table: "runs",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "dataset_versions",
                columns: table => new
                {
                    DatasetName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    ModelName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    DatasetVersionId = table.Column<Guid>(type: "uuid", nullable: false),
                    RowCount = table.Column<long>(type: "bigint", nullable: false),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AppendedTo = table.Column<int>(type: "integer", nullable: true),
                    LineageReference = table.Column<string>(type: "text", nullable: true),
                    LineageFrom = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LineageTo = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UploadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dataset_versions", x => new { x.DatasetName, x.Version });
                });

            migrationBuilder.CreateTable(
                name: "retrain_waits",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ModelName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    DatasetName = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<string>(type: "text", nullable: false),
                    Since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    BaseRows = table.Column<long>(type: "bigint", nullable: false),
                    BaseVersion = table.Column<int>(type: "integer", nullable: false),
                    HaveRows = table.Column<long>(type: "bigint", nullable: false),
                    NeededRows = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_retrain_waits", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_retrain_waits_ModelName_Status",
                table: "retrain_waits",
                columns: new[] { "ModelName", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dataset_versions");

            migrationBuilder.DropTable(
                name: "retrain_waits");

            migrationBuilder.DropColumn(
                name: "Data",
                table: "runs");
        }
    }
}
