namespace DurableCrews.InfraTests.Support;

/// <summary>Questions about what <c>infra/main.bicep</c> deploys (default parameters unless given other resources).</summary>
static class Deployed
{
    /// <summary>The well-known role definition ids (the same in every tenant).</summary>
    public static class Roles
    {
        public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
        public const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
        public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
        public const string CognitiveServicesOpenAIUser = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";
        public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    }

    /// <summary>The resources of <paramref name="type"/> the template creates (not those it only refers to).</summary>
    public static IReadOnlyList<ArmResource> Of(string type, IReadOnlyList<ArmResource>? resources = null) =>
        (resources ?? CompiledTemplate.Resources).Where(r => r.Type.Equals(type, StringComparison.OrdinalIgnoreCase) && !r.Existing).ToList();

    /// <summary>The one resource of <paramref name="type"/> the template creates.</summary>
    public static ArmResource Single(string type, IReadOnlyList<ArmResource>? resources = null) => Assert.Single(Of(type, resources));

    /// <summary>The function app.</summary>
    public static ArmResource FunctionApp(IReadOnlyList<ArmResource>? resources = null) => Single("Microsoft.Web/sites", resources);

    /// <summary>The user-assigned identity the template creates.</summary>
    public static ArmResource Identity => Single("Microsoft.ManagedIdentity/userAssignedIdentities");

    /// <summary>A runtime property of a resource, as the evaluator renders <c>reference(resource).property</c>.</summary>
    public static string Reference(ArmResource resource, string property) => new ArmSymbol($"reference({resource.Id}).{property}").ToString();

    /// <summary>The role assignments the template creates: role definition GUID, scope id, principal.</summary>
    public static IReadOnlyList<(string Role, string Scope, string PrincipalId, string PrincipalType)> RoleAssignments(IReadOnlyList<ArmResource>? resources = null) =>
        Of("Microsoft.Authorization/roleAssignments", resources)
            .Select(a => (
                a.Value<string>("properties.roleDefinitionId").Split('/')[^1],
                a.Value<string>("scope"),
                a.Value<string>("properties.principalId"),
                a.Value<string>("properties.principalType")))
            .ToList();
}
