namespace DurableCrews.Definitions;

/// <summary>What a knowledge source is, as CrewAI's knowledge source classes name it.</summary>
public enum KnowledgeSourceKind
{
    /// <summary>Text given in the definition (CrewAI's StringKnowledgeSource).</summary>
    String,

    /// <summary>A text file (TextFileKnowledgeSource).</summary>
    Text,

    /// <summary>A markdown file.</summary>
    Markdown,

    /// <summary>A CSV file, each row read as "column: value" pairs (CSVKnowledgeSource).</summary>
    Csv,

    /// <summary>A JSON file, read as "path: value" lines (JSONKnowledgeSource).</summary>
    Json,
}
