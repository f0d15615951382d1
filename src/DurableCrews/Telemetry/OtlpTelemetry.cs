using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DurableCrews.Telemetry;

/// <summary>
/// OTLP export of DurableCrews' traces and metrics from every host (<c>run</c>, <c>serve</c>, the Functions worker), on when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>: <c>grpc</c>, the default, or
/// <c>http/protobuf</c>; <c>OTEL_SERVICE_NAME</c>; <c>OTEL_METRIC_EXPORT_INTERVAL</c> in ms); nothing at all when it is not.
/// Whatever is buffered is sent when the host stops.
/// </summary>
public static class OtlpTelemetry
{
    /// <summary>The setting that turns the export on: the receiver's base address.</summary>
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Adds the export when <see cref="EndpointSetting"/> holds an absolute URI; nothing otherwise.</summary>
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[EndpointSetting] is not { Length: > 0 } endpoint || !Uri.TryCreate(endpoint, UriKind.Absolute, out var baseUri))
        {
            return;
        }

        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] is "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        int interval = int.TryParse(configuration["OTEL_METRIC_EXPORT_INTERVAL"], CultureInfo.InvariantCulture, out int ms) && ms > 0 ? ms : 60_000;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? "durablecrews"))
            .WithTracing(tracing => tracing
                .AddSource(CrewTelemetry.Name, CrewTelemetry.GenAiSourceName)
                .AddOtlpExporter(o => Point(o, baseUri, protocol, "v1/traces")))
            .WithMetrics(metrics => metrics
                .AddMeter(CrewTelemetry.Name)
                .AddOtlpExporter((o, reader) =>
                {
                    Point(o, baseUri, protocol, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
                }));
    }

    // Set in code, the endpoint of http/protobuf is the signal's own URL; gRPC takes the base address.
    static void Point(OtlpExporterOptions options, Uri baseUri, OtlpExportProtocol protocol, string signal)
    {
        options.Protocol = protocol;
        options.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(baseUri.AbsoluteUri.TrimEnd('/') + "/" + signal) : baseUri;
    }
}
