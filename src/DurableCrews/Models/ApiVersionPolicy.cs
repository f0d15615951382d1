using System.ClientModel.Primitives;

namespace DurableCrews.Models;

/// <summary>Sends the configured Azure OpenAI <c>api-version</c> instead of the one the SDK was built with.</summary>
internal sealed class ApiVersionPolicy(string version) : PipelinePolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    void Apply(PipelineMessage message)
    {
        var uri = message.Request.Uri!;
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        query["api-version"] = version;
        message.Request.Uri = new UriBuilder(uri) { Query = query.ToString() }.Uri;
    }
}
