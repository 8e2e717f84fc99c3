using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Training.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class RunQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "runs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "DatasetContentUri",
                table: "runs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "DatasetVersionId",
                table: "runs",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "HeartbeatAt",
                table: "runs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Interruption",
                table: "runs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Owner",
                table: "runs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "QueuedAt",
                table: "runs",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<int>(
                name: "Requests",
                table: "runs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "TraceParent",
                table: "runs",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "run_triggers",
                columns: table => new
                {
                    TriggerKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RunId = table.Column<Guid>(type: "uuid", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_run_triggers", x => x.TriggerKey);
                });

            // Runs from before the queue: each is its own request, started once.
            migrationBuilder.Sql("""
                INSERT INTO run_triggers ("TriggerKey", "RunId", "ReceivedAt") SELECT "TriggerKey", "Id", "StartedAt" FROM runs;
                UPDATE runs SET "QueuedAt" = "StartedAt", "Requests" = 1, "Attempts" = 1;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_runs_Status",
                table: "runs",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "run_triggers");

            migrationBuilder.DropIndex(
                name: "IX_runs_Status",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "DatasetContentUri",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "DatasetVersionId",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "HeartbeatAt",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "Interruption",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "Owner",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "QueuedAt",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "Requests",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "TraceParent",
                table: "runs");
        }
    }
}
