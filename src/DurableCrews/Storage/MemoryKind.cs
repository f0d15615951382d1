namespace DurableCrews.Storage;

/// <summary>The kinds of crew memory, as CrewAI names them.</summary>
public enum MemoryKind
{
    /// <summary>This run's task results, in chunks.</summary>
    ShortTerm,

    /// <summary>Results of earlier runs of the same crew, with a quality note.</summary>
    LongTerm,

    /// <summary>The people, systems, datasets and terms that results name, each with a description.</summary>
    Entity,

    /// <summary>Chunks of a crew's or an agent's knowledge sources.</summary>
    Knowledge,
}
