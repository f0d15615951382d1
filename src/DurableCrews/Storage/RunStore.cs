using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using DurableCrews.Runs;

namespace DurableCrews.Storage;

/// <summary>
/// Reads and writes a run's blobs (named by <see cref="RunBlobs"/>): its request, its agents' works, task outputs,
/// transcripts, files, result, and a flow's request and state. Orchestrations pass run ids and blob names; the
/// contents stay here.
/// </summary>
public sealed class RunStore
{
    const int MaxCachedRequests = 256;

    /// <summary>Task outputs read at once by <see cref="GetTaskOutputsAsync"/>.</summary>
    public const int ParallelOutputReads = 16;

    readonly AsyncLocal<RunReadScope?> readOnce = new();

    /// <summary>The runs whose requests this process has stored and not yet handed to the engine.</summary>
    public RunStarts Starting { get; }

    readonly IBlobStore blobs;
    readonly WorkSpool? spool;

    // Run requests as last read, with their blob's ETag. A request never changes, but a deleted run's id can be started
    // again: a cached request is used only while its blob still has the ETag it was read with (a check without a
    // download or a parse of the definition).
    readonly ConcurrentDictionary<string, (RunRecord Run, string ETag)> requests = new(StringComparer.Ordinal);

    /// <summary>Creates the run store over a blob store.</summary>
    /// <param name="blobs">Where the runs' blobs are.</param>
    /// <param name="starting">The runs being started, and whether the engine keeps its history; by default it does.</param>
    /// <param name="spool">Where works wait on this machine's disk until storage has them; none by default.</param>
    public RunStore(IBlobStore blobs, RunStarts? starting = null, WorkSpool? spool = null)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        this.blobs = blobs;
        Starting = starting ?? new RunStarts();
        this.spool = spool;
    }

    /// <summary>Saves an agent's work in progress.</summary>
    public async Task SaveWorkAsync(AgentWorkState work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        string name = RunBlobs.WorkBlob(work.RunId, work.Key);
        var content = CrewJson.ToBinary(work);
        spool?.Keep(name, content);
        await blobs.PutAsync(BlobNames.RunsContainer, name, content, cancellationToken: cancellationToken).ConfigureAwait(false);
        spool?.Forget(name);
        if (readOnce.Value is { } scope)
        {
            scope.Works[name] = work;
            scope.Staged.TryRemove(name, out _);
        }
    }

    /// <summary>
    /// Saves a work that has just begun. Within a <see cref="ReadRunsOnce"/> scope it is only kept there: the turn that
    /// follows in the same activity writes it with its own result, and <see cref="SaveStagedWorksAsync"/> writes what no
    /// turn did. Losing a staged work loses nothing (no model was asked yet): the work begins again.
    /// </summary>
    public Task StageWorkAsync(AgentWorkState work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (readOnce.Value is not { } scope)
        {
            return SaveWorkAsync(work, cancellationToken);
        }

        string name = RunBlobs.WorkBlob(work.RunId, work.Key);
        scope.Works[name] = work;
        scope.Staged[name] = work;
        return Task.CompletedTask;
    }

    /// <summary>Writes the works staged in this flow's <see cref="ReadRunsOnce"/> scope that nothing wrote since.</summary>
    public async Task SaveStagedWorksAsync(CancellationToken cancellationToken = default)
    {
        if (readOnce.Value is not { } scope)
        {
            return;
        }

        foreach (var work in scope.Staged.Values.ToList())
        {
            await SaveWorkAsync(work, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads an agent's work in progress; null when it has not begun. Within a <see cref="ReadRunsOnce"/> scope a work
    /// this flow read or wrote is handed back without reading it again: only the activity working on a work writes it.
    /// </summary>
    public async Task<AgentWorkState?> GetWorkAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        string name = RunBlobs.WorkBlob(runId, key);
        if (readOnce.Value is { } scope && scope.Works.TryGetValue(name, out var known))
        {
            return known;
        }

        var work = await ReadAsync<AgentWorkState>(name, cancellationToken).ConfigureAwait(false);
        if (spool?.Read(name) is { } kept)
        {
            if (WorkSpool.IsAhead(kept, work))
            {
                // Its last write never reached storage (the process went down while storage was out): finish it now.
                await SaveWorkAsync(kept, cancellationToken).ConfigureAwait(false);
                return kept;
            }

            spool.Forget(name);
        }

        if (work is not null && readOnce.Value is { } reading)
        {
            reading.Works[name] = work;
        }

        return work;
    }

    /// <summary>Reads a run's blob of type <typeparamref name="T"/> with its ETag, for a conditional update.</summary>
    public async Task<(T? Value, string? ETag)> ReadVersionedAsync<T>(string name, CancellationToken cancellationToken = default)
        where T : class
    {
        var blob = await blobs.GetAsync(BlobNames.RunsContainer, name, cancellationToken).ConfigureAwait(false);
        return blob is null ? (null, null) : (CrewJson.FromBinary<T>(blob.Content), blob.ETag);
    }

    /// <summary>Writes a run's blob if it is still at <paramref name="etag"/> (or, with null, does not exist yet).</summary>
    /// <exception cref="BlobConditionFailedException">Someone else wrote it first.</exception>
    public Task WriteVersionedAsync<T>(string name, T value, string? etag, CancellationToken cancellationToken = default) =>
        blobs.PutAsync(BlobNames.RunsContainer, name, CrewJson.ToBinary(value), etag is null ? BlobCondition.IfNotExists : BlobCondition.IfUnchanged(etag), cancellationToken);

    /// <summary>Saves a new flow run's request; fails if the run id is taken.</summary>
    /// <exception cref="BlobConditionFailedException">A run with this id exists.</exception>
    public async Task SaveFlowAsync(FlowRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (await blobs.GetETagAsync(BlobNames.RunsContainer, RunBlobs.RunBlob(run.RunId), cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new BlobConditionFailedException($"A run with id '{run.RunId}' exists already.");
        }

        await blobs.PutAsync(BlobNames.RunsContainer, RunBlobs.FlowBlob(run.RunId), CrewJson.ToBinary(run), BlobCondition.IfNotExists, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a flow run's request; null when there is no such flow run.</summary>
    public Task<FlowRunRecord?> GetFlowAsync(string runId, CancellationToken cancellationToken = default) =>
        ReadAsync<FlowRunRecord>(RunBlobs.FlowBlob(runId), cancellationToken);

    /// <summary>Writes a flow run's state, replacing what was there; with <paramref name="ifMatch"/>, only while its blob has that ETag.</summary>
    /// <returns>The ETag of the state's blob.</returns>
    /// <exception cref="BlobConditionFailedException">The blob does not have the ETag <paramref name="ifMatch"/>.</exception>
    public Task<string> SaveFlowStateAsync(Orchestration.Flows.FlowStateRecord state, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var condition = ifMatch is null ? null : BlobCondition.IfUnchanged(ifMatch);
        return blobs.PutAsync(BlobNames.RunsContainer, RunBlobs.FlowStateBlob(state.RunId), CrewJson.ToBinary(state), condition, cancellationToken);
    }

    /// <summary>Reads a flow run's state; null before its first step has finished, or for a flow without state.</summary>
    public Task<Orchestration.Flows.FlowStateRecord?> GetFlowStateAsync(string runId, CancellationToken cancellationToken = default) =>
        ReadAsync<Orchestration.Flows.FlowStateRecord>(RunBlobs.FlowStateBlob(runId), cancellationToken);

    /// <summary>The ids of the stored runs and flow runs (a flow's step runs among them), in ordinal order.</summary>
    public async IAsyncEnumerable<string> ListRunIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (string name in blobs.ListAsync(BlobNames.RunsContainer, string.Empty, cancellationToken).ConfigureAwait(false))
        {
            var parts = name.Split('/');
            if (parts.Length == 2 && parts[1] is "run.json" or "flow.json")
            {
                yield return parts[0];
            }
        }
    }

    /// <summary>Saves a new run's request; fails if the run id is taken.</summary>
    /// <returns>The ETag of the request's blob.</returns>
    /// <exception cref="BlobConditionFailedException">A run with this id exists.</exception>
    public async Task<string> SaveRunAsync(RunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        // A flow's step run ('.' in its id) cannot have a flow's id: a '.' is never in one (DefinitionNames.IsValidRunReference).
        if (!run.RunId.Contains('.', StringComparison.Ordinal)
            && await blobs.GetETagAsync(BlobNames.RunsContainer, RunBlobs.FlowBlob(run.RunId), cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new BlobConditionFailedException($"A flow run with id '{run.RunId}' exists already.");
        }

        string etag = await blobs.PutAsync(BlobNames.RunsContainer, RunBlobs.RunBlob(run.RunId), CrewJson.ToBinary(run), BlobCondition.IfNotExists, cancellationToken).ConfigureAwait(false);
        Remember(run, etag);
        return etag;
    }

    /// <summary>Reads a run's request; null when there is no such run.</summary>
    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) =>
        ReadAsync<RunRecord>(RunBlobs.RunBlob(runId), cancellationToken);

    /// <summary>
    /// Reads a run's request for work that cannot go on without it: once per <see cref="ReadRunsOnce"/> scope, and
    /// across scopes only its ETag while the blob is unchanged (not even that when the scope was told the ETag).
    /// </summary>
    /// <exception cref="InvalidOperationException">The run has no stored request.</exception>
    public async Task<RunRecord> RequireRunAsync(string runId, CancellationToken cancellationToken = default) =>
        (await RequireRunVersionAsync(runId, cancellationToken).ConfigureAwait(false)).Run;

    /// <summary>A run's request with the ETag of its blob, read as <see cref="RequireRunAsync"/> reads it.</summary>
    /// <exception cref="InvalidOperationException">The run has no stored request.</exception>
    public async Task<(RunRecord Run, string ETag)> RequireRunVersionAsync(string runId, CancellationToken cancellationToken = default)
    {
        var scope = readOnce.Value;
        if (scope is not null && scope.Runs.TryGetValue(runId, out var known))
        {
            return known;
        }

        string name = RunBlobs.RunBlob(runId);
        if (requests.TryGetValue(runId, out var cached)
            && ((scope?.KnownRunId == runId ? scope.KnownRunETag : null) ?? await blobs.GetETagAsync(BlobNames.RunsContainer, name, cancellationToken).ConfigureAwait(false)) == cached.ETag)
        {
            scope?.Runs.TryAdd(runId, cached);
            return cached;
        }

        var (run, etag) = await ReadVersionedAsync<RunRecord>(name, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            throw new InvalidOperationException($"Run '{runId}' has no stored request ({BlobNames.RunsContainer}/{name}).");
        }

        Remember(run, etag!);
        scope?.Runs.TryAdd(runId, (run, etag!));
        return (run, etag!);
    }

    void Remember(RunRecord run, string etag)
    {
        if (requests.Count >= MaxCachedRequests)
        {
            requests.Clear();
        }

        requests[run.RunId] = (run, etag);
    }

    /// <summary>
    /// Until disposed, <see cref="RequireRunAsync"/> reads each run's request once in this flow of work and hands back the
    /// same record after (a run's request never changes while it runs), and <see cref="GetWorkAsync"/> hands back the work
    /// this flow last read or wrote: for one activity that begins, takes a turn and finishes.
    /// </summary>
    /// <param name="runId">A run whose request's ETag the caller knows (from the run's plan), when it knows one.</param>
    /// <param name="runETag">That ETag: a request remembered with it is used without asking the store.</param>
    /// <remarks>Opened again for the same run inside such a scope (a turn's activity completing its run), the scope goes on.</remarks>
    public IDisposable ReadRunsOnce(string? runId = null, string? runETag = null)
    {
        var previous = readOnce.Value;
        bool goesOn = runId is not null && previous?.KnownRunId == runId && previous.KnownRunETag == runETag;
        readOnce.Value = goesOn ? previous : new RunReadScope { KnownRunId = runId, KnownRunETag = runETag };
        return new RunReadScope.End(() => readOnce.Value = previous);
    }

    /// <summary>Saves a task's output and returns its blob name.</summary>
    public async Task<string> SaveTaskOutputAsync(string runId, TaskOutput output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        string name = RunBlobs.TaskBlob(runId, output.Index, output.Name);
        await blobs.PutAsync(BlobNames.RunsContainer, name, CrewJson.ToBinary(output), cancellationToken: cancellationToken).ConfigureAwait(false);
        readOnce.Value?.Outputs.AddOrUpdate(name, output, (_, _) => output);
        return name;
    }

    /// <summary>
    /// Reads a task's output; null when the task has not finished. Within a <see cref="ReadRunsOnce"/> scope an output
    /// it read or wrote is handed back (a finished task's output is written once; one not finished is asked again).
    /// </summary>
    public Task<TaskOutput?> GetTaskOutputAsync(string runId, int index, string task, CancellationToken cancellationToken = default)
    {
        string name = RunBlobs.TaskBlob(runId, index, task);
        return RunReadScope.KeptOrReadAsync(readOnce.Value?.Outputs, name, () => ReadAsync<TaskOutput>(name, cancellationToken));
    }

    /// <summary>
    /// Reads several tasks' outputs at once, <see cref="ParallelOutputReads"/> at a time (each is a round trip on
    /// Blob Storage), in the order asked; null for a task that has not finished.
    /// </summary>
    public async Task<IReadOnlyList<TaskOutput?>> GetTaskOutputsAsync(string runId, IReadOnlyList<(int Index, string Task)> tasks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var outputs = new List<TaskOutput?>(tasks.Count);
        foreach (var batch in tasks.Chunk(ParallelOutputReads))
        {
            outputs.AddRange(await Task.WhenAll(batch.Select(t => GetTaskOutputAsync(runId, t.Index, t.Task, cancellationToken))).ConfigureAwait(false));
        }

        return outputs;
    }

    /// <summary>Reads the outputs of a <c>for_each</c> task's items, in item order; null for an item that has not finished.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="task">The task's own record, which lists its items (<see cref="TaskOutput.Items"/>); none when it lists none.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public Task<IReadOnlyList<TaskOutput?>> GetItemOutputsAsync(string runId, TaskOutput task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return GetTaskOutputsAsync(runId, (task.Items ?? []).Select((_, k) => (task.Index, TaskOutput.ItemName(task.Name, k))).ToList(), cancellationToken);
    }

    /// <summary>Saves a task's transcript.</summary>
    public Task SaveTranscriptAsync(string runId, int index, string task, Transcript transcript, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return blobs.PutAsync(BlobNames.RunsContainer, RunBlobs.TranscriptBlob(runId, index, task), CrewJson.ToBinary(transcript), cancellationToken: cancellationToken);
    }

    /// <summary>Reads a task's transcript; null when there is none.</summary>
    public Task<Transcript?> GetTranscriptAsync(string runId, int index, string task, CancellationToken cancellationToken = default) =>
        ReadAsync<Transcript>(RunBlobs.TranscriptBlob(runId, index, task), cancellationToken);

    /// <summary>Writes a task's <c>output_file</c> under the run's <c>files/</c> and returns its blob name.</summary>
    public async Task<string> SaveOutputFileAsync(string runId, string relativePath, string content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
        string name = $"{RunBlobs.Checked(runId)}/files/{relativePath.Replace('\\', '/').TrimStart('/')}";
        await blobs.PutAsync(BlobNames.RunsContainer, name, BinaryData.FromString(content), cancellationToken: cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>Saves a run's result as JSON and Markdown and returns the JSON blob's name.</summary>
    public async Task<string> SaveResultAsync(CrewOutput output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        await blobs.PutAsync(BlobNames.RunsContainer, RunBlobs.ResultMarkdownBlob(output.RunId), BinaryData.FromString(CrewOutputMarkdown.Render(output)), cancellationToken: cancellationToken).ConfigureAwait(false);
        await blobs.PutAsync(BlobNames.RunsContainer, RunBlobs.ResultBlob(output.RunId), CrewJson.ToBinary(output), cancellationToken: cancellationToken).ConfigureAwait(false);
        readOnce.Value?.Results.AddOrUpdate(RunBlobs.ResultBlob(output.RunId), output, (_, _) => output);
        return RunBlobs.ResultBlob(output.RunId);
    }

    /// <summary>Reads a run's result; null until the run has ended. Within a <see cref="ReadRunsOnce"/> scope a result it wrote is handed back.</summary>
    public Task<CrewOutput?> GetResultAsync(string runId, CancellationToken cancellationToken = default) =>
        RunReadScope.KeptOrReadAsync(readOnce.Value?.Results, RunBlobs.ResultBlob(runId), () => ReadAsync<CrewOutput>(RunBlobs.ResultBlob(runId), cancellationToken));

    /// <summary>Deletes every blob of a run (and of a flow's step runs) and returns how many there were.</summary>
    public async Task<int> DeleteRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        // The run's own blobs and those of a flow's step runs ({runId}.{step}/…), and their short-term memory.
        requests.TryRemove(runId, out _);
        var runBlobs = await blobs.DeleteUnderAsync(BlobNames.RunsContainer, [$"{RunBlobs.Checked(runId)}/", $"{runId}."], cancellationToken).ConfigureAwait(false);
        var memory = await blobs.DeleteUnderAsync(BlobNames.MemoryContainer, [$"runs/{runId}/", $"runs/{runId}."], cancellationToken).ConfigureAwait(false);
        return runBlobs.Count + memory.Count;
    }

    // A for_each task's record is written once, before its first item starts, and not again while its items run; a run id
    // started again (after a delete) has a new request, so a record kept with the ETag of its run's request is that record.
    readonly ConcurrentDictionary<(string Name, string RunETag), TaskOutput> itemLists = new();

    /// <summary>
    /// Reads the record of a <c>for_each</c> task (<see cref="TaskOutput.Items"/>) for the work of one of its items. Within
    /// a <see cref="ReadRunsOnce"/> scope told the ETag of the run's request, a record this store read before under that
    /// ETag is handed back without asking the store: the begin and the finish of an item, and the items after it on this
    /// worker, read it once between them instead of once each.
    /// </summary>
    /// <returns>The record; null when the task has none stored.</returns>
    public async Task<TaskOutput?> GetItemListAsync(string runId, int index, string task, CancellationToken cancellationToken = default)
    {
        string name = RunBlobs.TaskBlob(runId, index, task);
        string? runETag = readOnce.Value is { KnownRunId: { } known, KnownRunETag: { } etag } && known == runId ? etag : null;
        if (runETag is not null && itemLists.TryGetValue((name, runETag), out var kept))
        {
            return kept;
        }

        var record = await ReadAsync<TaskOutput>(name, cancellationToken).ConfigureAwait(false);
        if (runETag is not null && record?.Items is not null)
        {
            if (itemLists.Count >= MaxCachedRequests)
            {
                itemLists.Clear();
            }

            itemLists[(name, runETag)] = record;
        }

        return record;
    }

    async Task<T?> ReadAsync<T>(string name, CancellationToken cancellationToken)
        where T : class
    {
        var blob = await blobs.GetAsync(BlobNames.RunsContainer, name, cancellationToken).ConfigureAwait(false);
        return blob is null ? null : CrewJson.FromBinary<T>(blob.Content);
    }
}
