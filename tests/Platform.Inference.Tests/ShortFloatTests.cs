using System.Buffers;
using System.Text;
using System.Text.Json;
using Platform.Inference.Apis;

namespace Platform.Inference.Tests;

/// <summary><see cref="ShortFloat"/> writes exactly what the JSON writer's general formatter writes for a float.</summary>
public sealed class ShortFloatTests
{
    private static string Written(Action<Utf8JsonWriter> write, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("a");
            write(writer);
            writer.WritePropertyName("b");
            write(writer); // a value after a property name and after another value, as the response writes them
            writer.WriteStartArray("c");
            write(writer);
            write(writer);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static TheoryData<float> Edges() =>
    [
        1f, 0.5f, 0.1f, 0.2f, 0.3f, 0.97865432f, 0.0001f, 0.00010001f, 0.99999994f, 0.33333334f, 0.6666667f, 0.025f,
        BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(0.0001f) - 1), // just below the range: declined
        1.0000001f, 0f, -0f, -0.5f, 1e-5f, 2f, 123.5f, float.Epsilon, float.MaxValue,
    ];

    [Theory]
    [MemberData(nameof(Edges))]
    public void Writes_what_the_general_formatter_writes(float value)
    {
        Assert.Equal(Written(w => w.WriteNumberValue(value)), Written(w => ShortFloat.Write(w, value)));
        Assert.Equal(Written(w => w.WriteNumberValue(value), indented: true), Written(w => ShortFloat.Write(w, value), indented: true));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(0f)]
    [InlineData(-0.5f)]
    [InlineData(1.0000001f)]
    [InlineData(0.0000999f)]
    public void Leaves_a_value_outside_its_range_to_the_general_formatter(float value) =>
        Assert.False(ShortFloat.TryFormat(value, stackalloc byte[16], out _));

    [Fact]
    public void Formats_every_float_from_a_quarter_to_one_and_a_sample_of_the_rest_as_the_writer_does()
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        using var writer = new Utf8JsonWriter(buffer);
        Span<byte> text = stackalloc byte[16];
        var random = new Random(20261204);
        var (quarter, one) = (BitConverter.SingleToUInt32Bits(0.25f), BitConverter.SingleToUInt32Bits(1f));
        var smallest = BitConverter.SingleToUInt32Bits(0.0001f);
        // Every float in [0.25, 1] (2^24 + 1 of them), then a million drawn from [1e-4, 0.25).
        for (long i = quarter; i <= one + 1_000_000L; i++)
        {
            var bits = i <= one ? (uint)i : (uint)random.NextInt64(smallest, quarter);
            var value = BitConverter.UInt32BitsToSingle(bits);
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            writer.WriteNumberValue(value);
            writer.Flush();
            Assert.True(ShortFloat.TryFormat(value, text, out var length), $"{value:R} declined");
            if (!buffer.WrittenSpan.SequenceEqual(text[..length]))
                Assert.Fail($"{bits:X8}: the writer wrote {Encoding.ASCII.GetString(buffer.WrittenSpan)}, ShortFloat {Encoding.ASCII.GetString(text[..length])}");
        }
    }
}
