using DurableCrews.InfraTests.Support;
using DurableCrews.Models;

namespace DurableCrews.InfraTests;

/// <summary>
/// The template's <c>DurableCrews__*</c> app settings and the settings the app reads (its options records, found by
/// reflection) agree, so that renaming a setting on either side fails here rather than in Azure.
/// </summary>
public sealed class AppSettingsTests
{
    // Settings the app reads that the template leaves unset on purpose, each with its reason. The names are written
    // out rather than built with nameof so that a renamed property fails these tests until this list, the template
    // and the docs are updated together.
    static readonly Dictionary<string, string> LeftUnset = new(StringComparer.Ordinal)
    {
        // Secrets: the deployed app reaches every service with its managed identity; a template must never hold one.
        ["DurableCrews__Model__ApiKey"] = "secret; Azure OpenAI is called with the managed identity",
        ["DurableCrews__Embeddings__ApiKey"] = "secret; embeddings are called with the managed identity",
        ["DurableCrews__Storage__ConnectionString"] = "secret (account key); blobs are reached through BlobServiceUri and the identity",
        ["DurableCrews__Webhooks__Secret"] = "secret; set after deployment (Key Vault reference), see docs/deploy.md",

        // Local only: the embedded store and the offline model are for laptops and tests.
        ["DurableCrews__Storage__LocalPath"] = "local only; the embedded store is used when no blob service is configured",
        ["DurableCrews__Model__OfflineLatencyMs"] = "local only; simulated latency of the offline model",
        ["DurableCrews__Model__OfflineStandIn"] = "local only; the offline model standing in for every model is what validate and run --offline ask for",
        ["DurableCrews__Model__TimeoutSeconds"] = "tuning; the default (600 s) lets long model answers finish",
        ["DurableCrews__Versioning__StartVersion"] = "rollback or canary only; new runs start on the build's current orchestration version",

        // Tuning whose default suits the deployed app; an app setting overrides it.
        ["DurableCrews__Model__ApiVersion"] = "tuning; the Azure OpenAI SDK's own api-version suits the deployed model until an operator pins another",
        ["DurableCrews__Models"] = "optional; named model endpoints (a second deployment, another provider) are added by an operator, with their keys as Key Vault references",
        ["DurableCrews__Webhooks__TimeoutSeconds"] = "tuning; the default (10 s) suits the deployed app",
        ["DurableCrews__Webhooks__AllowedHosts"] = "optional; by default webhooks go to public https hosts only, which is what a deployment should start with",
        ["DurableCrews__Outbound__AllowedHosts"] = "optional; by default outbound calls go to public https hosts only",
        ["DurableCrews__Api__Keys"] = "serve only; the Functions app's triggers are guarded by function keys",
        ["DurableCrews__Api__PublicBaseUrl"] = "optional; answers carry host-relative URLs without it",
        ["DurableCrews__Api__AllowOverridingBundledCrews"] = "off by default on purpose; bundled crews stay read-only",
        ["DurableCrews__Pricing__Models"] = "optional; set prices per model after deployment for the run report's cost estimate",
        ["DurableCrews__Queues__MaxDequeueCount"] = "serve only; the Functions host's own queue retries (host.json) apply in Azure",
        ["DurableCrews__Execution__RateLimitWindowSeconds"] = "tuning; max_rpm means per minute (60 s); shorter only in tests",
        ["DurableCrews__Execution__MaxDelegationDepth"] = "tuning; the default (3 levels) suits the deployed app",
        ["DurableCrews__Execution__HumanInputTimeoutSeconds"] = "tuning; the default (a day) suits the deployed app",
        ["DurableCrews__Execution__RetryDelaySeconds"] = "tuning; the default first backoff (2 s) suits Azure OpenAI",
        ["DurableCrews__Execution__MaxRetryDelaySeconds"] = "tuning; the default cap (300 s) suits Azure OpenAI",
        ["DurableCrews__Execution__MaxForEachItems"] = "tuning; the default (100) bounds the items one for_each task or flow step runs",
        ["DurableCrews__Tools__TimeoutSeconds"] = "tuning; a crew sets each tool's timeout, and the default (60 s) suits the rest",
        ["DurableCrews__Tools__MaxResultChars"] = "tuning; a crew sets each tool's limit, and the default (16,000) suits current models",
        ["DurableCrews__Tools__MaxResponseBytes"] = "tuning; the default (2 MB) bounds what web_fetch and http tools read",
        ["DurableCrews__Tools__MaxFileBytes"] = "tuning; the default (1 MB) bounds what file_write writes",
        ["DurableCrews__Memory__Encoding"] = "tuning; int8 with residuals (1.5 bytes per dimension) keeps recall@5 at 1.00 in the memory bench",
        ["DurableCrews__Memory__CacheMegabytes"] = "tuning; the default (1,024 MB) leaves half of the template's 2,048 MB instances to the worker",
        ["DurableCrews__Memory__CompactAfterSegments"] = "tuning; the default (16) keeps a search's segment listing short",
        ["DurableCrews__Memory__MaxSegmentRecords"] = "tuning; the default (262,144) bounds what one compaction holds in memory",
        ["DurableCrews__Tools__AllowedHosts"] = "optional; by default tools reach public https hosts only, which is what a deployment should start with",
        ["DurableCrews__Tools__Mcp"] = "optional; an operator defines the MCP servers crews may name after deployment (stdio servers need their program in the app package)",
    };

    static IReadOnlyDictionary<string, string> TemplateSettings => Deployed.FunctionApp().AppSettings();

    static IEnumerable<string> TemplateDurableCrewsSettings =>
        TemplateSettings.Keys.Where(name => name.StartsWith("DurableCrews__", StringComparison.Ordinal));

    [Fact]
    public void Settings_are_discovered_from_the_options_records_settable_properties()
    {
        Assert.Contains("DurableCrews:Model", DurableCrewsSettings.OptionsTypes.Keys);
        Assert.Contains("DurableCrews__Model__Provider", DurableCrewsSettings.Names);
        Assert.Contains("DurableCrews__Storage__BlobServiceUri", DurableCrewsSettings.Names);
        Assert.DoesNotContain("DurableCrews__Storage__UsesBlobService", DurableCrewsSettings.Names);
    }

    [Fact]
    public void Every_DurableCrews_setting_in_the_template_is_one_the_app_reads()
    {
        var unknown = TemplateDurableCrewsSettings.Except(DurableCrewsSettings.Names).Order(StringComparer.Ordinal);

        Assert.Empty(unknown);
    }

    [Fact]
    public void Every_setting_the_app_reads_is_set_by_the_template_or_left_unset_for_a_stated_reason()
    {
        var missing = DurableCrewsSettings.Names.Except(TemplateDurableCrewsSettings).Except(LeftUnset.Keys).Order(StringComparer.Ordinal);

        Assert.Empty(missing);
    }

    [Fact]
    public void Settings_left_unset_are_settings_the_app_reads()
    {
        var stale = LeftUnset.Keys.Except(DurableCrewsSettings.Names).Order(StringComparer.Ordinal);

        Assert.Empty(stale);
    }

    [Fact]
    public void Settings_left_unset_are_not_set_by_the_template()
    {
        var set = LeftUnset.Keys.Intersect(TemplateSettings.Keys).Order(StringComparer.Ordinal);

        Assert.Empty(set);
    }

    [Fact]
    public void Chat_and_embeddings_use_Azure_OpenAI_deployments_of_one_endpoint()
    {
        var settings = TemplateSettings;
        var deployments = Deployed.Of("Microsoft.CognitiveServices/accounts/deployments").Select(d => d.ShortName);

        Assert.Equal(ModelProviders.AzureOpenAI, settings["DurableCrews__Model__Provider"]);
        Assert.Equal(ModelProviders.AzureOpenAI, settings["DurableCrews__Embeddings__Provider"]);
        Assert.Equal(settings["DurableCrews__Model__Endpoint"], settings["DurableCrews__Embeddings__Endpoint"]);
        Assert.Equal(
            deployments.Order(StringComparer.Ordinal),
            new[] { settings["DurableCrews__Model__Name"], settings["DurableCrews__Embeddings__Name"] }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_managed_identity_setting_the_app_reads_names_the_apps_identity()
    {
        var identitySettings = DurableCrewsSettings.Names.Where(name => name.EndsWith("__ManagedIdentityClientId", StringComparison.Ordinal)).ToList();
        string clientId = Deployed.Reference(Deployed.Identity, "clientId");

        Assert.NotEmpty(identitySettings);
        Assert.All(identitySettings, name => Assert.Equal(clientId, TemplateSettings.GetValueOrDefault(name)));
    }

    [Fact]
    public void Crew_blobs_go_to_the_host_storage_account()
    {
        var settings = TemplateSettings;

        Assert.Equal(settings["AzureWebJobsStorage__blobServiceUri"], settings["DurableCrews__Storage__BlobServiceUri"]);
    }
}
