using System.Text.Json.Nodes;

namespace DurableCrews.InfraTests.Support;

/// <summary><c>infra/main.bicep</c>, compiled once per test run by the Bicep CLI.</summary>
static class CompiledTemplate
{
    /// <summary>The path of the template, relative to the repository root.</summary>
    public const string MainBicep = "infra/main.bicep";

    static readonly Lazy<(BicepResult Build, string Json)> Compiled = new(Compile);
    static readonly Lazy<IReadOnlyList<ArmResource>> DefaultResources = new(() => Template.Resources());

    /// <summary>What <c>bicep build</c> printed and how it exited.</summary>
    public static BicepResult Build => Compiled.Value.Build;

    /// <summary>The compiled ARM JSON as text.</summary>
    public static string Text => Compiled.Value.Json.Length > 0
        ? Compiled.Value.Json
        : throw new InvalidOperationException($"bicep build failed:\n{Build.Output}");

    /// <summary>The compiled template.</summary>
    public static ArmTemplate Template => new(JsonNode.Parse(Text)!.AsObject());

    /// <summary>The resources deployed with the default parameter values.</summary>
    public static IReadOnlyList<ArmResource> Resources => DefaultResources.Value;

    static (BicepResult, string) Compile()
    {
        string folder = Directory.CreateTempSubdirectory("durablecrews-bicep-").FullName;
        try
        {
            string output = Path.Combine(folder, "main.json");
            var build = BicepCli.Run("build", MainBicep, "--outfile", output);
            return (build, File.Exists(output) ? File.ReadAllText(output) : string.Empty);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
