using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using DurableCrews.Configuration;
using DurableCrews.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Resources;

namespace DurableCrews.Functions;

/// <summary>The Functions worker's host, composed in one place so that tests build exactly what Azure runs.</summary>
public static class FunctionsApp
{
    /// <summary>The setting (set by the template) that sends DurableCrews' traces and metrics to Application Insights.</summary>
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The worker's host builder with DurableCrews registered.</summary>
    public static FunctionsApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddDurableCrews(builder.Configuration);
        AddAzureMonitor(builder.Services, builder.Configuration);
        OtlpTelemetry.Add(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>
    /// DurableCrews' traces and metrics to Application Insights (Azure Monitor) when its connection string is set; with
    /// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> (<c>Authorization=AAD;ClientId=…</c>, as the template sets it,
    /// the component's local authentication being off) they are sent with that identity's Entra token.
    /// </summary>
    static void AddAzureMonitor(IServiceCollection services, IConfiguration configuration)
    {
        if (configuration[ApplicationInsightsSetting] is not { Length: > 0 } connection)
        {
            return;
        }

        string? clientId = configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]?.Split(';')
            .Select(part => part.Split('=', 2))
            .FirstOrDefault(pair => pair.Length == 2 && pair[0].Trim().Equals("ClientId", StringComparison.OrdinalIgnoreCase))?[1].Trim();
        void Configure(AzureMonitorExporterOptions options)
        {
            options.ConnectionString = connection;
            if (clientId is not null)
            {
                options.Credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
            }
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("durablecrews-functions"))
            .WithTracing(tracing => tracing.AddSource(CrewTelemetry.Name, CrewTelemetry.GenAiSourceName).AddAzureMonitorTraceExporter(Configure))
            .WithMetrics(metrics => metrics.AddMeter(CrewTelemetry.Name).AddAzureMonitorMetricExporter(Configure));
    }
}
