using DurableCrews.Api;
using DurableCrews.Cli.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DurableCrews.Cli.Serve;

/// <summary>
/// <c>durablecrews serve</c>'s HTTP side: every endpoint of <see cref="ApiRouteTable.Routes"/> under <c>/api</c>, answered by the
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
    /// <exception cref="InvalidOperationException">The address is not loopback and no API key is configured.</exception>
    public static async Task<CrewServer> StartAsync(CrewEngine engine, System.Net.IPAddress host, int port, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(host);
        var keys = new ApiKeyCheck(engine.Services.GetRequiredService<IOptions<ApiOptions>>().Value.KeyList());
        if (!System.Net.IPAddress.IsLoopback(host) && !keys.Required)
        {
            throw new InvalidOperationException(
                $"Serving on {host} would expose the API beyond this machine without keys; set DurableCrews__Api__Keys (comma-separated) or serve on 127.0.0.1.");
        }

        var loggers = engine.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggers.CreateLogger<CrewServer>();
        var builder = Engine.EmbeddedWebHost.CreateBuilder();
        Engine.SignalFreeLifetime.Use(builder.Services);
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(host, port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        var app = builder.Build();
        app.Use(async (http, next) =>
        {
            try
            {
                // The dashboard page holds no data: it asks for the key and sends it with every API call it makes.
                if (!IsDashboard(http.Request) && !keys.Allows(http.Request))
                {
                    http.Response.Headers.WWWAuthenticate = "Bearer";
                    await ApiHttp.WriteAsync(http.Response, ApiResponse.Problem(ApiProblem.Unauthorized()), http.RequestAborted).ConfigureAwait(false);
                    return;
                }

                await next(http).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex) when (!http.Response.HasStarted)
            {
                // Kestrel's own refusals met while reading the body (too large, broken chunking) answer as the API does.
                var problem = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? ApiProblem.TooLarge(ApiRequest.MaxBodyBytes)
                    : ApiProblem.Invalid([new Definitions.DefinitionProblem("request", ex.Message)]) with { Status = ex.StatusCode };
                await ApiHttp.WriteAsync(http.Response, ApiResponse.Problem(problem), http.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
            {
                string traceId = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
                logger.LogError(ex, "{Method} {Path} failed unexpectedly (trace id {TraceId})", http.Request.Method, http.Request.Path, traceId);
                await ApiHttp.WriteAsync(http.Response, ApiResponse.Problem(ApiProblem.Unexpected(traceId)), http.RequestAborted).ConfigureAwait(false);
            }
        });

        app.MapGet("/", (HttpContext http) =>
        {
            http.Response.ContentType = Dashboard.DashboardPage.ContentType;
            http.Response.Headers.ContentSecurityPolicy = Dashboard.DashboardPage.ContentSecurityPolicy;
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "no-cache";
            return http.Response.WriteAsync(Dashboard.DashboardPage.Html, http.RequestAborted);
        });

        foreach (var route in ApiRouteTable.Routes)
        {
            app.MapMethods($"/api/{route.Template}", [route.Method], async (HttpContext http) =>
            {
                var api = engine.Services.GetRequiredService<CrewApi>();
                var request = await ApiHttp.ReadAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
                await ApiHttp.WriteAsync(http.Response, await api.HandleAsync(route.Name, request, http.RequestAborted).ConfigureAwait(false), http.RequestAborted).ConfigureAwait(false);
            });
        }

        // A path the API has, asked with another method: 405 with the methods it takes.
        foreach (var group in ApiRouteTable.Routes.GroupBy(r => r.Template))
        {
            string[] allowed = group.Select(r => r.Method).ToArray();
            string[] others = new[] { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" }.Except(allowed).ToArray();
            app.MapMethods($"/api/{group.Key}", others, (HttpContext http) =>
            {
                http.Response.Headers.Allow = string.Join(", ", allowed);
                return ApiHttp.WriteAsync(http.Response, ApiResponse.Problem(ApiProblem.MethodNotAllowed(http.Request.Method, allowed)), http.RequestAborted);
            });
        }

        app.MapFallback((HttpContext http) => ApiHttp.WriteAsync(
            http.Response, ApiResponse.Problem(ApiProblem.NotFound($"There is no endpoint {http.Request.Method} {http.Request.Path}; see /api/openapi.json.")), http.RequestAborted));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CrewServer(app, new Uri(address));
    }

    static bool IsDashboard(HttpRequest request) => HttpMethods.IsGet(request.Method) && request.Path == "/";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(stopping.Token).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
