namespace DurableCrews.Storage;

/// <summary>
/// Decoded segments by blob name within a byte budget, least recently used first out. Segments never change once
/// written, so a cached one is used without asking the store whether it is current.
/// </summary>
internal sealed class MemorySegmentCache(long budgetBytes)
{
    readonly Lock gate = new();
    readonly Dictionary<string, LinkedListNode<MemorySegment>> byName = new(StringComparer.Ordinal);
    readonly LinkedList<MemorySegment> recency = new();
    long bytes;

    /// <summary>Raised (outside the lock) with the names of segments that left the cache.</summary>
    public event Action<IReadOnlyList<string>>? Evicted;

    /// <summary>The bytes the cached segments hold.</summary>
    public long Bytes
    {
        get
        {
            lock (gate)
            {
                return bytes;
            }
        }
    }

    /// <summary>The cached segment of that name, now the most recently used; null when not cached.</summary>
    public MemorySegment? Get(string name)
    {
        lock (gate)
        {
            if (!byName.TryGetValue(name, out var node))
            {
                return null;
            }

            recency.Remove(node);
            recency.AddFirst(node);
            return node.Value;
        }
    }

    /// <summary>Caches a segment, evicting the least recently used others while over the budget.</summary>
    public void Add(MemorySegment segment)
    {
        var evicted = new List<string>();
        lock (gate)
        {
            if (byName.ContainsKey(segment.Name))
            {
                return;
            }

            byName[segment.Name] = recency.AddFirst(segment);
            bytes += segment.Bytes;
            while (bytes > budgetBytes && recency.Last is { } last && last.Value != segment)
            {
                Drop(last);
                evicted.Add(last.Value.Name);
            }
        }

        if (evicted.Count > 0)
        {
            Evicted?.Invoke(evicted);
        }
    }

    /// <summary>Forgets segments (deleted or replaced).</summary>
    public void Remove(IEnumerable<string> names)
    {
        lock (gate)
        {
            foreach (string name in names)
            {
                if (byName.TryGetValue(name, out var node))
                {
                    Drop(node);
                }
            }
        }
    }

    void Drop(LinkedListNode<MemorySegment> node)
    {
        recency.Remove(node);
        byName.Remove(node.Value.Name);
        bytes -= node.Value.Bytes;
    }
}
