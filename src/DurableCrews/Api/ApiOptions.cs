using DurableCrews.Configuration;

namespace DurableCrews.Api;

/// <summary>How the run API is exposed, bound from <c>DurableCrews:Api</c>.</summary>
public sealed record ApiOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Api";

    /// <summary>
    /// API keys for <c>durablecrews serve</c>, separated by commas; a request carries one as <c>Authorization: Bearer KEY</c>
    /// or <c>x-api-key: KEY</c>. Required when serve listens on anything but loopback. Never logged.
    /// </summary>
    public string? Keys { get; init; }

    /// <summary>
    /// The address clients reach the API at (<c>https://crews.example.com</c>), for the absolute URLs answers carry;
    /// answers carry URLs relative to the host (<c>/api/runs/…</c>) when unset. Never taken from a request's Host header.
    /// </summary>
    public Uri? PublicBaseUrl { get; init; }

    /// <summary>Whether <c>PUT /api/crews/{crew}</c> may replace a crew bundled with the app (by storing an upload of the same name).</summary>
    public bool AllowOverridingBundledCrews { get; init; }

    /// <summary>The keys, one per entry.</summary>
    public IReadOnlyList<string> KeyList() =>
        (Keys ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The rules these settings must keep, checked when the host starts (by <see cref="OptionsValidator{TOptions}"/>).</summary>
    public static void Check(ApiOptions options, OptionsProblems problems)
    {
        problems.AbsoluteUrl(nameof(PublicBaseUrl), options.PublicBaseUrl);
    }
}
