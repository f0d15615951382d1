using System.Globalization;
using DurableCrews.Agents;
using DurableCrews.Definitions;

namespace DurableCrews.Api;

/// <summary>The endpoints of a crew's knowledge: its sources as stored, a search over them, and a reset.</summary>
internal sealed class KnowledgeEndpoints(CrewLibrary crews, CrewKnowledge knowledge)
{
    /// <summary>The longest query a search takes, in characters.</summary>
    public const int MaxQueryChars = 4000;

    public async Task<ApiResponse> ListAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (await CrewAsync(request, cancellationToken).ConfigureAwait(false) is not { Crew: { } crew })
        {
            return await NotFoundOrInvalidAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return new ApiResponse(200, new { Crew = crew.Name, Sources = await knowledge.ListAsync(crew, cancellationToken).ConfigureAwait(false) });
    }

    public async Task<ApiResponse> SearchAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var problems = new List<DefinitionProblem>();
        string? query = ApiRequestChecks.Query(request, "q", "query");
        if (string.IsNullOrWhiteSpace(query) || query.Length > MaxQueryChars)
        {
            problems.Add(new DefinitionProblem("q", $"required: the text to look for, at most {MaxQueryChars} characters"));
        }

        int top = ApiRequestChecks.ParseQuery(request, "top", null, problems, text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 100 ? n : (int?)null, "a whole number from 1 to 100") ?? 5;
        if (problems.Count > 0)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(problems));
        }

        if (await CrewAsync(request, cancellationToken).ConfigureAwait(false) is not { Crew: { } crew })
        {
            return await NotFoundOrInvalidAsync(request, cancellationToken).ConfigureAwait(false);
        }

        AgentDefinition? agent = null;
        if (ApiRequestChecks.Query(request, "agent") is { } named && (agent = crew.Agents.FirstOrDefault(a => a.Name == named || a.Role == named)) is null)
        {
            return ApiResponse.Problem(ApiProblem.Invalid([new DefinitionProblem("agent", $"crew '{crew.Name}' has no agent '{named}'; its agents are {string.Join(", ", crew.Agents.Select(a => a.Name))}")]));
        }

        var matches = await knowledge.SearchAsync(crew, agent, query!, top, cancellationToken).ConfigureAwait(false);
        return new ApiResponse(200, new
        {
            Crew = crew.Name,
            Matches = matches.Select(m => new { m.Score, Source = m.Memory.Task, Holder = m.Memory.Agent ?? "crew", m.Memory.Text }).ToList(),
        });
    }

    public async Task<ApiResponse> ResetAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string name = request.RouteValue("crew");
        if (!DefinitionNames.IsValid(name))
        {
            return ApiResponse.Problem(ApiProblem.NotFound($"There is no crew named '{name}'."));
        }

        return new ApiResponse(200, new { Crew = name, Deleted = await knowledge.ResetAsync(name, cancellationToken).ConfigureAwait(false) });
    }

    async Task<(CrewDefinition? Crew, ApiResponse? Answer)> CrewAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var problems = new List<DefinitionProblem>();
        var (crew, notFound) = await CrewEndpoints.LoadCrewAsync(crews, request, problems, cancellationToken).ConfigureAwait(false);
        return (crew, notFound ?? (crew is null ? ApiResponse.Problem(ApiProblem.Invalid(problems)) : null));
    }

    async Task<ApiResponse> NotFoundOrInvalidAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await CrewAsync(request, cancellationToken).ConfigureAwait(false)).Answer!;
}
