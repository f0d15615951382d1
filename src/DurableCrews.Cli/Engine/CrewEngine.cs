using DurableCrews.Api;
using DurableCrews.Configuration;
using DurableCrews.Orchestration;
using DurableCrews.Storage;
using DurableCrews.Telemetry;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Cli.Engine;

/// <summary>
/// The Durable Task engine hosted in this process, outside Azure Functions: the gRPC sidecar that
/// <c>Microsoft.DurableTask.InProcessTestHost</c> ships (on 127.0.0.1, a free port) over an orchestration
/// service, and a worker and client connected to it that run DurableCrews' orchestrations and activities.
/// </summary>
public sealed class CrewEngine : IAsyncDisposable
{
    readonly WebApplication sidecar;
    readonly IHost worker;
    readonly GrpcChannel channel;
    readonly TunedOrchestrationService service;
    readonly WorkerIdLock? workerId;

    CrewEngine(WebApplication sidecar, IHost worker, GrpcChannel channel, TunedOrchestrationService service, WorkerIdLock? workerId)
    {
        this.workerId = workerId;
        this.sidecar = sidecar;
        this.worker = worker;
        this.channel = channel;
        this.service = service;
        IsDurable = workerId is not null;
    }

    /// <summary>With a storage connection: the worker id this process works the task hub as (unique on this machine).</summary>
    public string? WorkerId => workerId?.WorkerId;

    /// <summary>Whether runs outlive this process (Azure Storage), rather than living in its memory.</summary>
    public bool IsDurable { get; }

    /// <summary>Activities and orchestration episodes this process has completed, for the share of the work it did.</summary>
    public (int Activities, int OrchestrationSteps) WorkDone => (service.ActivitiesCompleted, service.OrchestrationStepsCompleted);

    /// <summary>Activities running now.</summary>
    public int ActivitiesInFlight => service.ActivitiesInFlight;

    /// <summary>How many times a running activity's lock has been renewed (Azure Storage).</summary>
    public int LockRenewals => service.LockRenewals;

    /// <summary>The worker's services (the library's stores, runner and run API among them).</summary>
    public IServiceProvider Services => worker.Services;

    /// <summary>The Durable Task client.</summary>
    public DurableTaskClient Client => worker.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>The run API over this engine.</summary>
    public CrewRunService Runs => worker.Services.GetRequiredService<CrewRunService>();

    /// <summary>
    /// Starts the engine: on <c>AzureStorageOrchestrationService</c> (the provider Durable Functions uses: runs survive
    /// the process) when a storage connection string is configured, else on the in-memory orchestration service.
    /// </summary>
    /// <param name="configuration">The DurableCrews settings.</param>
    /// <param name="configureServices">Replaces or adds services (tests use it to script the model).</param>
    /// <param name="options">Engine settings; by default those of <c>DurableCrews:Engine</c>.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <param name="configureTasks">Registers more orchestrators and activities (benchmarks add bare ones to compare with).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<CrewEngine> StartAsync(
        IConfiguration configuration,
        Action<IServiceCollection>? configureServices = null,
        EngineOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        Action<DurableTaskRegistry>? configureTasks = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= configuration.GetSection(EngineOptions.SectionName).Get<EngineOptions>() ?? new EngineOptions();
        loggerFactory ??= Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        string? connection = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>()?.ConnectionString;
        var workerId = string.IsNullOrWhiteSpace(connection) ? null : WorkerIdLock.Acquire(options.TaskHub, options.WorkerId);
        IOrchestrationService service;
        try
        {
            service = workerId is null
                ? new InMemoryOrchestrationService(loggerFactory)
                : await CreateAzureStorageServiceAsync(connection!, options, workerId.WorkerId, loggerFactory).ConfigureAwait(false);
        }
        catch
        {
            workerId?.Dispose();
            throw;
        }

        // A third of the visibility timeout leaves two more renewals' time before a lock could lapse.
        TimeSpan? renewEvery = string.IsNullOrWhiteSpace(connection) ? null : TimeSpan.FromSeconds(options.VisibilityTimeoutSeconds / 3.0);
        var tuned = new TunedOrchestrationService(service, options.MaxConcurrentActivities, options.MaxConcurrentOrchestrations, renewEvery, loggerFactory.CreateLogger<TunedOrchestrationService>());

        var sidecar = await StartSidecarAsync(tuned, loggerFactory, cancellationToken).ConfigureAwait(false);
        string address = sidecar.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var channel = GrpcChannel.ForAddress(address);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        SignalFreeLifetime.Use(builder.Services);
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        // Without a storage connection the engine is the in-memory one: a request it has no instance for was cut off.
        builder.Services.AddSingleton(new RunStarts(engineKeepsHistory: workerId is not null));
        builder.Services.AddDurableCrews(configuration).AddCrewClientServices();
        builder.Services.AddOptions<Serve.ServeOptions>().Bind(configuration.GetSection(Serve.ServeOptions.SectionName));
        OtlpTelemetry.Add(builder.Services, configuration);
        configureServices?.Invoke(builder.Services);
        builder.Services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(channel);
            worker.AddTasks(registry =>
            {
                registry.AddDurableCrews();
                configureTasks?.Invoke(registry);
            });
            worker.Configure(o =>
            {
                o.Concurrency.MaximumConcurrentActivityWorkItems = options.MaxConcurrentActivities;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = options.MaxConcurrentOrchestrations;
                o.Versioning = new DurableTaskWorkerOptions.VersioningOptions
                {
                    Version = OrchestrationVersions.Current,
                    DefaultVersion = OrchestrationVersions.Current,
                    MatchStrategy = DurableTaskWorkerOptions.VersionMatchStrategy.CurrentOrOlder,
                    FailureStrategy = DurableTaskWorkerOptions.VersionFailureStrategy.Reject,
                };
            });
        });
        builder.Services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(channel);
            client.RegisterDirectly();
        });

        var worker = builder.Build();
        await worker.StartAsync(cancellationToken).ConfigureAwait(false);
        return new CrewEngine(sidecar, worker, channel, tuned, workerId);
    }

    /// <summary>
    /// Hands out no more work and waits until what is in flight (activities, and the orchestration steps their results
    /// start) has settled, or <paramref name="limit"/> passes; whether it settled. Work not handed out stays in the
    /// orchestration service (on Azure Storage, for the next process).
    /// </summary>
    public async Task<bool> DrainAsync(TimeSpan limit, CancellationToken cancellationToken = default)
    {
        service.Pause();
        var deadline = DateTime.UtcNow + limit;
        while ((service.ActivitiesInFlight > 0 || service.OrchestrationsInFlight > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return service.ActivitiesInFlight == 0 && service.OrchestrationsInFlight == 0;
    }

    /// <summary>
    /// Stops the worker before the engine under it, each step bounded: work not finished by then is left to the
    /// orchestration service (on Azure Storage it comes back to the next process that starts).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await Bounded(ct => worker.StopAsync(ct), TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        worker.Dispose();
        await Bounded(_ => channel.ShutdownAsync(), TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        channel.Dispose();
        await Bounded(ct => sidecar.StopAsync(ct), TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        await Bounded(_ => service.StopAsync(isForced: true), TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await sidecar.DisposeAsync().ConfigureAwait(false);
        workerId?.Dispose();
    }

    /// <summary>Runs a stop step, giving up on it after <paramref name="limit"/>.</summary>
    static async Task Bounded(Func<CancellationToken, Task> step, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await step(timeout.Token).WaitAsync(limit).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            // A step that does not stop in time is left behind; the process is on its way out.
        }
    }

    /// <summary>The Azure Storage provider on the task hub, created if it does not exist, polling fast enough that an idle engine picks up new work within about a second.</summary>
    static async Task<IOrchestrationService> CreateAzureStorageServiceAsync(string connection, EngineOptions options, string workerId, ILoggerFactory loggerFactory)
    {
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(connection),
            TaskHubName = options.TaskHub,
            WorkerId = workerId,
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(options.MaxQueuePollingIntervalMs),
            ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(options.VisibilityTimeoutSeconds),
            WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(options.VisibilityTimeoutSeconds),
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations,
            PartitionCount = options.PartitionCount,
            LoggerFactory = loggerFactory,
        };
        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync().ConfigureAwait(false);
        return service;
    }

    static async Task<WebApplication> StartSidecarAsync(TunedOrchestrationService service, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var builder = EmbeddedWebHost.CreateBuilder();
        SignalFreeLifetime.Use(builder.Services);
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }
}
