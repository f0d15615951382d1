using DurableCrews.Orchestration;
using DurableCrews.Orchestration.RateLimiting;
using DurableCrews.Outbound;
using DurableCrews.Reports;
using DurableCrews.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DurableCrews.Api;

/// <summary>
/// Makes the run API's services over a <see cref="DurableTaskClient"/> that the host hands over per call: the Functions
/// worker binds a client to each trigger and never registers one in its container, so nothing registered there may
/// need one. Everything else these services use comes from the container.
/// </summary>
public sealed class RunClientServices
{
    readonly RunStore runs;
    readonly TimeProvider time;
    readonly OutboundPolicies outbound;
    readonly CrewLibrary crews;
    readonly RunReportService reports;
    readonly ApiLinks links;
    readonly ILoggerFactory loggers;
    readonly InFlightModelCalls inFlight;
    readonly Agents.CrewKnowledge knowledge;
    readonly IOptions<QueueOptions> queues;
    readonly IOptions<VersioningOptions> versioning;
    readonly Storage.IBlobStore blobs;

    /// <summary>Creates the factory.</summary>
    public RunClientServices(RunStore runs, TimeProvider time, OutboundPolicies outbound, CrewLibrary crews, RunReportService reports, IOptions<ApiOptions> options, ILoggerFactory loggers, InFlightModelCalls inFlight, Agents.CrewKnowledge knowledge, IOptions<QueueOptions> queues, IOptions<VersioningOptions> versioning, Storage.IBlobStore blobs)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        this.blobs = blobs;
        ArgumentNullException.ThrowIfNull(versioning);
        this.versioning = versioning;
        ArgumentNullException.ThrowIfNull(queues);
        this.queues = queues;
        ArgumentNullException.ThrowIfNull(inFlight);
        this.inFlight = inFlight;
        this.knowledge = knowledge;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        links = new ApiLinks(options.Value.PublicBaseUrl);
        this.loggers = loggers;
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(outbound);
        ArgumentNullException.ThrowIfNull(crews);
        ArgumentNullException.ThrowIfNull(reports);
        this.runs = runs;
        this.time = time;
        this.outbound = outbound;
        this.crews = crews;
        this.reports = reports;
    }

    /// <summary>The crew run service over <paramref name="client"/>.</summary>
    public CrewRunService Runs(DurableTaskClient client) => new(client, runs, time, outbound, inFlight, queues, versioning);

    /// <summary>The flow run service over <paramref name="client"/>.</summary>
    public FlowRunService Flows(DurableTaskClient client) => new(client, runs, time, versioning);

    /// <summary>The run API over <paramref name="client"/>.</summary>
    public CrewApi Api(DurableTaskClient client) => new(Runs(client), Flows(client), crews, knowledge, reports, links, loggers.CreateLogger<CrewApi>(), Probe(client));

    /// <summary>The health checks over <paramref name="client"/>.</summary>
    public EngineProbe Probe(DurableTaskClient client) => new(client, blobs, time);

    /// <summary>The kickoff message handler over <paramref name="client"/>.</summary>
    public KickoffMessageHandler Kickoffs(DurableTaskClient client) => new(Runs(client), Flows(client), crews);
}
