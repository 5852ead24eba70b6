using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Marketplace.Search;
using Directory = System.IO.Directory;

namespace Marketplace.Integration.Tests;

/// <summary>
/// <see cref="BlockPostings"/> decodes Lucene's postings files itself. Every term of every field of a real index
/// (terms in one document, in fewer than a block, in exactly one and two blocks, in many blocks with a partial tail;
/// frequencies of one and more; a field without frequencies) must read back exactly what Lucene's own enumerator
/// gives, in memory and on disk (memory-mapped, as the app opens it).
/// </summary>
public sealed class BlockPostingsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "blockpostings-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static readonly int[] DocFreqs = [1, 2, 3, 127, 128, 129, 255, 256, 257, 1_000, 2_999];

    private static void Build(Lucene.Net.Store.Directory directory)
    {
        var random = new Random(41);
        var docs = Enumerable.Range(0, 3_000).Select(_ => new List<string>()).ToArray();
        foreach (var df in DocFreqs)
            foreach (var d in Enumerable.Range(0, docs.Length).OrderBy(_ => random.Next()).Take(df))
            {
                // Mostly frequency 1 (coded with the doc delta), sometimes more, once in a while a long run.
                var freq = random.Next(10) switch { < 6 => 1, < 9 => random.Next(2, 5), _ => random.Next(5, 70) };
                docs[d].AddRange(Enumerable.Repeat("t" + df, freq));
            }
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, new WhitespaceAnalyzer(LuceneVersion.LUCENE_48))
        {
            MaxBufferedDocs = 1_200, // three segments
            MergePolicy = NoMergePolicy.COMPOUND_FILES,
        };
        using var writer = new IndexWriter(directory, config);
        for (var i = 0; i < docs.Length; i++)
        {
            writer.AddDocument(
            [
                new TextField("body", string.Join(' ', docs[i]) + " every", Field.Store.NO),
                new StringField("key", "k" + (i % 300), Field.Store.NO), // documents only, no frequencies
            ]);
        }
        writer.DeleteDocuments(new Term("key", "k7")); // deletions do not change the postings themselves
        writer.Commit();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_term_reads_back_as_Lucene_reads_it(bool onDisk)
    {
        using Lucene.Net.Store.Directory directory = onDisk ? new MMapDirectory(new DirectoryInfo(_folder)) : new RAMDirectory();
        Build(directory);
        using var reader = DirectoryReader.Open(directory);
        Assert.True(reader.Leaves.Count >= 2);
        var terms = 0;
        var postings = 0L;
        foreach (var leaf in reader.Leaves)
        {
            var segment = leaf.AtomicReader;
            var cols = SegmentColumns.For(segment);
            foreach (var field in new[] { "body", "key" })
            {
                var e = segment.GetTerms(field).GetEnumerator();
                while (e.MoveNext())
                {
                    var term = e.Term;
                    var expected = e.Docs(null, null, DocsFlags.FREQS);
                    var blocks = BlockPostings.Open(segment, cols, field, BytesRef.DeepCopyOf(term), needFreq: true, out var absent);
                    Assert.False(absent);
                    Assert.NotNull(blocks); // the block reader must understand every term, not fall back
                    Assert.Equal(e.DocFreq, blocks.DocFreq);
                    var read = 0;
                    while (blocks.NextBlock())
                    {
                        for (var i = 0; i < blocks.Count; i++)
                        {
                            Assert.Equal(expected.NextDoc(), blocks.Docs[i]);
                            Assert.Equal(expected.Freq, blocks.Freqs[i]);
                        }
                        read += blocks.Count;
                    }
                    Assert.Equal(DocIdSetIterator.NO_MORE_DOCS, expected.NextDoc());
                    Assert.Equal(e.DocFreq, read);
                    Assert.True(blocks.Exhausted);
                    terms++;
                    postings += read;
                }
            }
        }
        Assert.True(terms > 300, $"{terms} terms");
        Assert.True(postings > 10_000, $"{postings} postings");
    }

    [Fact]
    public void A_term_missing_from_a_segment_is_reported_absent()
    {
        using var directory = new RAMDirectory();
        Build(directory);
        using var reader = DirectoryReader.Open(directory);
        var segment = reader.Leaves[0].AtomicReader;
        Assert.Null(BlockPostings.Open(segment, SegmentColumns.For(segment), "body", new BytesRef("nowhere"), needFreq: true, out var absent));
        Assert.True(absent);
        Assert.Null(BlockPostings.Open(segment, SegmentColumns.For(segment), "nofield", new BytesRef("t1"), needFreq: true, out absent));
        Assert.True(absent);
    }

    [Fact]
    public void Without_frequencies_the_frequency_blocks_are_skipped_and_the_documents_still_match()
    {
        using var directory = new RAMDirectory();
        Build(directory);
        using var reader = DirectoryReader.Open(directory);
        foreach (var leaf in reader.Leaves)
        {
            var segment = leaf.AtomicReader;
            var blocks = BlockPostings.Open(segment, SegmentColumns.For(segment), "body", new BytesRef("every"), needFreq: false, out _);
            Assert.NotNull(blocks);
            var e = segment.GetTerms("body").GetEnumerator();
            Assert.True(e.SeekExact(new BytesRef("every")));
            var expected = e.Docs(null, null, DocsFlags.NONE); // deleted documents included, as the blocks hold them
            var docs = new List<int>();
            while (blocks.NextBlock()) docs.AddRange(blocks.Docs.Take(blocks.Count));
            var lucene = new List<int>();
            for (var d = expected.NextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = expected.NextDoc()) lucene.Add(d);
            Assert.Equal(lucene, docs);
            Assert.Equal(segment.MaxDoc, docs.Count); // every document has "every", deleted ones included
        }
    }
}
