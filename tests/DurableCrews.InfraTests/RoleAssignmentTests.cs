using DurableCrews.InfraTests.Support;
using static DurableCrews.InfraTests.Support.Deployed.Roles;

namespace DurableCrews.InfraTests;

/// <summary>The app's identity holds exactly the data-plane roles it needs, each on the one resource it needs it on.</summary>
public sealed class RoleAssignmentTests
{
    /// <summary>Role, role definition GUID, the type of the resource it is granted on.</summary>
    public static TheoryData<string, string, string> NeededRoles => new()
    {
        // The Functions host and the Durable Task Azure Storage provider: blobs (leases, large messages, the
        // deployment package), queues (control and work items, the kickoff queue) and tables (history, instances).
        { "Storage Blob Data Owner", StorageBlobDataOwner, "Microsoft.Storage/storageAccounts" },
        { "Storage Queue Data Contributor", StorageQueueDataContributor, "Microsoft.Storage/storageAccounts" },
        { "Storage Table Data Contributor", StorageTableDataContributor, "Microsoft.Storage/storageAccounts" },
        { "Cognitive Services OpenAI User", CognitiveServicesOpenAIUser, "Microsoft.CognitiveServices/accounts" },
        { "Monitoring Metrics Publisher", MonitoringMetricsPublisher, "Microsoft.Insights/components" },
    };

    [Theory]
    [MemberData(nameof(NeededRoles))]
    public void App_identity_holds_the_role_on_the_resource(string role, string roleDefinition, string resourceType)
    {
        string scope = Deployed.Single(resourceType).Id;
        string principal = Deployed.Reference(Deployed.Identity, "principalId");

        Assert.True(
            Deployed.RoleAssignments().Contains((roleDefinition, scope, principal, "ServicePrincipal")),
            $"{role} on {scope} for {principal} is missing from:\n{string.Join('\n', Deployed.RoleAssignments())}");
    }

    [Fact]
    public void No_role_is_granted_beyond_those_needed()
    {
        var needed = NeededRoles.Select(row => ((string)row[1], Deployed.Single((string)row[2]).Id)).ToHashSet();

        var granted = Deployed.RoleAssignments().Select(a => (a.Role, a.Scope)).ToHashSet();

        Assert.Subset(needed, granted);
    }
}
