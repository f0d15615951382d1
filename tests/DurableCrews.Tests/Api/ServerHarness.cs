using System.Text;
using System.Text.Json;
using DurableCrews.Cli.Serve;
using Microsoft.Extensions.AI;

namespace DurableCrews.Tests.Support;

/// <summary><c>durablecrews serve</c>'s HTTP API in this process, on a free port, over the real engine.</summary>
public sealed class ServerHarness : IAsyncDisposable
{
    ServerHarness(EngineHarness engine, CrewServer server)
    {
        Engine = engine;
        Server = server;
        Http = new HttpClient { BaseAddress = new Uri(server.Address, "api/") };
    }

    public EngineHarness Engine { get; }

    public CrewServer Server { get; }

    public HttpClient Http { get; }

    public static async Task<ServerHarness> StartAsync(IChatClient? chat = null, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["DurableCrews:Crews:Path"] = RepoPaths.Crews, ["DurableCrews:Crews:FlowsPath"] = Path.Combine(RepoPaths.Root, "flows") };
        var engine = await EngineHarness.StartAsync(chat, values);
        var server = await CrewServer.StartAsync(engine.Engine, System.Net.IPAddress.Loopback, 0);
        return new ServerHarness(engine, server);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public Task<HttpResponseMessage> PutCrewAsync(string name, string yaml, string mediaType = "application/yaml") =>
        Http.PutAsync($"crews/{name}", new StringContent(yaml, Encoding.UTF8, mediaType));

    public static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>Polls the run until it has ended.</summary>
    public Task<JsonElement> WaitForEndAsync(string runId) =>
        WaitForRunAsync(runId, run => run.GetProperty("status").GetString() is not ("Pending" or "Running"));

    /// <summary>Polls the run until <paramref name="condition"/> holds for its view (at most a minute) and returns that view.</summary>
    public async Task<JsonElement> WaitForRunAsync(string runId, Func<JsonElement, bool> condition)
    {
        JsonElement run = default;
        await Eventually.HoldsAsync(async ct => condition(run = await JsonOf(await Http.GetAsync($"runs/{runId}", ct))));
        return run;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        await Engine.DisposeAsync();
    }
}
