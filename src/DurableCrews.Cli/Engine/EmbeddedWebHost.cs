using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Cli.Engine;

/// <summary>
/// The web hosts this process runs (the engine's gRPC sidecar, the API server) take their settings from DurableCrews'
/// own configuration and nothing else: no appsettings.json or environment of their own. A default builder would read
/// <c>appsettings.json</c> from the working directory with reload on change, watching that directory and every folder
/// under it; the embedded store writes its blobs there (<c>.durablecrews/storage</c> by default), so each write woke the
/// watcher, and a large working directory cost one inotify watch per folder.
/// </summary>
internal static class EmbeddedWebHost
{
    /// <summary>A builder with Kestrel and routing, no configuration sources and no log providers.</summary>
    public static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        return builder;
    }
}
