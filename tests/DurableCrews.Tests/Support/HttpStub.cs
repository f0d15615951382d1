using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Tests.Support;

/// <summary>An HTTP server on 127.0.0.1 (a free port) that records each request and answers through a handler.</summary>
public sealed class HttpStub : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ConcurrentQueue<StubRequest> requests = new();

    HttpStub(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<StubRequest> Requests => requests.ToList();

    /// <summary>Starts the server on <paramref name="port"/> (a free one by default: 0), answering through <paramref name="respond"/>.</summary>
    public static async Task<HttpStub> StartAsync(Func<StubRequest, (int Status, string Body, IDictionary<string, string>? Headers)> respond, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var stub = new HttpStub(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var request = new StubRequest(
                context.Request.Method,
                context.Request.Path.Value ?? string.Empty,
                context.Request.QueryString.Value ?? string.Empty,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                await reader.ReadToEndAsync());
            stub.requests.Enqueue(request);
            var (status, body, headers) = respond(request);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            await context.Response.WriteAsync(body);
        });
        await app.StartAsync();
        stub.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>A request an <see cref="HttpStub"/> received.</summary>
public sealed record StubRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>When the request arrived.</summary>
    public DateTimeOffset ArrivedAt { get; init; } = DateTimeOffset.UtcNow;
}
