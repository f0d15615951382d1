using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using DurableCrews.Storage;

namespace DurableCrews.Bench;

/// <summary>
/// Crew memory at scale on the embedded store: for each size (memories × dimensions) a crew's long-term memory is
/// filled with clustered unit vectors (1,000 topics, as embeddings of related texts are) in saves of 10,000, compacted,
/// then measured: what saving one task's memories costs (time and blob operations), and, in a fresh worker process
/// (so its working set is the store's alone), the cold first search, the search latency and recall@5 of 50 queries
/// (stored memories with noise) against an exact float32 scan of every vector.
/// </summary>
internal static class MemoryScaleBench
{
    /// <summary>The command the child process runs.</summary>
    public const string ChildCommand = "memory-search";

    const int Queries = 50;
    const int Topics = 1000;
    const int Batch = 10_000;
    const string Crew = "bench-crew";

    public static async Task RunAsync(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(Parse).ToList() : [(1_000, 384), (10_000, 384), (100_000, 384), (1_000_000, 384), (100_000, 1536)];
        Console.WriteLine($"memory at scale: embedded store, int8 segments, clustered unit vectors ({Topics} topics), {Queries} queries, top-5; search in a fresh process");
        Console.WriteLine("| memories | dims | fill s | compact s | segments | store MB | save p50 ms | writes/lists/reads per save | cold search ms | search p50 ms | p90 ms | recall@5 | working set MB |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (count, dimensions) in sizes)
        {
            string root = Path.Combine(Path.GetTempPath(), "durablecrews-bench", Guid.NewGuid().ToString("N"));
            try
            {
                await MeasureAsync(count, dimensions, root);
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    static async Task MeasureAsync(int count, int dimensions, string root)
    {
        var data = new ClusteredVectors(count, dimensions);
        var queries = data.Queries(Queries);
        var exact = queries.Select(_ => new PriorityQueue<int, float>()).ToArray();
        var store = MemoryStore.Create(new LocalBlobStore(root));
        var scope = MemoryScope.LongTerm(Crew);

        var fill = Stopwatch.StartNew();
        for (int from = 0; from < count; from += Batch)
        {
            var records = new List<MemoryRecord>();
            for (int i = from; i < Math.Min(count, from + Batch); i++)
            {
                float[] vector = data.Vector(i);
                records.Add(Record(i, vector));
                for (int q = 0; q < queries.Length; q++)
                {
                    // The exact top 5 by float32 dot product, kept as the records stream by.
                    float score = TensorPrimitives.Dot(vector, queries[q]);
                    if (exact[q].Count < 5)
                    {
                        exact[q].Enqueue(i, score);
                    }
                    else if (exact[q].TryPeek(out _, out float lowest) && score > lowest)
                    {
                        exact[q].EnqueueDequeue(i, score);
                    }
                }
            }

            await store.SaveAsync(scope, records);
        }

        fill.Stop();
        var compact = Stopwatch.StartNew();
        while (await store.CompactAsync(scope) > 0)
        {
        }

        compact.Stop();
        var (_, segments) = await store.CountAsync(scope);
        double megabytes = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1048576.0;

        string queryFile = Path.Combine(Path.GetDirectoryName(root)!, $"{Path.GetFileName(root)}.queries");
        WriteQueries(queryFile, queries, exact.Select(e => e.UnorderedItems.Select(x => x.Element).ToArray()).ToArray());
        string child = await RunChildAsync(root, queryFile);
        File.Delete(queryFile);

        // Saves go in after the searches, so that their records never stand in a search's way.
        var (saveMs, perSave) = await MeasureSavesAsync(root, dimensions);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {count:N0} | {dimensions} | {fill.Elapsed.TotalSeconds:0.0} | {compact.Elapsed.TotalSeconds:0.0} | {segments} | {megabytes:0} | {saveMs:0.0} | {perSave} | {child}"));
    }

    /// <summary>Saves one task's memories (4 short-term chunks, 1 long-term record, 3 entities) into the filled store, 20 times.</summary>
    static async Task<(double Median, string PerSave)> MeasureSavesAsync(string root, int dimensions)
    {
        var counting = new CountingBlobStore(new LocalBlobStore(root));
        var store = MemoryStore.Create(counting);
        var random = new Random(5);
        float[] Vector() => Normalize(Enumerable.Range(0, dimensions).Select(_ => random.NextSingle() - 0.5f).ToArray());
        var times = new List<double>();
        const int Saves = 20;
        for (int save = 0; save < Saves; save++)
        {
            string run = $"bench-run-{save:00}";
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(
                store.SaveAsync(MemoryScope.ShortTerm(run), Enumerable.Range(0, 4).Select(i => Record(-1, Vector(), $"{run}/01/{i}", MemoryKind.ShortTerm)).ToList()),
                store.SaveAsync(MemoryScope.LongTerm(Crew), [Record(-1, Vector(), $"{run}/01", MemoryKind.LongTerm)]),
                store.SaveAsync(MemoryScope.Entities(Crew), Enumerable.Range(0, 3).Select(i => Record(-1, Vector(), $"entity-{save}-{i}", MemoryKind.Entity)).ToList()));
            watch.Stop();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        var (reads, writes, lists) = counting.Counts;
        return (BenchApp.Median(times), string.Create(CultureInfo.InvariantCulture, $"{writes / (double)Saves:0.#}/{lists / (double)Saves:0.#}/{reads / (double)Saves:0.#}"));
    }

    /// <summary>The search side, in a process of its own: prints the rest of the table's row.</summary>
    public static async Task<int> SearchChildAsync(string[] args)
    {
        string root = args[0];
        var (queries, expected) = ReadQueries(args[1]);
        var store = MemoryStore.Create(new LocalBlobStore(root));
        var scope = MemoryScope.LongTerm(Crew);

        var cold = Stopwatch.StartNew();
        await store.SearchAsync(scope, queries[0], 5);
        cold.Stop();

        var times = new List<double>();
        double recall = 0;
        for (int q = 0; q < queries.Length; q++)
        {
            var watch = Stopwatch.StartNew();
            var found = await store.SearchAsync(scope, queries[q], 5);
            watch.Stop();
            times.Add(watch.Elapsed.TotalMilliseconds);
            var ids = found.Select(m => int.Parse(m.Memory.Id.AsSpan(1), CultureInfo.InvariantCulture)).ToHashSet();
            recall += expected[q].Count(ids.Contains) / 5.0;
        }

        GC.Collect();
        double workingSet = Process.GetCurrentProcess().WorkingSet64 / 1048576.0;
        var sorted = times.Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{cold.Elapsed.TotalMilliseconds:0} | {BenchApp.Median(times):0.0} | {sorted[(int)(sorted.Count * 0.9)]:0.0} | {recall / queries.Length:0.000} | {workingSet:0} |"));
        return 0;
    }

    static async Task<string> RunChildAsync(string root, string queryFile)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "DurableCrews.Bench.dll"), ChildCommand, root, queryFile })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        string output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        return output.Trim();
    }

    static MemoryRecord Record(int index, float[] vector, string? id = null, MemoryKind kind = MemoryKind.LongTerm) => new()
    {
        Id = id ?? $"m{index}",
        Kind = kind,
        Text = $"memory {index}: what a task found about topic {index % Topics}, in a sentence or two as a long-term record holds it",
        Task = "research",
        Agent = "Researcher",
        RunId = "bench-run",
        CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(index),
        Quality = "120 words",
        Vector = vector,
    };

    static (int, int) Parse(string size)
    {
        var parts = size.Split('x');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 384);
    }

    static float[] Normalize(float[] vector)
    {
        float norm = TensorPrimitives.Norm(vector);
        TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }

    static void WriteQueries(string path, float[][] queries, int[][] expected)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(queries.Length);
        writer.Write(queries[0].Length);
        for (int q = 0; q < queries.Length; q++)
        {
            foreach (float value in queries[q])
            {
                writer.Write(value);
            }

            writer.Write(expected[q].Length);
            foreach (int id in expected[q])
            {
                writer.Write(id);
            }
        }
    }

    static (float[][] Queries, int[][] Expected) ReadQueries(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        int count = reader.ReadInt32();
        int dimensions = reader.ReadInt32();
        var queries = new float[count][];
        var expected = new int[count][];
        for (int q = 0; q < count; q++)
        {
            queries[q] = Enumerable.Range(0, dimensions).Select(_ => reader.ReadSingle()).ToArray();
            expected[q] = Enumerable.Range(0, reader.ReadInt32()).Select(_ => reader.ReadInt32()).ToArray();
        }

        return (queries, expected);
    }

    /// <summary>Unit vectors around 1,000 topic centres, each made again from its index alone (no need to hold them).</summary>
    sealed class ClusteredVectors(int count, int dimensions)
    {
        readonly float[][] centres = Enumerable.Range(0, Topics).Select(t => Gaussian(new Random(t), dimensions)).Select(Normalize).ToArray();

        public float[] Vector(int index)
        {
            float[] noise = Normalize(Gaussian(new Random(1_000_003 + index), dimensions));
            float[] vector = new float[dimensions];
            TensorPrimitives.Multiply(noise, 0.6f, noise);
            TensorPrimitives.MultiplyAdd(centres[index % Topics], 0.8f, noise, vector);
            return Normalize(vector);
        }

        public float[][] Queries(int queries)
        {
            var random = new Random(42);
            return Enumerable.Range(0, queries).Select(q =>
            {
                float[] stored = Vector(random.Next(count));
                float[] noise = Normalize(Gaussian(random, dimensions));
                TensorPrimitives.MultiplyAdd(noise, 0.3f, stored, stored);
                return Normalize(stored);
            }).ToArray();
        }

        static float[] Gaussian(Random random, int dimensions)
        {
            var vector = new float[dimensions];
            for (int i = 0; i < dimensions; i++)
            {
                // Box–Muller, one value per pair of uniforms: enough for directions.
                vector[i] = MathF.Sqrt(-2 * MathF.Log(1 - random.NextSingle())) * MathF.Cos(2 * MathF.PI * random.NextSingle());
            }

            return vector;
        }
    }
}
