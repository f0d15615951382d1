using DurableCrews.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Tests.Support;

/// <summary>The model layer as a host registers it, from settings given as environment-variable style keys (<c>DurableCrews__Models__fast__Provider</c>).</summary>
public static class ModelSettings
{
    public static ServiceProvider Services(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddCrewModels(configuration);
        return services.BuildServiceProvider();
    }

    public static ModelCatalog Catalog(params (string Key, string? Value)[] settings) => Services(settings).GetRequiredService<ModelCatalog>();

    /// <summary>The chat client an agent with <paramref name="llm"/> gets.</summary>
    public static ResolvedModel Resolve(string? llm, params (string Key, string? Value)[] settings)
    {
        Assert.True(ModelReference.TryParse(llm, out var reference, out string? error), error);
        return Services(settings).GetRequiredService<IChatClientProvider>().Resolve(reference);
    }
}
