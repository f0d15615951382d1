using System.Globalization;
using DurableCrews.Definitions;

namespace DurableCrews.Api;

/// <summary><c>GET /api/health</c>: storage, and on request a probe of the engine (see <see cref="EngineProbe"/>).</summary>
internal sealed class HealthEndpoints(EngineProbe probe)
{
    /// <summary>200 with what was checked when healthy; 503 with the reason when not; 400 for a bad <c>probe</c>.</summary>
    public async Task<ApiResponse> GetAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        int activities = 0;
        if (request.Query.TryGetValue("probe", out string? text)
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out activities) || activities is < 1 or > EngineProbe.MaxActivities))
        {
            return ApiResponse.Problem(ApiProblem.Invalid([new DefinitionProblem("probe", $"must be a whole number of activities from 1 to {EngineProbe.MaxActivities}, not '{ApiRequestChecks.Shorten(text)}'")]));
        }

        var health = await probe.CheckAsync(activities, cancellationToken).ConfigureAwait(false);
        return new ApiResponse(health.IsHealthy ? 200 : 503, health);
    }
}
