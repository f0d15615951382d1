using DurableCrews.InfraTests.Support;
using DurableCrews.Storage;

namespace DurableCrews.InfraTests;

/// <summary>The storage account holds every container and queue the app and the platform use.</summary>
public sealed class StorageLayoutTests
{
    static IReadOnlyList<string> ContainerNames()
    {
        string account = Deployed.Single("Microsoft.Storage/storageAccounts").Name;
        var containers = Deployed.Of("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.All(containers, c => Assert.StartsWith($"{account}/default/", c.Name, StringComparison.Ordinal));
        return containers.Select(c => c.ShortName).ToList();
    }

    [Fact]
    public void Every_container_the_app_writes_exists()
    {
        Assert.Subset(ContainerNames().ToHashSet(), BlobNames.Containers.ToHashSet());
        Assert.Subset(ContainerNames().ToHashSet(), new HashSet<string> { "crew-runs", "crew-memory", "crew-cache", "crews" });
    }

    [Fact]
    public void Kickoff_and_result_queues_exist()
    {
        string account = Deployed.Single("Microsoft.Storage/storageAccounts").Name;
        var queues = Deployed.Of("Microsoft.Storage/storageAccounts/queueServices/queues");

        Assert.All(queues, q => Assert.StartsWith($"{account}/default/", q.Name, StringComparison.Ordinal));
        Assert.Subset(queues.Select(q => q.ShortName).ToHashSet(), new HashSet<string> { "crew-kickoffs", "crew-results" });
    }

    [Fact]
    public void Deployment_package_goes_to_its_own_container_in_the_same_account()
    {
        var app = Deployed.FunctionApp();
        string blobService = app.AppSettings()["AzureWebJobsStorage__blobServiceUri"];
        string package = app.Value<string>("properties.functionAppConfig.deployment.storage.value");

        Assert.StartsWith(blobService, package, StringComparison.Ordinal);
        string container = package[blobService.Length..];
        Assert.Contains(container, ContainerNames());
        Assert.DoesNotContain(container, BlobNames.Containers);
    }
}
