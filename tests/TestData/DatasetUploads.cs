using System.Net;
using System.Net.Http.Headers;
using Platform.Tests;

namespace Platform.Tests;

public static class DatasetUploads
{
    /// <summary>Uploads one of the shared datasets as a CSV body and expects a new version (201).</summary>
    public static async Task UploadDatasetAsync(this HttpClient client, string datasetName, string sharedFile, string query)
    {
        using var content = new StreamContent(File.OpenRead(SharedData.PathOf(sharedFile)));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var response = await client.PostAsync($"datasets/{datasetName}?{query}", content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload of {sharedFile} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
