using System.Diagnostics;
using System.Globalization;
using DurableCrews.Models;
using DurableCrews.Storage;

namespace DurableCrews.Bench;

/// <summary>
/// Top-5 recall over 1k, 10k and 100k stored memories with the offline lexical embedder: for each size, a
/// crew's long-term index is written to the embedded store, planted memories are searched for with queries
/// that share only part of their words plus noise, and the benchmark prints recall@5, the median search
/// latency (the store's search: one index read and a full scan), and the cold load of the index blob.
/// </summary>
internal static class MemoryRecallBench
{
    const int Queries = 50;

    public static async Task RunAsync(string[] args)
    {
        int[] sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1_000, 10_000, 100_000];
        var embedder = new OfflineEmbeddingGenerator();
        Console.WriteLine($"memory recall: offline-lexical embedder, {embedder.Dimensions} dims, {Queries} planted memories per size, top-5");
        Console.WriteLine("| memories | recall@5 | median search ms | p90 search ms | cold index load ms | index MB |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (int size in sizes)
        {
            string root = Path.Combine(Path.GetTempPath(), "durablecrews-bench", Guid.NewGuid().ToString("N"));
            try
            {
                await MeasureAsync(size, embedder, root);
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    static async Task MeasureAsync(int size, OfflineEmbeddingGenerator embedder, string root)
    {
        var random = new Random(size);
        string[] vocabulary = Enumerable.Range(0, 5000).Select(i => Word(random, i)).ToArray();
        var records = new List<MemoryRecord>(size);
        var planted = new List<(string Id, string[] Words)>();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < size; i++)
        {
            string[] words = Enumerable.Range(0, 12).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();
            if (i % (size / Queries) == 0 && planted.Count < Queries)
            {
                planted.Add(($"m{i}", words));
            }

            records.Add(new MemoryRecord
            {
                Id = $"m{i}",
                Kind = MemoryKind.LongTerm,
                Text = string.Join(' ', words),
                CreatedAt = start.AddSeconds(i),
                Vector = embedder.Embed(string.Join(' ', words)),
            });
        }

        var blobs = new LocalBlobStore(root);
        var scope = MemoryScope.LongTerm("bench-crew");
        await new MemoryStore(blobs).SaveAsync(scope, records);
        long bytes = new FileInfo(Path.Combine(root, BlobNames.MemoryContainer, scope.BlobName)).Length;

        var cold = Stopwatch.StartNew();
        var store = new MemoryStore(blobs);
        await store.ListAsync(scope);
        cold.Stop();

        int found = 0;
        var latencies = new List<double>();
        foreach (var (id, words) in planted)
        {
            string query = string.Join(' ', words.Take(5).Append(vocabulary[random.Next(vocabulary.Length)]).Append(vocabulary[random.Next(vocabulary.Length)]));
            var watch = Stopwatch.StartNew();
            var matches = await store.SearchAsync(scope, embedder.Embed(query), 5);
            watch.Stop();
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            found += matches.Any(m => m.Memory.Id == id) ? 1 : 0;
        }

        var sorted = latencies.Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {size:N0} | {(double)found / planted.Count:0.00} | {BenchApp.Median(latencies):0.0} | {sorted[(int)(sorted.Count * 0.9)]:0.0} | {cold.Elapsed.TotalMilliseconds:0} | {bytes / 1048576.0:0.0} |"));
    }

    static string Word(Random random, int index) =>
        new string(Enumerable.Range(0, 4 + random.Next(6)).Select(_ => (char)('a' + random.Next(26))).ToArray()) + index.ToString(CultureInfo.InvariantCulture);
}
