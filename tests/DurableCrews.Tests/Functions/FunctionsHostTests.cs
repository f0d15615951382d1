using System.Reflection;
using DurableCrews.Functions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DurableCrews.Tests.Functions;

/// <summary>
/// The Functions worker's host as Program.cs composes it, built the way <c>func start</c> builds it (Development, which
/// validates every registration at start): it builds, and every function class is made from its container, so a missing
/// registration fails here instead of at the first request in Azure.
/// </summary>
public sealed class FunctionsHostTests
{
    // As the template sets them: Application Insights, reached with the app's user-assigned identity.
    static readonly string[] WithTelemetry =
    [
        $"--{FunctionsApp.ApplicationInsightsSetting}=InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://ingest.example.invalid/",
        "--APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD;ClientId=11111111-1111-1111-1111-111111111111",
    ];

    static IHost BuildDevelopmentHost(string[]? args = null)
    {
        // func start sets this; only the Functions worker reads it.
        Environment.SetEnvironmentVariable("AZURE_FUNCTIONS_ENVIRONMENT", Environments.Development);
        var builder = FunctionsApp.CreateBuilder(args ?? []);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        return builder.Build();
    }

    public static TheoryData<string> FunctionClasses => new(typeof(FunctionsApp).Assembly.GetTypes()
        .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
        .Select(t => t.FullName!)
        .Order(StringComparer.Ordinal));

    [Fact]
    public void The_worker_host_builds_in_development_with_every_registration_validated()
    {
        using var host = BuildDevelopmentHost();

        Assert.Equal(Environments.Development, host.Services.GetRequiredService<IHostEnvironment>().EnvironmentName);
    }

    [Fact]
    public void With_application_insights_set_the_host_builds_with_durablecrews_traces_and_metrics_wired()
    {
        using var host = BuildDevelopmentHost(WithTelemetry);

        Assert.NotNull(host.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        Assert.NotNull(host.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
        Assert.True(DurableCrews.Telemetry.CrewTelemetry.Source.HasListeners(), "the tracer provider listens to DurableCrews' activity source");

        using var without = BuildDevelopmentHost();
        Assert.Null(without.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
    }

    [Theory]
    [MemberData(nameof(FunctionClasses))]
    public void Every_function_class_is_made_from_the_container(string className)
    {
        using var host = BuildDevelopmentHost(WithTelemetry);
        using var scope = host.Services.CreateScope();
        var type = typeof(FunctionsApp).Assembly.GetType(className)!;

        object function = type.IsAbstract && type.IsSealed ? type : ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);

        Assert.NotNull(function);
    }
}
