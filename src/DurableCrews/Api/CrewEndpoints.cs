using DurableCrews.Definitions;

namespace DurableCrews.Api;

/// <summary>The endpoints of crews and flows: list, read, upload, validate, delete.</summary>
internal sealed class CrewEndpoints(CrewLibrary crews, ApiLinks links)
{
    public ApiResponse ListFlows() => new(200, new { Flows = crews.FlowNames() });

    public async Task<ApiResponse> ListCrewsAsync(CancellationToken cancellationToken) =>
        new(200, new { Crews = await crews.ListAsync(cancellationToken).ConfigureAwait(false) });

    /// <summary>
    /// A crew as <c>PUT</c> takes it back (the definition in the same shape and field names a crew document uses), with
    /// the inputs it needs and where it comes from.
    /// </summary>
    public async Task<ApiResponse> GetCrewAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var problems = new List<DefinitionProblem>();
        var (crew, notFound) = await LoadCrewAsync(crews, request, problems, cancellationToken).ConfigureAwait(false);
        if (notFound is not null)
        {
            return notFound;
        }

        return crew is null
            ? ApiResponse.Problem(ApiProblem.Invalid(problems))
            : new ApiResponse(200, new { Crew = CrewDocument.From(crew), Inputs = CrewInputs.RequiredInputs(crew), Bundled = crews.IsBundled(crew.Name) });
    }

    public async Task<ApiResponse> PutCrewAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (ApiRequestChecks.DocumentProblem(request) is { } unsupported)
        {
            return unsupported;
        }

        var problems = new List<DefinitionProblem>();
        if (ApiRequestChecks.DocumentText(request, problems) is not { } document)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(problems));
        }

        string name = request.RouteValue("crew");
        var result = await crews.SaveAsync(name, document, cancellationToken).ConfigureAwait(false);
        if (result.BundledConflict)
        {
            return ApiResponse.Problem(ApiProblem.Conflict(
                $"'{name}' is a crew bundled with the app, and bundled crews are read-only; upload it under another name (or an operator sets DurableCrews__Api__AllowOverridingBundledCrews=true)."));
        }

        return result.Stored
            ? new ApiResponse(200, new { Crew = name, Stored = true, Inputs = CrewInputs.RequiredInputs(result.Validation.Definition!), result.Validation.Warnings }, links.To($"crews/{name}"))
            : ApiResponse.Problem(ApiProblem.Invalid(result.Validation.Problems));
    }

    public async Task<ApiResponse> DeleteCrewAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string name = request.RouteValue("crew");
        return await crews.DeleteAsync(name, cancellationToken).ConfigureAwait(false) switch
        {
            RunActionResult.Done => new ApiResponse(200, new { Crew = name, Deleted = true, StillBundled = crews.IsBundled(name) }),
            RunActionResult.Conflict => ApiResponse.Problem(ApiProblem.Conflict($"'{name}' is a crew bundled with the app; bundled crews are read-only and cannot be deleted.")),
            _ => ApiResponse.Problem(ApiProblem.NotFound($"There is no uploaded crew named '{name}'.")),
        };
    }

    public ApiResponse ValidateCrew(ApiRequest request)
    {
        if (ApiRequestChecks.DocumentProblem(request) is { } unsupported)
        {
            return unsupported;
        }

        var problems = new List<DefinitionProblem>();
        if (ApiRequestChecks.DocumentText(request, problems) is not { } document)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(problems));
        }

        var result = crews.Validate(document, "crew");
        return result.Succeeded
            ? new ApiResponse(200, new { Valid = true, result.Definition!.Name, Process = result.Definition.Process.ToString().ToLowerInvariant(), Agents = result.Definition.Agents.Count, Tasks = result.Definition.Tasks.Count, Inputs = CrewInputs.RequiredInputs(result.Definition), result.Warnings })
            : ApiResponse.Problem(ApiProblem.Invalid(result.Problems));
    }

    /// <summary>The crew the route names: 404 when there is none; its problems added when it does not load.</summary>
    internal static async Task<(CrewDefinition? Crew, ApiResponse? NotFound)> LoadCrewAsync(CrewLibrary crews, ApiRequest request, List<DefinitionProblem> problems, CancellationToken cancellationToken)
    {
        string name = request.RouteValue("crew");
        var loaded = await crews.LoadAsync(name, cancellationToken).ConfigureAwait(false);
        if (loaded is null)
        {
            return (null, ApiResponse.Problem(ApiProblem.NotFound($"There is no crew named '{name}'.")));
        }

        problems.AddRange(loaded.Problems);
        return (loaded.Definition, null);
    }
}
