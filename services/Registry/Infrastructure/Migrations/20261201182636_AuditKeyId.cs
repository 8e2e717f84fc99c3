using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Registry.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class AuditKeyId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "KeyId",
                table: "audit_log",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "KeyId",
                table: "audit_log");
        }
    }
}
