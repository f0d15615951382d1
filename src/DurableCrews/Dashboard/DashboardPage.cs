using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace DurableCrews.Dashboard;

/// <summary>
/// The runs dashboard: one self-contained HTML page (plain JavaScript, no outside assets) over the run API, shipped in
/// the library and served by <c>durablecrews serve</c> at <c>/</c> and by the Functions app at <c>/api/dashboard</c>.
/// The page holds no data; the API calls it makes carry the API key as every other client's do.
/// </summary>
public static partial class DashboardPage
{
    static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("DurableCrews.Dashboard.dashboard.html")
            ?? throw new InvalidOperationException("The dashboard page is not embedded in the library.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>The page.</summary>
    public static string Html => Page.Value;

    /// <summary>The media type of the page.</summary>
    public const string ContentType = "text/html; charset=utf-8";

    /// <summary>
    /// The page's Content-Security-Policy: its one inline script by hash, its inline styles, calls to this origin only,
    /// no frames, no plugins, no other scripts.
    /// </summary>
    public static string ContentSecurityPolicy { get; } = Policy();

    static string Policy()
    {
        var scripts = Script().Matches(Html).Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value)))}'");
        return $"default-src 'none'; script-src {string.Join(' ', scripts)}; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex Script();
}
