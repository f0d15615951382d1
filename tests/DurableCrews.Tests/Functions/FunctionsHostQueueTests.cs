using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using DurableCrews.Api;

namespace DurableCrews.Tests.Functions;

/// <summary>
/// Kickoffs from the <c>crew-kickoffs</c> queue through the Functions app's queue trigger in the real host: plain JSON
/// and base64 messages start their runs; messages that can never succeed go to <c>crew-kickoffs-poison</c> once, with
/// their reason, and are not retried.
/// </summary>
[Collection(FunctionsHostCollection.Name)]
public sealed class FunctionsHostQueueTests(FunctionsHostFixture fixture)
{
    [SkippableFact]
    public async Task Plain_and_base64_messages_start_runs_and_bad_ones_go_to_poison_once_with_their_reason()
    {
        var host = fixture.Host;
        var service = new QueueServiceClient(fixture.Storage.ConnectionString);
        var kickoffs = service.GetQueueClient(QueueNames.Kickoffs);
        var poison = service.GetQueueClient(QueueNames.KickoffsPoison);
        await kickoffs.CreateIfNotExistsAsync();
        await poison.CreateIfNotExistsAsync();

        await kickoffs.SendMessageAsync("""{"crew":"contextual-workflow","inputs":{"base_topic":"clicks"},"runId":"fhq-plain"}""");
        await kickoffs.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"crew":"contextual-workflow","inputs":{"base_topic":"orders"},"runId":"fhq-base64"}""")));
        await kickoffs.SendMessageAsync("{not json");
        await kickoffs.SendMessageAsync("""{"crew":"no-such-crew","inputs":{},"runId":"fhq-unknown"}""");
        var plain = await host.WaitForEndAsync("fhq-plain");
        var base64 = await host.WaitForEndAsync("fhq-base64");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await kickoffs.GetPropertiesAsync(timeout.Token)).Value.ApproximateMessagesCount > 0 || (await poison.GetPropertiesAsync(timeout.Token)).Value.ApproximateMessagesCount < 2)
        {
            await Task.Delay(200, timeout.Token);
        }

        Assert.True(plain.GetProperty("status").GetString() == "Completed", plain.ToString());
        Assert.True(base64.GetProperty("status").GetString() == "Completed", base64.ToString());
        Assert.Contains("orders", base64.GetProperty("output").GetProperty("raw").GetString(), StringComparison.Ordinal);
        var reasons = (await poison.PeekMessagesAsync(32)).Value.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement.GetProperty("reason").GetString()!).ToList();
        Assert.Equal(2, reasons.Count);
        Assert.Contains(reasons, r => r.Contains("is not valid JSON", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("no crew named 'no-such-crew'", StringComparison.Ordinal));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await host.Http.GetAsync("runs/fhq-unknown")).StatusCode);
    }
}
