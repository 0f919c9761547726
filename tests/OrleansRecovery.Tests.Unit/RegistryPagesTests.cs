using OrleansRecovery.Registry;

namespace OrleansRecovery.Tests.Unit;

/// <summary>The registry shard's slot bookkeeping: dense allocation, reuse of freed slots, dirty pages, reloads and trimming.</summary>
public sealed class RegistryPagesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static RegistryEntry Entry(string id, int seconds = 0) =>
        new(id, TransactionMode.Recovering, T0, "why", 0, null, T0.AddSeconds(seconds));

    [Fact]
    public void Put_FillsPagesInOrder_AndMarksOnlyTheChangedPageDirty()
    {
        var pages = new RegistryPages(slotsPerPage: 4);
        var written = Enumerable.Range(0, 9).Select(i => pages.Put(Entry($"t{i}"))).ToList();

        Assert.Equal([0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L, 2L], written);
        Assert.Equal(3, pages.PageCount);
        Assert.Equal([0L, 1L, 2L], pages.DirtyPages);
        foreach (var page in pages.DirtyPages)
        {
            pages.MarkStored(page, pages.Snapshot(page));
        }

        Assert.Empty(pages.DirtyPages);
        Assert.Equal(1L, pages.Put(Entry("t5", 1))); // an update stays in its slot
        Assert.Equal([1L], pages.DirtyPages);
    }

    [Fact]
    public void FreedSlots_AreReusedLowestFirst_AndTrailingEmptyPagesAreTrimmed()
    {
        var pages = new RegistryPages(slotsPerPage: 2);
        for (var i = 0; i < 6; i++)
        {
            pages.Put(Entry($"t{i}"));
        }

        Assert.Equal(0L, pages.Remove("t1"));
        Assert.Equal(2L, pages.Remove("t4"));
        Assert.Equal(2L, pages.Remove("t5"));
        Assert.Null(pages.Remove("missing"));
        Assert.Equal(0L, pages.Put(Entry("new")));   // the lowest free slot
        Assert.Equal(3, pages.PageCount);

        // Page 2 is empty but not yet stored so: not trimmed until it is.
        Assert.Equal(3, pages.TrimTrailing());
        pages.MarkStored(2, pages.Snapshot(2));
        Assert.Equal(2, pages.TrimTrailing());
        Assert.Equal(2L, pages.Put(Entry("another"))); // pages 0 and 1 are full: a new page 2
        Assert.Equal(5, pages.Count);
    }

    [Fact]
    public void Snapshot_TrimsTrailingEmptySlots_AndMarkStoredIgnoresAStaleSnapshot()
    {
        var pages = new RegistryPages(slotsPerPage: 4);
        pages.Put(Entry("a"));
        pages.Put(Entry("b"));
        var snapshot = pages.Snapshot(0);
        Assert.Equal(2, snapshot.Length);

        pages.Put(Entry("c")); // changed while the snapshot was being written
        pages.MarkStored(0, snapshot);
        Assert.Equal([0L], pages.DirtyPages);
    }

    [Fact]
    public void Replace_ChangesMemoryOnly()
    {
        var pages = new RegistryPages(slotsPerPage: 4);
        pages.Put(Entry("a"));
        pages.MarkStored(0, pages.Snapshot(0));

        Assert.True(pages.Replace(Entry("a") with { PendingCount = 7 }));
        Assert.False(pages.Replace(Entry("b")));
        Assert.Empty(pages.DirtyPages);
        Assert.Equal(7, pages.Get("a")!.PendingCount);
    }

    [Fact]
    public void LoadPage_BringsBackStoredTruth_AndResolvesDuplicatesByReportTime()
    {
        var pages = new RegistryPages(slotsPerPage: 2);
        pages.LoadPage(0, [Entry("a", 1), Entry("b", 1)]);
        pages.LoadPage(1, [null, Entry("c", 1)]);
        Assert.Empty(pages.DirtyPages);
        Assert.Equal(3, pages.Count);
        Assert.Equal(1L, pages.Put(Entry("d"))); // the free slot of page 1

        // A failed write of page 1 is undone by reloading it: "d" is gone, "c" is back.
        Assert.Empty(pages.LoadPage(1, [null, Entry("c", 1)]));
        Assert.Null(pages.Get("d"));

        // Page 2 also stores "a", newer: it wins and page 0 must be stored without it.
        Assert.Equal([0L], pages.LoadPage(2, [Entry("a", 5)]));
        Assert.Equal(2L, pages.PageOf("a"));
        Assert.Equal(5, (pages.Get("a")!.UpdatedAt - T0).TotalSeconds);

        // An older copy found later loses, and its own page is dirty.
        Assert.Equal([3L], pages.LoadPage(3, [Entry("b", 0)]));
        Assert.Equal(0L, pages.PageOf("b"));
        Assert.Equal(3, pages.Count);
    }
}
