using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Functions;

/// <summary>
/// The Functions app in a host of its own, on an Azurite of its own, with a stub OpenAI-compatible model server as its
/// model: for the tests that kill the host or hold a model call open. Disposing kills the host and its worker and stops
/// the model and Azurite.
/// </summary>
public sealed class ModelBackedFunctionsHost : IAsyncDisposable
{
    Azurite azurite = new();
    readonly string home = Path.Combine(Path.GetTempPath(), "durablecrews-tests", "functions-host-" + Guid.NewGuid().ToString("N"));
    readonly int port = Azurite.FreePort();
    FunctionsHostCommand command = null!;
    string app = null!;
    Dictionary<string, string> settings = null!;

    ModelBackedFunctionsHost()
    {
    }

    /// <summary>The model server the app calls.</summary>
    public HttpStub Model { get; private set; } = null!;

    /// <summary>The running host (the latest one after <see cref="RestartAsync"/>).</summary>
    public FunctionsHostProcess Host { get; private set; } = null!;

    /// <summary>The task hub the host works in.</summary>
    public const string Hub = "ModelHostHub";

    /// <summary>The Azurite the host works on.</summary>
    public Azurite Storage => azurite;

    /// <summary>
    /// Starts the model answering through <paramref name="respond"/>, Azurite, and the host with <paramref name="extra"/>
    /// settings; skips the test when there is no host. With <paramref name="storageFolder"/> Azurite keeps its data there,
    /// so that it can be stopped and started again on it.
    /// </summary>
    public static async Task<ModelBackedFunctionsHost> StartAsync(Func<StubRequest, (int Status, string Body, IDictionary<string, string>? Headers)> respond, IReadOnlyDictionary<string, string>? extra = null, string? storageFolder = null)
    {
        var host = new ModelBackedFunctionsHost { command = FunctionsHostInstall.FindOrSkip() };
        try
        {
            host.app = await FunctionsHostInstall.PublishedAppAsync();
            if (storageFolder is null)
            {
                await host.azurite.InitializeAsync();
            }
            else
            {
                host.azurite = await Azurite.StartOnDiskAsync(storageFolder);
            }

            host.Model = await HttpStub.StartAsync(respond);
            host.settings = FunctionsHostFixture.Settings(host.azurite, Hub);
            host.settings["DurableCrews__Model__Provider"] = "openai-compatible";
            host.settings["DurableCrews__Model__Endpoint"] = new Uri(host.Model.BaseAddress, "v1/").ToString();
            host.settings["DurableCrews__Model__Name"] = "stub";
            host.Host = await FunctionsHostProcess.StartAsync(host.command, host.app, host.port, host.home, host.With(extra));
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts the host again on the same port, storage and keys (with <paramref name="extra"/> settings instead of the
    /// first start's), after <see cref="FunctionsHostProcess.KillAsync"/>.
    /// </summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        await Host.DisposeAsync();
        Host = await FunctionsHostProcess.StartAsync(command, app, port, home, With(extra));
    }

    Dictionary<string, string> With(IReadOnlyDictionary<string, string>? extra)
    {
        var all = new Dictionary<string, string>(settings);
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            all[name] = value;
        }

        return all;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Host is not null)
            {
                await Host.DisposeAsync();
            }
        }
        finally
        {
            if (Model is not null)
            {
                await Model.DisposeAsync();
            }

            await azurite.DisposeAsync();
            FunctionsHostFixture.TryDelete(home);
        }
    }
}
