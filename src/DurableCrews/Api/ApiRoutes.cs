namespace DurableCrews.Api;

/// <summary>The names of the API's endpoints: the route table's, the Functions triggers' and the OpenAPI operation ids.</summary>
public static class ApiRoutes
{
    /// <summary>The endpoint <c>KickoffCrew</c>.</summary>
    public const string KickoffCrew = nameof(KickoffCrew);

    /// <summary>The endpoint <c>KickoffCrewBatch</c>.</summary>
    public const string KickoffCrewBatch = nameof(KickoffCrewBatch);

    /// <summary>The endpoint <c>KickoffFlow</c>.</summary>
    public const string KickoffFlow = nameof(KickoffFlow);

    /// <summary>The endpoint <c>ListFlows</c>.</summary>
    public const string ListFlows = nameof(ListFlows);

    /// <summary>The endpoint <c>ListCrews</c>.</summary>
    public const string ListCrews = nameof(ListCrews);

    /// <summary>The endpoint <c>GetCrew</c>.</summary>
    public const string GetCrew = nameof(GetCrew);

    /// <summary>The endpoint <c>PutCrew</c>.</summary>
    public const string PutCrew = nameof(PutCrew);

    /// <summary>The endpoint <c>DeleteCrew</c>.</summary>
    public const string DeleteCrew = nameof(DeleteCrew);

    /// <summary>The endpoint <c>ListCrewKnowledge</c>.</summary>
    public const string ListCrewKnowledge = nameof(ListCrewKnowledge);

    /// <summary>The endpoint <c>SearchCrewKnowledge</c>.</summary>
    public const string SearchCrewKnowledge = nameof(SearchCrewKnowledge);

    /// <summary>The endpoint <c>ResetCrewKnowledge</c>.</summary>
    public const string ResetCrewKnowledge = nameof(ResetCrewKnowledge);

    /// <summary>The endpoint <c>ValidateCrew</c>.</summary>
    public const string ValidateCrew = nameof(ValidateCrew);

    /// <summary>The endpoint <c>ListRuns</c>.</summary>
    public const string ListRuns = nameof(ListRuns);

    /// <summary>The endpoint <c>GetRun</c>.</summary>
    public const string GetRun = nameof(GetRun);

    /// <summary>The endpoint <c>GetRunTask</c>.</summary>
    public const string GetRunTask = nameof(GetRunTask);

    /// <summary>The endpoint <c>GetRunReport</c>.</summary>
    public const string GetRunReport = nameof(GetRunReport);

    /// <summary>The endpoint <c>TerminateRun</c>.</summary>
    public const string TerminateRun = nameof(TerminateRun);

    /// <summary>The endpoint <c>RaiseRunEvent</c>.</summary>
    public const string RaiseRunEvent = nameof(RaiseRunEvent);

    /// <summary>The endpoint <c>DeleteRun</c>.</summary>
    public const string DeleteRun = nameof(DeleteRun);

    /// <summary>The endpoint <c>ReplayRun</c>.</summary>
    public const string ReplayRun = nameof(ReplayRun);

    /// <summary>The endpoint <c>GetOpenApi</c>.</summary>
    public const string GetOpenApi = nameof(GetOpenApi);

    /// <summary>The endpoint <c>GetHealth</c>.</summary>
    public const string GetHealth = nameof(GetHealth);
}
