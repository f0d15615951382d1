using System.Globalization;
using System.Text;
using System.Text.Json;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Telemetry;
using Azure;
using DurableCrews.Tools;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// One attempt at one tool call. A call that succeeded before (its result stored) is not made again: a crash, a
/// redelivery or a replay returns the stored outcome. The result is cut to the tool's limit with a note, stored with
/// the agent's work, and cached by tool and arguments when the tool says <c>cache: true</c> (failures never). A failure
/// is an outcome, not an exception: the orchestrator decides on a retry, and the model is told.
/// </summary>
public sealed class ToolCallActivity : TaskActivity<ToolCallRequest, ToolCallOutcome>
{
    /// <summary>
    /// How long a made call's record is written again while storage is unreachable. The blob SDK's own retries span
    /// about 25 s; the call is made and may not be made twice, so its result waits out a longer outage, as the engine does.
    /// </summary>
    public static readonly TimeSpan RecordWriteLimit = TimeSpan.FromMinutes(2);

    readonly RunStore runs;
    readonly CrewTools tools;
    readonly ToolResultCache cache;
    readonly TimeProvider time;
    readonly ToolCallsInFlight inFlight;

    /// <summary>Creates the activity.</summary>
    public ToolCallActivity(RunStore runs, CrewTools tools, ToolResultCache cache, TimeProvider time, ToolCallsInFlight inFlight)
    {
        this.runs = runs;
        this.tools = tools;
        this.cache = cache;
        this.time = time;
        this.inFlight = inFlight;
    }

    /// <inheritdoc />
    public override Task<ToolCallOutcome> RunAsync(TaskActivityContext context, ToolCallRequest input) => ExecuteAsync(input);

    /// <summary>Makes the call, unless it was made before or is being made by this process.</summary>
    public Task<ToolCallOutcome> ExecuteAsync(ToolCallRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string blob = RunBlobs.ToolCallBlob(request.RunId, request.Key, request.Turn, request.Index);
        return inFlight.RunOnceAsync($"{blob}#{request.Attempt}", () => CallAsync(request, blob, cancellationToken));
    }

    async Task<ToolCallOutcome> CallAsync(ToolCallRequest request, string blob, CancellationToken cancellationToken)
    {
        using var once = runs.ReadRunsOnce(request.RunId, request.RunETag);
        var (done, _) = await runs.ReadVersionedAsync<ToolCallRecord>(blob, cancellationToken).ConfigureAwait(false);
        if (done is not null)
        {
            return new ToolCallOutcome { Succeeded = true };
        }

        var work = await runs.GetWorkAsync(request.RunId, request.Key, cancellationToken).ConfigureAwait(false);
        var pending = work?.Pending.FirstOrDefault(p => p.ToolIndex == request.Index && p.ToolTurn == request.Turn);
        if (pending is null)
        {
            return new ToolCallOutcome { Error = "the call is no longer awaited (the agent has moved on)" };
        }

        var run = await runs.RequireRunAsync(request.RunId, cancellationToken).ConfigureAwait(false);
        var definition = run.Definition.FindTool(pending.ToolDefinition ?? string.Empty)
            ?? throw new InvalidOperationException($"The crew of run '{request.RunId}' has no tool '{pending.ToolDefinition}'.");
        var arguments = pending.Arguments ?? JsonSerializer.SerializeToElement(new { });
        string cacheKey = ToolResultCache.KeyOf(run.Definition.Name, $"{definition.Kind}:{definition.Name}/{pending.RemoteName ?? pending.Tool}", arguments.GetRawText());
        var started = time.GetUtcNow();
        string? result = definition.Cache ? await cache.GetAsync(cacheKey, cancellationToken).ConfigureAwait(false) : null;
        bool cached = result is not null;
        if (result is null)
        {
            int timeout = tools.TimeoutOf(definition);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeSpan.FromSeconds(timeout));
            try
            {
                result = await tools.RunAsync(definition, pending.RemoteName, arguments, request.RunId, run.Definition, limit.Token).ConfigureAwait(false);
            }
            catch (ToolFailedException ex)
            {
                return Failed(pending.Tool!, started, new ToolCallOutcome { Error = ex.Message, Retryable = ex.Retryable });
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Failed(pending.Tool!, started, new ToolCallOutcome { Error = $"the tool did not answer within {timeout} s", Retryable = true });
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or InvalidOperationException or ArgumentException)
            {
                return Failed(pending.Tool!, started, new ToolCallOutcome { Error = $"the tool failed: {ex.Message}", Retryable = ex is HttpRequestException or IOException });
            }

            if (definition.Cache)
            {
                await cache.SaveAsync(cacheKey, definition.Name, result, cancellationToken).ConfigureAwait(false);
            }
        }

        int max = tools.MaxResultCharsOf(definition);
        bool truncated = result.Length > max;
        string given = truncated
            ? string.Create(CultureInfo.InvariantCulture, $"{result[..max]}\n\n[Result cut: the tool answered {result.Length:N0} characters and the first {max:N0} are shown. Ask for less (a narrower query, a part of the file) if you need the rest.]")
            : result;
        var record = new ToolCallRecord
        {
            Tool = pending.Tool!,
            Definition = definition.Name,
            Agent = work!.Agent,
            Turn = request.Turn,
            Index = request.Index,
            Arguments = ToolCallRecord.ArgumentsText(arguments),
            Result = given,
            StartedAt = started,
            FinishedAt = time.GetUtcNow(),
            Bytes = Encoding.UTF8.GetByteCount(result),
            Truncated = truncated,
            Cached = cached,
            Attempt = request.Attempt,
        };
        await SaveRecordAsync(blob, record, cancellationToken).ConfigureAwait(false);
        CrewTelemetry.ToolCalled(record.Tool, record.FinishedAt - record.StartedAt, cached ? "cached" : "succeeded");
        return new ToolCallOutcome { Succeeded = true };
    }

    /// <summary>Writes the made call's record, once a second while storage is unreachable, for up to <see cref="RecordWriteLimit"/>.</summary>
    async Task SaveRecordAsync(string blob, ToolCallRecord record, CancellationToken cancellationToken)
    {
        var giveUp = time.GetUtcNow() + RecordWriteLimit;
        while (true)
        {
            try
            {
                await runs.WriteVersionedAsync(blob, record, etag: null, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (BlobConditionFailedException)
            {
                // An earlier delivery of this attempt stored its result first; that one is kept.
                return;
            }
            catch (Exception ex) when (Unreachable(ex) && time.GetUtcNow() < giveUp)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether a write failed because storage could not be reached or answered 5xx (the SDK's retries spent), not because of what was written.</summary>
    static bool Unreachable(Exception ex) => ex switch
    {
        AggregateException all => all.InnerExceptions.Count > 0 && all.InnerExceptions.All(Unreachable),
        RequestFailedException failed => failed.Status is 0 or >= 500,
        HttpRequestException or IOException or TimeoutException => true,
        _ => false,
    };

    ToolCallOutcome Failed(string tool, DateTimeOffset started, ToolCallOutcome outcome)
    {
        CrewTelemetry.ToolCalled(tool, time.GetUtcNow() - started, "failed");
        return outcome;
    }
}
