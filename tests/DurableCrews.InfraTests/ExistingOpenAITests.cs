using DurableCrews.InfraTests.Support;
using static DurableCrews.InfraTests.Support.Deployed.Roles;

namespace DurableCrews.InfraTests;

/// <summary>With <c>existingOpenAIEndpoint</c> set, no Azure OpenAI account is created and the app calls that endpoint.</summary>
public sealed class ExistingOpenAITests
{
    const string Endpoint = "https://contoso-ai.openai.azure.com/";

    static IReadOnlyList<ArmResource> WithExistingEndpoint() =>
        CompiledTemplate.Template.Resources(new Dictionary<string, object?> { ["existingOpenAIEndpoint"] = Endpoint });

    [Fact]
    public void By_default_an_account_with_a_chat_and_an_embeddings_deployment_is_created()
    {
        Assert.Single(Deployed.Of("Microsoft.CognitiveServices/accounts"));
        Assert.Equal(2, Deployed.Of("Microsoft.CognitiveServices/accounts/deployments").Count);
    }

    [Fact]
    public void Existing_endpoint_creates_no_account_deployments_or_role_assignment()
    {
        var resources = WithExistingEndpoint();

        Assert.DoesNotContain(resources, r => r.Type.StartsWith("Microsoft.CognitiveServices/", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(Deployed.RoleAssignments(resources), a => a.Role == CognitiveServicesOpenAIUser);
    }

    [Fact]
    public void Existing_endpoint_is_the_one_the_app_calls_for_chat_and_embeddings()
    {
        var settings = Deployed.FunctionApp(WithExistingEndpoint()).AppSettings();

        Assert.Equal(Endpoint, settings["DurableCrews__Model__Endpoint"]);
        Assert.Equal(Endpoint, settings["DurableCrews__Embeddings__Endpoint"]);
    }
}
