using System.Text;
using System.Text.Json;

namespace Platform.Contracts.Tests;

/// <summary><see cref="ShortDecimal"/> writes exactly what the JSON writer's general formatter writes, for every kind of value.</summary>
public sealed class ShortDecimalTests
{
    private static string General(double value) => Written(w => w.WriteNumberValue(value));

    private static string Short(double value) => Written(w => ShortDecimal.Write(w, value));

    private static string Written(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            write(writer);
            write(writer); // the separator between values too
            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static TheoryData<double> Edges() =>
    [
        5.1, 3.5, 140, 0.1, 0.2, 0.1 + 0.2, 0.05, 0.0001, 0.00015, 0.00001, -0.0001, -2.25, 1, -1, 0, -0.0, 10, 100.5,
        999_999_999.9999, 999_999_999.99995, 1e9, 1e9 + 0.5, 123_456_789.0123, 1e15, 1e16, 1e-5, 1e-300, double.Epsilon,
        double.MaxValue, 2.675, 1.005, 0.3, 4503599627370496.5, 9007199254740993, 0.1f, 3.3f, (double)0.97865432f,
    ];

    [Theory]
    [MemberData(nameof(Edges))]
    public void Writes_what_the_general_formatter_writes(double value) => Assert.Equal(General(value), Short(value));

    [Fact]
    public void Writes_what_the_general_formatter_writes_for_random_decimals_and_doubles()
    {
        var random = new Random(20261204);
        var taken = 0;
        Span<byte> text = stackalloc byte[16];
        for (var i = 0; i < 200_000; i++)
        {
            var places = random.Next(0, 7);
            var magnitude = Math.Pow(10, random.Next(-5, 11));
            // Decimals as a parser makes them (most features), and arbitrary doubles (which the fast path must decline).
            var value = i % 4 == 3
                ? BitConverter.Int64BitsToDouble(random.NextInt64())
                : Math.Round((random.NextDouble() - 0.3) * magnitude, places);
            if (!double.IsFinite(value)) continue;
            Assert.Equal(General(value), Short(value));
            if (ShortDecimal.TryFormat(value, text, out _)) taken++;
        }

        Assert.True(taken > 50_000, $"the fast path took {taken} values"); // it is used, not only declined
    }
}
