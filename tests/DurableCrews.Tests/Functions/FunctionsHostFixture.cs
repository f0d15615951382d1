using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Functions;

/// <summary>
/// The Functions app published once and run in the real Azure Functions host against an Azurite of its own, shared by
/// the tests of <see cref="FunctionsHostCollection"/>: the offline model (with a little latency, so that parallel work
/// overlaps in time), server-everything defined as the MCP stdio server <c>everything</c> in app settings, and
/// OpenTelemetry exported to a local OTLP receiver. With no host found (and none required) nothing is started and every
/// test of the collection is skipped with <see cref="FunctionsHostInstall.MissingMessage"/>.
/// </summary>
public sealed class FunctionsHostFixture : IAsyncLifetime
{
    /// <summary>How long the offline model takes per call in the shared host, in milliseconds.</summary>
    public const int OfflineLatencyMs = 300;

    readonly Azurite azurite = new();
    readonly string home = Path.Combine(Path.GetTempPath(), "durablecrews-tests", "functions-host-" + Guid.NewGuid().ToString("N"));
    FunctionsHostProcess? host;

    /// <summary>The OTLP/HTTP receiver the app exports to.</summary>
    public HttpStub Otlp { get; private set; } = null!;

    /// <summary>The Azurite the host works on.</summary>
    public Azurite Storage => azurite;

    /// <summary>The running host; skips the calling test when there is no host and none is required.</summary>
    public FunctionsHostProcess Host
    {
        get
        {
            FunctionsHostInstall.FindOrSkip();
            return host ?? throw new InvalidOperationException("The Functions host fixture did not start its host.");
        }
    }

    /// <summary>
    /// The app settings every host of these tests runs with: storage on <paramref name="storage"/>, its own task hub
    /// <paramref name="hub"/>, and the app's own bundled crews and flows.
    /// </summary>
    public static Dictionary<string, string> Settings(Azurite storage, string hub)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["DurableCrews__Storage__ConnectionString"] = storage.ConnectionString,
            ["AzureFunctionsJobHost__extensions__durableTask__hubName"] = hub,
            ["AzureFunctionsJobHost__logging__logLevel__default"] = "Warning",
            ["AzureFunctionsJobHost__logging__logLevel__Host.Startup"] = "Information",
        };
    }

    public async Task InitializeAsync()
    {
        if (FunctionsHostInstall.Find() is not { } command)
        {
            return;
        }

        try
        {
            await StartAsync(command);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    async Task StartAsync(FunctionsHostCommand command)
    {
        string app = await FunctionsHostInstall.PublishedAppAsync();
        await azurite.InitializeAsync();
        Otlp = await HttpStub.StartAsync(_ => (200, string.Empty, null));
        var settings = Settings(azurite, "SharedHostHub");
        settings["DurableCrews__Model__Provider"] = "offline";
        settings["DurableCrews__Model__OfflineLatencyMs"] = $"{OfflineLatencyMs}";
        foreach (var (name, value) in McpServerPackages.Stdio("everything", McpServerPackages.Everything))
        {
            settings[name.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = Otlp.BaseAddress.ToString().TrimEnd('/');
        settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        settings["OTEL_SERVICE_NAME"] = "durablecrews-functions-test";
        settings["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        host = await FunctionsHostProcess.StartAsync(command, app, Azurite.FreePort(), home, settings);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }
        finally
        {
            if (Otlp is not null)
            {
                await Otlp.DisposeAsync();
            }

            await azurite.DisposeAsync();
            TryDelete(home);
        }
    }

    /// <summary>Deletes a folder the host used, leaving it to the OS when something still holds a file.</summary>
    public static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
