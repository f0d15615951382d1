using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace DurableCrews.Definitions;

/// <summary>
/// Reads one YAML (or JSON) definition document into nodes, bounded before any tree is built: nesting depth, and the
/// number of nodes the document stands for once its aliases are expanded (so a few hundred bytes of nested aliases
/// cannot stand for a billion nodes). Tags beyond YAML's plain types and more than one document are refused.
/// Every problem is reported with its position; nothing is thrown for bad input.
/// </summary>
public static partial class YamlDocumentReader
{
    /// <summary>The deepest nesting of mappings and lists a definition may have.</summary>
    public const int MaxDepth = 64;

    /// <summary>The most nodes a definition may stand for, aliases counted as what they repeat.</summary>
    public const int MaxNodes = 100_000;

    static readonly HashSet<string> PlainTags =
    [
        "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "!",
    ];

    /// <summary>The root mapping of <paramref name="text"/>; null (with the problems added) when it is not one bounded, valid document holding a mapping.</summary>
    /// <param name="text">The document.</param>
    /// <param name="source">The document's name in problem locations.</param>
    /// <param name="problems">Where problems are added.</param>
    public static YamlMappingNode? ReadMapping(string text, string source, List<DefinitionProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(problems);
        var first = TryRead(text, source);
        if (first.Problem is { Message: not null } && first.Syntax)
        {
            // PyYAML, which CrewAI reads with, accepts whitespace-only lines indented deeper than the block scalar
            // that follows them (an empty 'expected_output: >' for one); YamlDotNet does not. Read such files the
            // way CrewAI does: as if those lines were empty.
            var retry = TryRead(WhitespaceOnlyLine().Replace(text, string.Empty), source);
            if (retry.Problem is null)
            {
                first = retry;
            }
        }

        if (first.Problem is { } problem)
        {
            problems.Add(problem);
            return null;
        }

        var stream = first.Stream!;
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            problems.Add(new DefinitionProblem(source, "must hold a mapping of names to definitions"));
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            problems.Add(new DefinitionProblem(source, $"holds {stream.Documents.Count} YAML documents; a definition is one document (remove the '---' after the first)", $"{source}:{stream.Documents[1].RootNode.Start.Line}"));
            return null;
        }

        return mapping;
    }

    static (YamlStream? Stream, DefinitionProblem? Problem, bool Syntax) TryRead(string text, string source)
    {
        var last = Mark.Empty;
        try
        {
            if (Measure(text, source, ref last) is { } bounded)
            {
                return (null, bounded, false);
            }

            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return (stream, null, false);
        }
        catch (YamlException ex)
        {
            return (null, new DefinitionProblem(source, $"is not valid YAML or JSON: {ex.InnerException?.Message ?? ex.Message}", $"{source}:{ex.Start.Line}:{ex.Start.Column}"), true);
        }
        catch (InvalidOperationException)
        {
            // The scanner gives up on some broken flow collections without saying where; the last event it read is near.
            return (null, new DefinitionProblem(source, "is not valid YAML or JSON: a flow list or mapping ('[' or '{') is not closed", $"{source}:{last.Line}:{last.Column}"), true);
        }
    }

    /// <summary>
    /// Walks the document's events without building a tree: the first place it nests deeper than <see cref="MaxDepth"/>,
    /// stands for more than <see cref="MaxNodes"/> nodes, or carries a tag that is not a plain YAML type.
    /// </summary>
    static DefinitionProblem? Measure(string text, string source, ref Mark last)
    {
        var parser = new Parser(new StringReader(text));
        var anchorSizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long NodesBefore)>();
        long nodes = 0;
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            last = current.Start;
            string where = $"{source}:{current.Start.Line}:{current.Start.Column}";
            switch (current)
            {
                case NodeEvent { Tag.IsEmpty: false } tagged when !PlainTags.Contains(tagged.Tag.Value):
                    return new DefinitionProblem(source, $"uses the tag '{tagged.Tag.Value}'; a definition holds plain YAML values only (no language objects or custom types)", where);
                case AnchorAlias alias:
                    nodes += anchorSizes.GetValueOrDefault(alias.Value.Value, 1);
                    break;
                case Scalar scalar:
                    nodes++;
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchorSizes[scalar.Anchor.Value] = 1;
                    }

                    break;
                case MappingStart or SequenceStart:
                    nodes++;
                    var anchor = ((NodeEvent)current).Anchor;
                    open.Push((anchor.IsEmpty ? null : anchor.Value, nodes));
                    if (open.Count > MaxDepth)
                    {
                        return new DefinitionProblem(source, $"nests deeper than {MaxDepth} levels of mappings and lists", where);
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    var (name, before) = open.Pop();
                    if (name is not null)
                    {
                        anchorSizes[name] = nodes - before + 1;
                    }

                    break;
            }

            if (nodes > MaxNodes)
            {
                return new DefinitionProblem(source, $"stands for more than {MaxNodes:N0} values once its aliases are expanded; a definition is far smaller", where);
            }
        }

        return null;
    }

    [GeneratedRegex(@"^[ \t]+$", RegexOptions.Multiline)]
    private static partial Regex WhitespaceOnlyLine();
}
