using System.Collections.Concurrent;
using System.Globalization;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Marketplace.Domain;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Marketplace.Search;

/// <summary>
/// The embedded search index: one writer per process, near-real-time readers through a SearcherManager refreshed
/// after every applied batch. The change-feed cursor is stored in the commit's user data, so the documents and the
/// position they reflect are committed together: a crash replays from the last commit, and replays are upserts.
/// <para>
/// A full rebuild is written beside the live index (a new generation folder) by several threads and then swapped in
/// at once: searches keep answering from the old generation until the new one is complete. The folder's
/// <c>current</c> file names the live generation (written atomically), so a rebuild by the <c>reindex</c> tool
/// beside a running app is picked up by it (<see cref="FollowSwapsAsync"/>); an index folder from before
/// generations (files at its top) is still opened as it is.
/// </para>
/// </summary>
public sealed class LuceneSearchIndex : ISearchIndex, IDisposable
{
    public const string CursorKey = "feed_cursor";
    /// <summary>
    /// What the documents' doc values mean (packed facet layout, sort keys). An index committed with another value (or
    /// none: built before it existed) is rebuilt beside at start rather than read wrongly.
    /// </summary>
    public const string FormatKey = "format";
    public const string CurrentFormat = "3"; // 2: vendor credit grade in the facet keys, credit_dv; 3: one packed column field

    private static Dictionary<string, string> CommitData(long cursor) =>
        new() { [CursorKey] = cursor.ToString(CultureInfo.InvariantCulture), [FormatKey] = CurrentFormat };
    public const string PointerFile = "current";

    private readonly string? _root;                       // null for an in-memory index
    private readonly Func<LuceneDirectory>? _newMemoryDirectory;
    private Generation _current;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Fields whose matches add to the score on top of the catch-all field every term must match.</summary>
    internal static readonly (string Field, float Boost)[] BoostFields = [("name", 3f), ("category", 1.5f)];

    /// <summary>Index size from which a search spreads its segments over several threads (tests lower it).</summary>
    internal int ParallelFromDocs { get; init; } = ColumnSearch.DefaultParallelFromDocs;

    /// <summary>The live generation's folder name ("" for an index at the top of the folder or in memory).</summary>
    public string GenerationName => _current.Name;

    public LuceneSearchIndex(string path)
    {
        _root = System.IO.Directory.CreateDirectory(path).FullName;
        var name = ReadPointer(_root) ?? "";
        _current = Generation.Open(FSDirectory.Open(Path.Combine(_root, name)), name, OpenMode.CREATE_OR_APPEND);
        DeleteStaleGenerations(_root, name);
    }

    /// <summary>How old a generation folder other than the live one must be before it may be deleted as abandoned.</summary>
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Deletes generation folders left behind (a rebuild that was killed, a retired generation another process still
    /// read when it was due for deletion): those that are not live, are older than <see cref="StaleAfter"/> by their
    /// name, and whose write lock no writer holds (a rebuild in progress, or a process still on an older generation,
    /// holds it). Returns the names deleted.
    /// </summary>
    internal static List<string> DeleteStaleGenerations(string root, string current, DateTime? now = null)
    {
        var deleted = new List<string>();
        var before = (now ?? DateTime.UtcNow) - StaleAfter;
        foreach (var folder in System.IO.Directory.EnumerateDirectories(root, "g-*"))
        {
            var name = Path.GetFileName(folder);
            if (name == current || name.Length < 19 || !DateTime.TryParseExact(name[2..19], "yyyyMMddHHmmssfff", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var made) || made > before)
                continue;
            try
            {
                using (var directory = FSDirectory.Open(folder))
                using (var writeLock = directory.MakeLock(IndexWriter.WRITE_LOCK_NAME))
                {
                    if (!writeLock.Obtain()) continue; // a writer has it open
                }
                System.IO.Directory.Delete(folder, recursive: true);
                deleted.Add(name);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or LockObtainFailedException) { } // next time
        }
        return deleted;
    }

    /// <summary>An index over a given directory; rebuilds go to new in-memory directories.</summary>
    public LuceneSearchIndex(LuceneDirectory directory)
    {
        _newMemoryDirectory = () => new RAMDirectory();
        _current = Generation.Open(directory, "", OpenMode.CREATE_OR_APPEND);
    }

    private static string? ReadPointer(string root)
    {
        var file = Path.Combine(root, PointerFile);
        if (!File.Exists(file)) return null;
        var name = File.ReadAllText(file).Trim();
        return name.Length > 0 && System.IO.Directory.Exists(Path.Combine(root, name)) ? name : null;
    }

    /// <summary>One index generation: its directory, writer and searchers, retired after a swap once no search uses it.</summary>
    private sealed class Generation
    {
        public required string Name { get; init; }
        public required LuceneDirectory Directory { get; init; }
        public required IndexWriter Writer { get; init; }
        public required SearcherManager Searchers { get; init; }
        public int Users;
        public int Retired;
        /// <summary>The feed position searches see: moved only after the searcher is refreshed, never merely committed.</summary>
        public long Cursor;
        /// <summary>Changes applied and visible since the last commit (written to disk by the next due commit).</summary>
        public bool Uncommitted;
        public long LastCommit = Environment.TickCount64;
        private int _disposed;
        public string? DeleteFolderOnDispose;

        /// <param name="bulk">A rebuild's generation: it only takes the parts' segments as they are (see <see cref="Build"/>),
        /// without merging them while the rebuild runs (each segment is searched in parallel anyway; later updates merge as
        /// usual once it is live).</param>
        public static Generation Open(LuceneDirectory directory, string name, OpenMode mode, bool bulk = false)
        {
            var config = WriterConfig(mode, ramBufferMB: 64, threads: Math.Max(2, Environment.ProcessorCount), bulk);
            var writer = new IndexWriter(directory, config);
            return new Generation { Name = name, Directory = directory, Writer = writer, Searchers = new SearcherManager(writer, true, null), Cursor = ReadCursor(writer) };
        }

        public void DisposeOnce()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            Searchers.Dispose();
            Writer.Dispose();
            Directory.Dispose();
            if (DeleteFolderOnDispose is { } folder) DeleteIndexFiles(folder);
        }
    }

    /// <param name="bulk">Plain (non-compound) segment files and no merging: for a rebuild's generation and its parts.</param>
    private static IndexWriterConfig WriterConfig(OpenMode mode, double ramBufferMB, int threads, bool bulk)
    {
        var config = new IndexWriterConfig(ChineseAnalyzer.Version, new ChineseAnalyzer(outputUnigrams: true))
        {
            OpenMode = mode, RAMBufferSizeMB = ramBufferMB, MaxThreadStates = threads, UseCompoundFile = !bulk,
        };
        if (bulk) config.MergePolicy = NoMergePolicy.NO_COMPOUND_FILES;
        return config;
    }

    /// <summary>The live generation, held so that a swap does not dispose it under a running search.</summary>
    private Generation Enter()
    {
        while (true)
        {
            var g = Volatile.Read(ref _current);
            Interlocked.Increment(ref g.Users);
            if (Volatile.Read(ref g.Retired) == 0) return g;
            Leave(g);
        }
    }

    private static void Leave(Generation g)
    {
        if (Interlocked.Decrement(ref g.Users) == 0 && Volatile.Read(ref g.Retired) == 1) g.DisposeOnce();
    }

    /// <summary>Makes <paramref name="next"/> the live generation and disposes the old one once its searches end.</summary>
    private void Swap(Generation next)
    {
        var old = Interlocked.Exchange(ref _current, next);
        if (_root is not null)
        {
            WritePointer(_root, next.Name);
            old.DeleteFolderOnDispose = Path.Combine(_root, old.Name);
        }
        Volatile.Write(ref old.Retired, 1);
        if (Volatile.Read(ref old.Users) == 0) old.DisposeOnce();
        if (_root is not null) DeleteStaleGenerations(_root, next.Name);
    }

    /// <summary>Names the live generation. Atomic on POSIX and Windows: a reader sees the old name or the new one.</summary>
    private static void WritePointer(string root, string name)
    {
        var temp = Path.Combine(root, PointerFile + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        File.WriteAllText(temp, name);
        File.Move(temp, Path.Combine(root, PointerFile), overwrite: true);
    }

    /// <summary>Deletes a retired generation: its folder, or for the top-level (pre-generation) index only its files.</summary>
    private static void DeleteIndexFiles(string folder)
    {
        try
        {
            var top = !Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)).StartsWith("g-", StringComparison.Ordinal);
            if (!top) { System.IO.Directory.Delete(folder, recursive: true); return; }
            foreach (var file in System.IO.Directory.EnumerateFiles(folder))
                if (Path.GetFileName(file) is var f && (f.StartsWith('_') || f.StartsWith("segments", StringComparison.Ordinal) || f == "write.lock"))
                    File.Delete(file);
        }
        catch (IOException) { }           // another process still reading it; the next rebuild tries again
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// A full rebuild beside the live index: add documents from several threads, then <see cref="IIndexBuild.CompleteAsync"/>
    /// commits it with the feed cursor taken before reading and swaps it in. Disposing an incomplete build discards it.
    /// </summary>
    public Task<IIndexBuild> BeginRebuildAsync(CancellationToken ct) =>
        Task.FromResult<IIndexBuild>(_root is null
            ? new Build(this, Generation.Open(_newMemoryDirectory!(), "", OpenMode.CREATE, bulk: true), null, RebuildBufferMB)
            : NewGeneration(_root, this, RebuildBufferMB));

    /// <summary>The default indexing buffer of a rebuild, shared by its parts (one per adding thread).</summary>
    public const int DefaultRebuildBufferMB = 512;

    /// <summary>The indexing buffers a rebuild accepts (MiB).</summary>
    public const int MinRebuildBufferMB = 16, MaxRebuildBufferMB = 16_384;

    /// <summary>
    /// The indexing buffer of this index's own rebuilds, shared by their parts. A smaller one keeps a serving process's
    /// memory lower during a rebuild, at the price of more segments (each part flushes whenever its share fills).
    /// </summary>
    public int RebuildBufferMB { get; init; } = DefaultRebuildBufferMB;

    /// <summary>
    /// A rebuild of the index folder at <paramref name="path"/> without opening its live generation, which a running app
    /// may hold: on completion the new generation is named current, and the app swaps to it within a second.
    /// </summary>
    public static IIndexBuild BeginBuildBeside(string path, int bufferMB = DefaultRebuildBufferMB) =>
        NewGeneration(System.IO.Directory.CreateDirectory(path).FullName, null, bufferMB);

    private static Build NewGeneration(string root, LuceneSearchIndex? owner, int bufferMB)
    {
        var name = $"g-{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid().ToString("N")[..6]}";
        var generation = Generation.Open(FSDirectory.Open(Path.Combine(root, name)), name, OpenMode.CREATE, bulk: true);
        generation.DeleteFolderOnDispose = Path.Combine(root, name);
        return new Build(owner, generation, root, bufferMB);
    }

    private sealed class Build(LuceneSearchIndex? owner, Generation generation, string? root, int bufferMB) : IIndexBuild
    {
        private bool _completed;

        /// <summary>
        /// Each adding thread writes its own part (a writer over its own folder: one in-memory segment, no locks shared
        /// with the other threads), and completion flushes the parts in parallel and adds them to the generation as they
        /// are. One writer with a buffer per thread would flush every buffer in turn on the committing thread at the end,
        /// a tenth of a rebuild spent on one core.
        /// </summary>
        private readonly ConcurrentBag<IndexWriter> _idle = [];
        private readonly List<(LuceneDirectory Directory, IndexWriter Writer)> _parts = [];

        private IndexWriter TakePart()
        {
            if (_idle.TryTake(out var writer)) return writer;
            lock (_parts)
            {
                var directory = root is null ? new RAMDirectory() : (LuceneDirectory)new UnsyncedDirectory(PartFolder(_parts.Count));
                // The buffer is shared over the parts (512 MiB by default: a part of a 1M-product rebuild stays one segment).
                var config = WriterConfig(OpenMode.CREATE, Math.Max(MinRebuildBufferMB, (double)bufferMB / Math.Max(2, Environment.ProcessorCount)), threads: 1, bulk: true);
                writer = new IndexWriter(directory, config);
                _parts.Add((directory, writer));
                return writer;
            }
        }

        private string PartFolder(int i) => Path.Combine(root!, generation.Name, "parts", i.ToString(CultureInfo.InvariantCulture));

        /// <summary>Thread-safe: the writer analyses documents on the calling thread, so callers add from several.</summary>
        public Task AddAsync(IReadOnlyCollection<ProductDocument> documents, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            var writer = TakePart();
            try { writer.AddDocuments(documents.Select(ToLucene)); }
            finally { _idle.Add(writer); }
            return Task.CompletedTask;
        }

        public async Task CompleteAsync(long feedCursor, CancellationToken ct)
        {
            // Every part flushes its buffer on its own core; the generation then takes their segments without merging.
            Parallel.ForEach(_parts, part =>
            {
                part.Writer.Commit();
                part.Writer.Dispose(); // AddIndexes takes each part's write lock
            });
            generation.Writer.AddIndexes(_parts.Select(p => p.Directory).ToArray());
            DisposeParts();
            generation.Writer.SetCommitData(CommitData(feedCursor));
            generation.Writer.Commit();
            if (owner is null)
            {
                // Built for another process: close it, then name it current for whoever opens or follows the folder.
                generation.DeleteFolderOnDispose = null;
                generation.DisposeOnce();
                WritePointer(root!, generation.Name);
                _completed = true;
                return;
            }
            // The bulk writer (no merges, a large buffer) is closed; the live index gets a writer with the usual settings.
            generation.Searchers.Dispose();
            generation.Writer.Dispose();
            var live = Generation.Open(generation.Directory, generation.Name, OpenMode.APPEND);
            _completed = true;
            // Searches on the new generation read its columns first; do that now rather than in a visitor's request.
            var searcher = live.Searchers.Acquire();
            try { foreach (var leaf in searcher.IndexReader.Leaves) SegmentColumns.For(leaf.AtomicReader); }
            finally { live.Searchers.Release(searcher); }
            await owner._writeLock.WaitAsync(CancellationToken.None); // the build is done: swap it in rather than lose it
            try
            {
                owner.Swap(live);
            }
            finally
            {
                owner._writeLock.Release();
            }
        }

        private void DisposeParts()
        {
            foreach (var (directory, writer) in _parts)
            {
                writer.Dispose();
                directory.Dispose();
            }
            _parts.Clear();
            if (root is not null && System.IO.Directory.Exists(Path.Combine(root, generation.Name, "parts")))
                System.IO.Directory.Delete(Path.Combine(root, generation.Name, "parts"), recursive: true);
        }

        public void Dispose()
        {
            if (_completed) return;
            DisposeParts();
            generation.DisposeOnce();
        }
    }

    /// <summary>
    /// A rebuild part's folder: its files are copied into the generation, which is what gets synced to disk, so the
    /// part's own commit need not wait for the disk.
    /// </summary>
    private sealed class UnsyncedDirectory(string path) : MMapDirectory(new DirectoryInfo(path))
    {
        public override void Sync(ICollection<string> names) { }
    }

    /// <summary>
    /// Opens a generation another process (the reindex tool) has built and named in the pointer file, and swaps it in.
    /// Returns true when it did. Call it now and then (the search worker does, every second).
    /// </summary>
    public async Task<bool> FollowSwapsAsync(CancellationToken ct)
    {
        if (_root is null || ReadPointer(_root) is not { } name || name == _current.Name) return false;
        await _writeLock.WaitAsync(ct);
        try
        {
            if (name == _current.Name) return false;
            var next = Generation.Open(FSDirectory.Open(Path.Combine(_root, name)), name, OpenMode.APPEND);
            Swap(next);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task ApplyAsync(IReadOnlyCollection<ProductDocument> upserts, IReadOnlyCollection<int> deletes, long feedCursor, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            var g = _current;
            foreach (var id in deletes) g.Writer.DeleteDocuments(new Term("id", Key(id)));
            foreach (var doc in upserts) g.Writer.UpdateDocument(new Term("id", Key(doc.Id)), ToLucene(doc));
            var current = ReadCursor(g);
            var cursor = Math.Max(current, feedCursor);
            g.Writer.SetCommitData(CommitData(cursor));
            // Visible at once (a near-real-time reader over the writer), durable at the next due commit: a commit per
            // round fsyncs new segment files every second under a stream of stock changes. The committed cursor
            // never runs ahead of the committed documents, so a crash only replays changes.
            g.Uncommitted = true;
            CommitIfDue(g, force: false);
            g.Searchers.MaybeRefreshBlocking();
            Volatile.Write(ref g.Cursor, cursor); // only now do searches see what the cursor says
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>How long applied changes may stay visible but not yet on disk (a crash replays them from the feed).</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(10);

    private void CommitIfDue(Generation g, bool force)
    {
        if (!g.Uncommitted || !force && Environment.TickCount64 - g.LastCommit < (long)CommitInterval.TotalMilliseconds) return;
        g.Writer.Commit();
        g.Uncommitted = false;
        g.LastCommit = Environment.TickCount64;
    }

    public async Task FlushAsync(bool force, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            CommitIfDue(_current, force);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The last change-feed position that searches already see (committed and refreshed).</summary>
    public Task<long> GetFeedCursorAsync(CancellationToken ct) => Task.FromResult(Volatile.Read(ref Volatile.Read(ref _current).Cursor));

    private static long ReadCursor(Generation g) => ReadCursor(g.Writer);

    private static long ReadCursor(IndexWriter writer) =>
        writer.CommitData is { } data && data.TryGetValue(CursorKey, out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var v) ? v : 0;

    /// <summary>Whether the live index was written in this version's format (an empty one always is).</summary>
    public Task<bool> HasCurrentFormatAsync(CancellationToken ct)
    {
        var g = Enter();
        try
        {
            var data = g.Writer.CommitData;
            var format = data is not null && data.TryGetValue(FormatKey, out var f) ? f : null;
            return Task.FromResult(format == CurrentFormat || g.Writer.NumDocs == 0);
        }
        finally
        {
            Leave(g);
        }
    }

    public async Task ClearAsync(CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            var g = _current;
            g.Writer.DeleteAll();
            g.Writer.SetCommitData(CommitData(0));
            g.Writer.Commit();
            g.Uncommitted = false;
            g.Searchers.MaybeRefreshBlocking();
            Volatile.Write(ref g.Cursor, 0);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<long> CountAsync(CancellationToken ct)
    {
        var g = Enter();
        try
        {
            var searcher = g.Searchers.Acquire();
            try { return Task.FromResult((long)searcher.IndexReader.NumDocs); }
            finally { g.Searchers.Release(searcher); }
        }
        finally
        {
            Leave(g);
        }
    }

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Text is indexed for matching and scoring only: documents and frequencies, no positions (no phrase queries).</summary>
    private static readonly FieldType Text = new(TextField.TYPE_NOT_STORED) { IndexOptions = IndexOptions.DOCS_AND_FREQS };

    static LuceneSearchIndex() => Text.Freeze();

    /// <summary>
    /// A product as the index keeps it: the id term (for updates and deletes), three text fields, and one binary doc
    /// value that searches read into <see cref="SegmentColumns"/> (<see cref="PackedColumns"/>: id, packed facet keys,
    /// the sort keys). Filters are tested against the packed facet keys, so no per-facet terms are indexed.
    /// </summary>
    internal static Document ToLucene(ProductDocument d) =>
    [
        new StringField("id", Key(d.Id), Field.Store.NO),
        new Field("name", d.Name, Text),
        new Field("category", d.CategoryName, Text),
        // Matching uses one catch-all field: one posting list per term instead of a disjunction over six.
        new Field("all", string.Join(' ', d.Name, d.CategoryName, d.VendorName, d.ProvinceName, d.CountyName,
            string.Join(' ', CertificationFlags.Where(c => d.Certifications.HasFlag(c)).Select(CertificationLabel)), d.Description), Text),
        new BinaryDocValuesField(PackedColumns.Field, new BytesRef(PackedColumns.Pack(d.Id,
            FacetKeys.Pack(d.CountyId, d.CategoryId, d.Certifications, d.PriceFen, d.VendorGrade), d.PriceFen, d.ListedAt.Ticks, d.SalesCount))),
    ];

    public static readonly Certification[] CertificationFlags =
        [Certification.Green, Certification.Organic, Certification.GeographicalIndication, Certification.QualifiedCertificate];

    public static string CertificationLabel(Certification c) => c switch
    {
        Certification.Green => "绿色食品",
        Certification.Organic => "有机产品",
        Certification.GeographicalIndication => "地理标志",
        _ => "承诺达标合格证",
    };

    public Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct)
    {
        var terms = ChineseAnalyzer.QueryTerms(request.Query);
        var size = Math.Clamp(request.PageSize, 1, 100);
        var after = Cursor.Decode(request.After, request.Sort);
        var page = after is null ? Math.Clamp(request.Page, 1, SearchRequest.MaxPage) : 1;

        var g = Enter();
        var searcher = g.Searchers.Acquire();
        try
        {
            var outcome = new ColumnSearch(searcher, request, terms, page * size, after, ParallelFromDocs).Run();
            var top = outcome.Top.Sorted();
            var skip = (page - 1) * size;
            var hits = new List<SearchHit>(Math.Max(0, Math.Min(size, top.Length - skip)));
            for (var i = skip; i < top.Length && hits.Count < size; i++)
                hits.Add(new SearchHit(top[i].Id, request.Sort == SearchSort.Relevance ? NumericUtils.SortableInt32ToSingle((int)top[i].Key) : 0));
            var consumed = (long)skip + hits.Count;
            var hasMore = after is null ? outcome.Total > consumed : hits.Count == size && top.Length == size;
            var next = hasMore && hits.Count > 0 ? Cursor.Encode(request.Sort, top[skip + hits.Count - 1]) : null;
            return Task.FromResult(new SearchResult(outcome.Total, hits, ColumnSearch.Facets(outcome), next, terms));
        }
        finally
        {
            g.Searchers.Release(searcher);
            Leave(g);
        }
    }

    public void Dispose()
    {
        var g = Volatile.Read(ref _current);
        Volatile.Write(ref g.Retired, 1);
        g.DisposeOnce();
        _writeLock.Dispose();
    }
}
