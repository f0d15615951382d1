using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace DurableCrews.Tools;

/// <summary>
/// Turns HTML into the readable text a model needs: the title, headings marked with '#', list items with '-', one line
/// per block, links kept as their text; scripts, styles, comments and markup dropped; entities decoded. Linear in the
/// input (non-backtracking patterns), so hostile pages cannot stall it.
/// </summary>
public static partial class HtmlText
{
    /// <summary>The readable text of an HTML document or fragment.</summary>
    public static string Convert(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        string text = Hidden().Replace(html, " ");
        string? title = Title().Match(text) is { Success: true } t ? Clean(t.Groups[1].Value) : null;
        text = Head().Replace(text, " ");
        text = Heading().Replace(text, m => $"\n\n{new string('#', m.Groups[1].Value[0] - '0')} ");
        text = ListItem().Replace(text, "\n- ");
        text = Block().Replace(text, "\n");
        text = Tag().Replace(text, string.Empty);
        text = WebUtility.HtmlDecode(text);

        var lines = new StringBuilder();
        int blank = 0;
        if (!string.IsNullOrWhiteSpace(title))
        {
            lines.Append("# ").Append(title).Append("\n\n");
            blank = 1;
        }

        foreach (string raw in text.Split('\n'))
        {
            string line = Spaces().Replace(raw, " ").Trim();
            if (line.Length == 0)
            {
                if (blank++ == 0 && lines.Length > 0)
                {
                    lines.Append('\n');
                }

                continue;
            }

            if (line is "-" or "#")
            {
                continue;
            }

            blank = 0;
            lines.Append(line).Append('\n');
        }

        return lines.ToString().Trim();
    }

    /// <summary>Whether a response's content type (or, without one, its start) says HTML.</summary>
    public static bool IsHtml(string? mediaType, string body) =>
        mediaType is not null
            ? mediaType.Contains("html", StringComparison.OrdinalIgnoreCase)
            : body.AsSpan().TrimStart().StartsWith("<", StringComparison.Ordinal);

    static string Clean(string text) => Spaces().Replace(WebUtility.HtmlDecode(Tag().Replace(text, string.Empty)), " ").Trim();

    [GeneratedRegex(@"<!--.*?-->|<script\b[^>]*>.*?</script\s*>|<style\b[^>]*>.*?</style\s*>|<noscript\b[^>]*>.*?</noscript\s*>|<template\b[^>]*>.*?</template\s*>|<svg\b[^>]*>.*?</svg\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.NonBacktracking)]
    private static partial Regex Hidden();

    [GeneratedRegex(@"<title\b[^>]*>(.*?)</title\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.NonBacktracking)]
    private static partial Regex Title();

    [GeneratedRegex(@"<head\b[^>]*>.*?</head\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.NonBacktracking)]
    private static partial Regex Head();

    [GeneratedRegex(@"<h([1-6])\b[^>]*>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex Heading();

    [GeneratedRegex(@"<li\b[^>]*>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex ListItem();

    [GeneratedRegex(@"</?(p|div|br|hr|h[1-6]|ul|ol|li|tr|table|section|article|header|footer|nav|main|aside|pre|blockquote|dl|dt|dd|figure|figcaption|form|body|html)\b[^>]*>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex Block();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.NonBacktracking)]
    private static partial Regex Tag();

    [GeneratedRegex(@"[ \t\r\f\v\u00a0]+", RegexOptions.NonBacktracking)]
    private static partial Regex Spaces();
}
