using System.Net;
using System.Net.Http.Headers;
using Platform.Tests;

namespace Platform.Tests;

public static class DatasetUploads
{
    /// <summary>Uploads one of the shared datasets as a CSV body and expects a new version (201).</summary>
    public static Task UploadDatasetAsync(this HttpClient client, string datasetName, string sharedFile, string query) =>
        client.UploadCsvFileAsync(datasetName, SharedData.PathOf(sharedFile), query);

    /// <summary>Uploads a CSV file (any path) as a CSV body and expects a new version (201).</summary>
    public static async Task UploadCsvFileAsync(this HttpClient client, string datasetName, string path, string query)
    {
        using var content = new StreamContent(File.OpenRead(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var response = await client.PostAsync($"datasets/{datasetName}?{query}", content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload of {Path.GetFileName(path)} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
