using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DurableCrews.InfraTests.Support;
using YamlDotNet.RepresentationModel;

namespace DurableCrews.InfraTests;

/// <summary><c>azd up</c> finds what it needs: the service in azure.yaml, the parameters file, the outputs the docs use.</summary>
public sealed partial class AzdTests
{
    static YamlMappingNode AzureYaml()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(RepositoryRoot.Combine("azure.yaml")))
        {
            yaml.Load(reader);
        }

        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    static JsonObject Parameters(JsonObject template) => template["parameters"]!.AsObject();

    [Fact]
    public void Azure_yaml_deploys_the_Functions_project_to_the_app_tagged_with_its_service()
    {
        var services = (YamlMappingNode)AzureYaml()["services"];
        string tagged = Deployed.FunctionApp().Value<string>("tags.azd-service-name");

        var service = (YamlMappingNode)services[tagged];

        Assert.Equal("function", service["host"].ToString());
        Assert.Equal("dotnet", service["language"].ToString());
        string project = RepositoryRoot.Combine(service["project"].ToString());
        Assert.True(File.Exists(Path.Combine(project, "DurableCrews.Functions.csproj")), $"{project} holds no DurableCrews.Functions.csproj");
    }

    [Fact]
    public void Azure_yaml_provisions_infra_main()
    {
        var infra = (YamlMappingNode)AzureYaml()["infra"];

        Assert.Equal("bicep", infra["provider"].ToString());
        Assert.True(File.Exists(RepositoryRoot.Combine(infra["path"].ToString(), $"{infra["module"]}.bicep")));
    }

    [Fact]
    public void Parameters_file_sets_only_template_parameters_and_every_one_without_a_default()
    {
        var file = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("infra", "main.parameters.json")))!["parameters"]!.AsObject();
        var template = Parameters(CompiledTemplate.Template.Json);

        Assert.Subset(template.Select(p => p.Key).ToHashSet(), file.Select(p => p.Key).ToHashSet());
        Assert.Subset(file.Select(p => p.Key).ToHashSet(), template.Where(p => !p.Value!.AsObject().ContainsKey("defaultValue")).Select(p => p.Key).ToHashSet());
        Assert.Equal("${AZURE_ENV_NAME}", file["environmentName"]!["value"]!.GetValue<string>());
        Assert.Equal("${AZURE_LOCATION}", file["location"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Resource_group_carries_the_azd_environment_tag()
    {
        var group = Deployed.Single("Microsoft.Resources/resourceGroups");

        Assert.Equal(new ArmSymbol("parameters('environmentName')").ToString(), group.Value<string>("tags.azd-env-name"));
    }

    [Fact]
    public void Outputs_the_deploy_guide_reads_exist()
    {
        string guide = File.ReadAllText(RepositoryRoot.Combine("docs", "deploy.md"));
        var outputs = CompiledTemplate.Template.Json["outputs"]!.AsObject();

        var read = AzdEnvValue().Matches(guide).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(read);
        Assert.All(read, name => Assert.True(outputs.ContainsKey(name), $"docs/deploy.md reads {name}, which main.bicep does not output"));
    }

    [GeneratedRegex(@"azd env get-value ([A-Z0-9_]+)")]
    private static partial Regex AzdEnvValue();
}
