using DurableCrews.Cli.Engine;
using Microsoft.Extensions.Configuration;

namespace DurableCrews.Tests.Cli;

/// <summary>The web hosts inside the CLI (the engine's sidecar, the API server) read no files and watch nothing.</summary>
public sealed class EmbeddedWebHostTests
{
    [Fact]
    public void The_builder_has_no_configuration_files_or_environment_of_its_own()
    {
        var builder = EmbeddedWebHost.CreateBuilder();

        var providers = ((IConfigurationRoot)builder.Configuration).Providers.ToList();
        Assert.DoesNotContain(providers, p => p is FileConfigurationProvider);
        Assert.DoesNotContain(providers, p => p.GetType().Name.Contains("EnvironmentVariables", StringComparison.Ordinal));
        Assert.Equal(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar), builder.Environment.ContentRootPath.TrimEnd(Path.DirectorySeparatorChar));
    }
}
