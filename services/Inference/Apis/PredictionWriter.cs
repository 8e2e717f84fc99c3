using System.Globalization;
using System.Text.Json;
using Platform.Contracts;
using Platform.Inference.Serving;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Inference.Apis;

/// <summary>
/// Writes scored rows straight to JSON with a <see cref="Utf8JsonWriter"/> (no response objects, no per-row
/// dictionary) and logs each row. The writer is cached per thread: writing is synchronous, so it never crosses
/// an await.
/// </summary>
public static class PredictionWriter
{
    [ThreadStatic] private static Utf8JsonWriter? _writer;

    /// <summary><c>{"model","version","predictions":[…],"predictionIds":[…]}</c>: a value per row (regression) or <c>{"label","probabilities":{class: p}}</c>.</summary>
    public static PooledBufferWriter WritePredictions(ServedModel model, ScoredRows scored, PredictionLog log)
    {
        var (batch, first, end) = (scored.Batch, scored.First, scored.First + scored.Count);
        var body = new PooledBufferWriter();
        var json = Writer(body);
        var regression = model.Signature.Task == MlTask.Regression;
        var labels = model.EncodedClassLabels;
        json.WriteStartObject();
        json.WriteString("model"u8, model.Name);
        json.WriteNumber("version"u8, model.Version);
        json.WriteStartArray("predictions"u8);
        for (var row = first; row < end; row++)
        {
            if (regression)
            {
                json.WriteNumberValue(batch.Value(row));
                continue;
            }

            json.WriteStartObject();
            json.WriteString("label"u8, batch.Label(row));
            json.WriteStartObject("probabilities"u8);
            var probabilities = batch.Probabilities(row);
            for (var c = 0; c < probabilities.Length && c < labels.Length; c++)
            {
                json.WritePropertyName(labels[c]);
                ShortFloat.Write(json, probabilities[c]);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("predictionIds"u8);
        var now = DateTimeOffset.UtcNow;
        var logged = new LoggedRows(scored.Count);
        for (var row = first; row < end; row++)
        {
            var id = PredictionIds.Next(now);
            json.WriteStringValue(id);
            logged.Add(log, model, batch, row, id, now);
        }

        logged.WriteTo(log);
        json.WriteEndArray();
        json.WriteEndObject();
        Finish(json);
        return body;
    }

    /// <summary>The Open Inference Protocol v2 response: <c>label</c> (BYTES) and <c>probabilities</c> (FP32, row-major [N,K]), or <c>prediction</c> (FP64).</summary>
    public static PooledBufferWriter WriteInferResponse(ServedModel model, ScoredRows scored, string? requestId, PredictionLog log)
    {
        var body = new PooledBufferWriter();
        var json = Writer(body);
        var (batch, first, rows) = (scored.Batch, scored.First, scored.Count);
        var end = first + rows;
        json.WriteStartObject();
        json.WriteString("model_name"u8, model.Name);
        json.WriteString("model_version"u8, model.Version.ToString(CultureInfo.InvariantCulture));
        if (requestId is not null) json.WriteString("id"u8, requestId);
        json.WriteStartArray("outputs"u8);
        if (model.Signature.Task == MlTask.Regression)
        {
            WriteTensorStart(json, "prediction", "FP64", rows, 1);
            for (var row = first; row < end; row++) json.WriteNumberValue(batch.Value(row));
            WriteTensorEnd(json);
        }
        else
        {
            WriteTensorStart(json, "label", "BYTES", rows, 1);
            for (var row = first; row < end; row++) json.WriteStringValue(batch.Label(row));
            WriteTensorEnd(json);
            var width = batch.Probabilities(first).Length;
            if (width > 0)
            {
                WriteTensorStart(json, "probabilities", "FP32", rows, width);
                for (var row = first; row < end; row++)
                    foreach (var p in batch.Probabilities(row)) ShortFloat.Write(json, p);
                WriteTensorEnd(json);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        Finish(json);

        var now = DateTimeOffset.UtcNow;
        var logged = new LoggedRows(rows);
        for (var row = first; row < end; row++) logged.Add(log, model, batch, row, PredictionIds.Next(now), now);
        logged.WriteTo(log);
        return body;
    }

    private static void WriteTensorStart(Utf8JsonWriter json, string name, string datatype, int rows, int width)
    {
        json.WriteStartObject();
        json.WriteString("name"u8, name);
        json.WriteString("datatype"u8, datatype);
        json.WriteStartArray("shape"u8);
        json.WriteNumberValue(rows);
        json.WriteNumberValue(width);
        json.WriteEndArray();
        json.WriteStartArray("data"u8);
    }

    private static void WriteTensorEnd(Utf8JsonWriter json)
    {
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>A request's logged rows, written to the log in one go.</summary>
    private struct LoggedRows(int capacity)
    {
        private PredictionRecord[]? _records;
        private int _count;

        public void Add(PredictionLog log, ServedModel model, ScoringBatch batch, int row, Guid id, DateTimeOffset now)
        {
            if (!log.ShouldLog()) return;
            (_records ??= new PredictionRecord[capacity])[_count++] = Record(model, batch, row, id, now);
        }

        public readonly void WriteTo(PredictionLog log)
        {
            if (_records is null) return;
            log.Write(_count == _records.Length ? _records : _records[.._count]);
        }
    }

    private static PredictionRecord Record(ServedModel model, ScoringBatch batch, int row, Guid id, DateTimeOffset now)
    {
        var inputs = model.Signature.Inputs;
        var numbers = new double[model.NumericFeatures.Length];
        var texts = model.CategoricalFeatures.Length == 0 ? [] : new string?[model.CategoricalFeatures.Length];
        List<int>? missing = null;
        int n = 0, t = 0;
        for (var f = 0; f < inputs.Count; f++)
        {
            if (inputs[f].Kind == ColumnKind.Categorical)
            {
                texts[t++] = batch.Text(f, row);
                continue;
            }

            // A null input the model imputes is NaN in the batch: logged as missing (a mask), never as a NaN.
            var number = batch.Number(f, row);
            if (double.IsFinite(number)) numbers[n] = number;
            else (missing ??= []).Add(n);
            n++;
        }

        var regression = model.Signature.Task == MlTask.Regression;
        var output = regression ? batch.Value(row).ToString("R", CultureInfo.InvariantCulture) : batch.Label(row);
        double? confidence = null;
        if (!regression && batch.Probabilities(row) is { Length: > 0 } probabilities)
        {
            var max = probabilities[0];
            foreach (var p in probabilities) max = Math.Max(max, p);
            if (double.IsFinite(max)) confidence = max;
        }

        return new PredictionRecord(model.Name, model.Version, model.NumericFeatures, model.CategoricalFeatures,
            new LoggedPrediction(id, now, numbers, texts, output, confidence, missing?.ToArray()));
    }

    private static Utf8JsonWriter Writer(PooledBufferWriter body)
    {
        if (_writer is null) _writer = new Utf8JsonWriter(body, new JsonWriterOptions { SkipValidation = false });
        else _writer.Reset(body);
        return _writer;
    }

    private static void Finish(Utf8JsonWriter json)
    {
        json.Flush();
        json.Reset(Stream.Null); // drop the reference to the pooled buffer
    }
}
