using System.IO.Compression;
using System.Text.Json;

namespace Platform.Ml.Models.Training;

/// <summary>
/// An ensemble's model.zip: one zip per member (each as a single model saves it, loadable with
/// <c>MLContext.Model.Load</c>) under <c>Platform/Members/{i}.zip</c>, and <c>Platform/Ensemble.json</c> naming each
/// member's trainer, parameters, weight and entry. The probabilities are Σ weight_i × member_i's probabilities.
/// </summary>
internal static class EnsembleArchive
{
    public const string IndexEntry = "Platform/Ensemble.json";

    public static string MemberEntry(int i) => $"Platform/Members/{i}.zip";

    public static byte[] Save(IReadOnlyList<FittedPipeline> members, IReadOnlyList<double> weights, Platform.Ml.Data.Table rows)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < members.Count; i++) Write(zip, MemberEntry(i), members[i].Save(rows));
            Write(zip, IndexEntry, JsonSerializer.SerializeToUtf8Bytes(new
            {
                kind = "soft_voting",
                members = members.Select((m, i) => new
                {
                    trainer = m.Candidate.Trainer,
                    parameters = m.Candidate.Parameters,
                    weight = weights[i],
                    entry = MemberEntry(i),
                }),
            }));
        }

        return stream.ToArray();
    }

    private static void Write(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name);
        entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero); // no timestamp of the run
        using var target = entry.Open();
        target.Write(content);
    }
}
