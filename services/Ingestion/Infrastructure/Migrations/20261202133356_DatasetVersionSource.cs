using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Ingestion.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class DatasetVersionSource : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "dataset_versions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                // Versions stored before the source was kept: Ingestion cannot tell feedback from uploads for them
                // (Training's own dataset_versions, filled from the events, still can).
                defaultValue: "upload");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Source",
                table: "dataset_versions");
        }
    }
}
