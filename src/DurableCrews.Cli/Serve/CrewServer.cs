using DurableCrews.Api;
using DurableCrews.Cli.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Cli.Serve;

/// <summary>
/// <c>durablecrews serve</c>'s HTTP side: every endpoint of <see cref="CrewApi.Routes"/> under <c>/api</c>, answered by the
/// library's <see cref="CrewApi"/> over the engine in this process, exactly as the Functions app answers them.
/// </summary>
public sealed class CrewServer : IAsyncDisposable
{
    readonly WebApplication app;

    CrewServer(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:7071</c>.</summary>
    public Uri Address { get; }

    /// <summary>Starts the server on <paramref name="host"/>:<paramref name="port"/> (port 0: any free port).</summary>
    public static async Task<CrewServer> StartAsync(CrewEngine engine, System.Net.IPAddress host, int port, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(host, port));
        var app = builder.Build();
        foreach (var route in CrewApi.Routes)
        {
            app.MapMethods($"/api/{route.Template}", [route.Method], async (HttpContext http) =>
            {
                var api = engine.Services.GetRequiredService<CrewApi>();
                var request = await ApiHttp.ReadAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
                await ApiHttp.WriteAsync(http.Response, await api.HandleAsync(route.Name, request, http.RequestAborted).ConfigureAwait(false), http.RequestAborted).ConfigureAwait(false);
            });
        }

        app.MapFallback((HttpContext http) => ApiHttp.WriteAsync(
            http.Response, ApiResponse.Problem(ApiProblem.NotFound($"There is no endpoint {http.Request.Method} {http.Request.Path}; see /api/openapi.json.")), http.RequestAborted));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CrewServer(app, new Uri(address));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await app.StopAsync(stopping.Token).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
