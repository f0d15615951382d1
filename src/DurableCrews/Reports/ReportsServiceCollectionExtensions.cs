using DurableCrews.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DurableCrews.Reports;

/// <summary>Registers the run reports.</summary>
public static class ReportsServiceCollectionExtensions
{
    /// <summary>Adds the pricing settings (checked at start) and the run report service.</summary>
    public static IServiceCollection AddCrewReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PricingOptions>(configuration, PricingOptions.SectionName, PricingOptions.Check);
        services.TryAddTransient<RunReportService>();
        return services;
    }
}
