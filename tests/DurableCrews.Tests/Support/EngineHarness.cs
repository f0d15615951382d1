using DurableCrews.Api;
using DurableCrews.Cli.Engine;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Tests.Support;

/// <summary>The real Durable Task engine in this process, with a test model and a throw-away embedded store.</summary>
public sealed class EngineHarness : IAsyncDisposable
{
    readonly TempFolder folder;

    EngineHarness(CrewEngine engine, TempFolder folder)
    {
        Engine = engine;
        this.folder = folder;
    }

    public CrewEngine Engine { get; }

    public RunStore Runs => Engine.Services.GetRequiredService<RunStore>();

    public IBlobStore Blobs => Engine.Services.GetRequiredService<IBlobStore>();

    public string StoragePath => Path.Combine(folder.Path, "storage");

    public static async Task<EngineHarness> StartAsync(IChatClient? chat = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var folder = new TempFolder();
        var values = new Dictionary<string, string?> { ["DurableCrews:Storage:LocalPath"] = Path.Combine(folder.Path, "storage") };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var engine = await CrewEngine.StartAsync(configuration, services =>
        {
            if (chat is not null)
            {
                services.AddSingleton<IChatClientProvider>(new ScriptedModels(chat));
            }

            configureServices?.Invoke(services);
        });
        return new EngineHarness(engine, folder);
    }

    public async Task<RunView> RunAsync(CrewDefinition crew, IReadOnlyDictionary<string, string>? inputs = null, string? runId = null)
    {
        string id = await Engine.Runs.KickoffAsync(crew, new KickoffRequest { Inputs = inputs ?? new Dictionary<string, string>(), RunId = runId });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await Engine.Runs.WaitAsync(id, pollInterval: TimeSpan.FromMilliseconds(25), cancellationToken: timeout.Token);
    }

    /// <summary>Polls the run's view until <paramref name="condition"/> holds (at most a minute).</summary>
    public Task<RunView> WaitUntilAsync(string runId, Func<RunView, bool> condition) =>
        Eventually.ProbeAsync(async ct => await Engine.Runs.GetAsync(runId, ct) is { } view && condition(view) ? view : null);

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        folder.Dispose();
    }
}
