using DurableCrews.Cli.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Bench;

/// <summary>Engines for benchmarks: in memory, or on Azurite with a fresh task hub; each with a bare orchestration to compare against.</summary>
internal static class BenchEngines
{
    public const string BareOrchestration = "BenchBareOrchestration";

    public const string NoOpActivity = "BenchNoOpActivity";

    const string EngineVariablePrefix = "DurableCrews__Engine__";

    /// <summary>
    /// Measures on the engines the first argument names (<c>in-memory</c>, <c>azurite</c>, or both by default):
    /// <paramref name="measure"/> gets the engine's name and its storage (null in memory, Azurite's connection string).
    /// </summary>
    public static async Task OnEnginesAsync(string[] args, Func<string, string?, Task> measure)
    {
        string only = args.Length > 0 ? args[0] : "both";
        if (only is "both" or "in-memory")
        {
            await measure("in-memory", null);
        }

        if (only is "both" or "azurite")
        {
            using var azurite = await BenchAzurite.StartAsync();
            await measure("Azurite (Azure Storage provider)", azurite.ConnectionString);
        }
    }

    public static Task<CrewEngine> StartAsync(string? storage, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["DurableCrews:Storage:LocalPath"] = Path.Combine(Path.GetTempPath(), "durablecrews-bench", Guid.NewGuid().ToString("N")),
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            values[name] = value;
        }

        // DurableCrews__Engine__… variables override the engine's settings, to measure what one setting changes.
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string key && key.StartsWith(EngineVariablePrefix, StringComparison.Ordinal))
            {
                values[$"DurableCrews:Engine:{key[EngineVariablePrefix.Length..].Replace("__", ":", StringComparison.Ordinal)}"] = variable.Value as string;
            }
        }

        if (storage is not null)
        {
            values["DurableCrews:Storage:ConnectionString"] = storage;
            values["DurableCrews:Engine:TaskHub"] = $"bench{Guid.NewGuid():N}"[..20];
        }

        return CrewEngine.StartAsync(
            new ConfigurationBuilder().AddInMemoryCollection(values).Build(),
            configureServices,

            // DURABLECREWS_BENCH_LOG=1 prints the engine's warnings and errors (lease timeouts, redeliveries) to the console.
            loggerFactory: Environment.GetEnvironmentVariable("DURABLECREWS_BENCH_LOG") is null
                ? null
                : LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning)),
            configureTasks: registry => registry
                .AddOrchestratorFunc<int, int>(BareOrchestration, async (context, count) =>
                {
                    for (int i = 0; i < count; i++)
                    {
                        await context.CallActivityAsync<int>(NoOpActivity, i);
                    }

                    return count;
                })
                .AddActivityFunc<int, int>(NoOpActivity, (_, i) => i));
    }
}
