using DurableCrews.InfraTests.Support;

namespace DurableCrews.InfraTests;

/// <summary>No keys anywhere: every service refuses shared keys and local auth, and the app uses its identity.</summary>
public sealed class SecurityTests
{
    [Fact]
    public void Storage_account_refuses_shared_keys_public_blobs_old_tls_and_plain_http()
    {
        var account = Deployed.Single("Microsoft.Storage/storageAccounts");

        Assert.False(account.Value<bool>("properties.allowSharedKeyAccess"));
        Assert.False(account.Value<bool>("properties.allowBlobPublicAccess"));
        Assert.Equal("TLS1_2", account.Value<string>("properties.minimumTlsVersion"));
        Assert.True(account.Value<bool>("properties.supportsHttpsTrafficOnly"));
    }

    [Fact]
    public void Blob_containers_are_private()
    {
        var containers = Deployed.Of("Microsoft.Storage/storageAccounts/blobServices/containers");

        Assert.NotEmpty(containers);
        Assert.All(containers, c => Assert.Equal("None", c.Value<string>("properties.publicAccess")));
    }

    [Fact]
    public void Azure_OpenAI_accepts_only_Entra_tokens()
    {
        var account = Deployed.Single("Microsoft.CognitiveServices/accounts");

        Assert.Equal("OpenAI", account.Value<string>("kind"));
        Assert.True(account.Value<bool>("properties.disableLocalAuth"));
        Assert.Equal(account.Name, account.Value<string>("properties.customSubDomainName"));
    }

    [Fact]
    public void Application_Insights_is_workspace_based_and_accepts_only_Entra_tokens()
    {
        var insights = Deployed.Single("Microsoft.Insights/components");
        var workspace = Deployed.Single("Microsoft.OperationalInsights/workspaces");

        Assert.True(insights.Value<bool>("properties.DisableLocalAuth"));
        Assert.Equal(workspace.Id, insights.Value<string>("properties.WorkspaceResourceId"));
    }

    [Fact]
    public void Template_reads_no_keys_and_holds_no_key_based_connection_strings()
    {
        string json = CompiledTemplate.Text;

        Assert.DoesNotContain("listKeys", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\blist[A-Za-z]*\(", json);
        Assert.DoesNotContain("AccountKey=", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SharedAccessSignature=", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Function_app_runs_as_the_user_assigned_identity_over_https_only()
    {
        var app = Deployed.FunctionApp();

        Assert.Equal("UserAssigned", app.Value<string>("identity.type"));
        Assert.Equal([Deployed.Identity.Id], app.Node("identity.userAssignedIdentities").AsObject().Select(p => p.Key));
        Assert.True(app.Value<bool>("properties.httpsOnly"));
        Assert.Equal("1.2", app.Value<string>("properties.siteConfig.minTlsVersion"));
    }

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_on_Linux_Flex_Consumption()
    {
        var app = Deployed.FunctionApp();
        var plan = Deployed.Single("Microsoft.Web/serverfarms");

        Assert.Equal("functionapp,linux", app.Value<string>("kind"));
        Assert.Equal(plan.Id, app.Value<string>("properties.serverFarmId"));
        Assert.Equal("FC1", plan.Value<string>("sku.name"));
        Assert.Equal("FlexConsumption", plan.Value<string>("sku.tier"));
        Assert.True(plan.Value<bool>("properties.reserved"));
        Assert.Equal("dotnet-isolated", app.Value<string>("properties.functionAppConfig.runtime.name"));
        Assert.Equal("10.0", app.Value<string>("properties.functionAppConfig.runtime.version"));
    }

    [Fact]
    public void Deployment_package_is_read_with_the_identity()
    {
        var storage = Deployed.FunctionApp().Node("properties.functionAppConfig.deployment.storage");

        Assert.Equal("blobContainer", storage["type"]!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", storage["authentication"]!["type"]!.GetValue<string>());
        Assert.Equal(Deployed.Identity.Id, storage["authentication"]!["userAssignedIdentityResourceId"]!.GetValue<string>());
    }

    [Fact]
    public void Publishing_user_names_and_passwords_are_off()
    {
        var policies = Deployed.Of("Microsoft.Web/sites/basicPublishingCredentialsPolicies");

        Assert.Equal(["ftp", "scm"], policies.Select(p => p.ShortName).Order(StringComparer.Ordinal));
        Assert.All(policies, p => Assert.False(p.Value<bool>("properties.allow")));
    }

    [Fact]
    public void Host_storage_connection_is_identity_based()
    {
        var settings = Deployed.FunctionApp().AppSettings();
        string[] services = ["AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri"];

        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.All(services, s => Assert.False(string.IsNullOrEmpty(settings.GetValueOrDefault(s)), $"{s} is not set"));
        Assert.Equal(services.Length, services.Select(s => settings[s]).Distinct().Count());
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal(Deployed.Reference(Deployed.Identity, "clientId"), settings["AzureWebJobsStorage__clientId"]);
    }

    [Fact]
    public void Telemetry_is_sent_with_the_identity()
    {
        var settings = Deployed.FunctionApp().AppSettings();

        Assert.True(settings.ContainsKey("APPLICATIONINSIGHTS_CONNECTION_STRING"));
        Assert.Equal($"Authorization=AAD;ClientId={Deployed.Reference(Deployed.Identity, "clientId")}", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [Fact]
    public void Outputs_hold_no_secrets()
    {
        var outputs = CompiledTemplate.Template.Json["outputs"]!.AsObject();

        Assert.All(outputs, o => Assert.NotEqual("securestring", o.Value!["type"]!.GetValue<string>(), StringComparer.OrdinalIgnoreCase));
        Assert.DoesNotContain(outputs, o => o.Key.Contains("KEY", StringComparison.OrdinalIgnoreCase) || o.Key.Contains("CONNECTION_STRING", StringComparison.OrdinalIgnoreCase));
    }
}
