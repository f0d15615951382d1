using DurableCrews.Configuration;
using DurableCrews.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DurableCrews.Notifications;

/// <summary>Registers the webhooks.</summary>
public static class NotificationsServiceCollectionExtensions
{
    /// <summary>Adds the webhook settings (checked at start), their HTTP client and the webhook activity.</summary>
    public static IServiceCollection AddCrewNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<WebhookOptions>(configuration, WebhookOptions.SectionName, WebhookOptions.Check);
        services.AddHttpClient(WebhookActivity.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundPolicies>().Webhooks.CreateHandler());
        services.TryAddTransient<WebhookActivity>();
        return services;
    }
}
