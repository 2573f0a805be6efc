package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * The default {@link GuestMemory}: a set of owned regions backed by 4 KiB pages allocated on first
 * write. Reads of owned but never-written bytes return zero. A VM that touches a few pages at high
 * addresses costs a few pages. Not thread-safe: confine it to the thread that runs its VM.
 */
@API(status = STABLE, since = "1.0")
public final class SparseMemory implements GuestMemory {
    /** log2 of the page size. */
    public static final int PAGE_SHIFT = 12;
    /** The page size, 4 KiB: memory is allocated a page at a time on first write. */
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    private static final long PAGE_MASK = PAGE_SIZE - 1;

    private final MemoryRegion[] regions;
    private final Map<Long, byte[]> pages = new HashMap<>();
    private long lastPageNumber = -1;
    private byte[] lastPage;
    private long lastRegionBase = 1;
    private long lastRegionEnd = 0;
    private long writeGeneration;
    private final Set<Long> codePages = new HashSet<>();
    private boolean lastPageIsCode;
    // A direct-mapped cache of page lookups in front of the map, absent pages included: a handler or
    // an interpreter that moves between a few pages (code, lowcore, a data structure) neither hashes
    // nor boxes a page number.
    private static final int PAGE_CACHE = 64;
    private final long[] cachedNumber = new long[PAGE_CACHE];
    private final byte[][] cachedPage = new byte[PAGE_CACHE][];
    private final boolean[] cachedCode = new boolean[PAGE_CACHE];
    private long codeGeneration;

    /**
     * Guest memory owning {@code regions}, all zero.
     * @param regions the owned regions, in any order
     * @throws IllegalArgumentException naming the two regions when two overlap
     */
    public SparseMemory(List<MemoryRegion> regions) {
        List<MemoryRegion> sorted = new ArrayList<>(regions);
        sorted.sort((a, b) -> Long.compareUnsigned(a.base(), b.base()));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i - 1).overlaps(sorted.get(i))) {
                throw new IllegalArgumentException("memory regions overlap: " + describe(sorted.get(i - 1)) + " and " + describe(sorted.get(i)));
            }
        }
        this.regions = sorted.toArray(new MemoryRegion[0]);
        java.util.Arrays.fill(cachedNumber, -1);
    }

    private static String describe(MemoryRegion r) {
        return String.format(Locale.ROOT, "0x%x+0x%x", r.base(), r.size());
    }

    /**
     * The owned regions, sorted by base.
     * @return an unmodifiable list
     */
    public List<MemoryRegion> regions() {
        return List.of(regions);
    }

    /**
     * True when every byte of {@code [gpa, gpa+len)} is owned (a range may span adjacent regions).
     * @param gpa the first guest physical address
     * @param len the length in bytes
     * @return whether the whole range is guest memory
     */
    public boolean owns(long gpa, long len) {
        if (len <= 0) {
            return len == 0;
        }
        long at = gpa;
        long left = len;
        while (left > 0) {
            MemoryRegion r = regionOf(at);
            if (r == null) {
                return false;
            }
            long inRegion = r.end() - at;
            if (inRegion >= left) {
                return true;
            }
            at += inRegion;
            left -= inRegion;
        }
        return true;
    }

    private MemoryRegion regionOf(long gpa) {
        if (gpa < 0) {
            return null;
        }
        for (MemoryRegion r : regions) {
            if (gpa >= r.base() && gpa < r.end()) {
                lastRegionBase = r.base();
                lastRegionEnd = r.end();
                return r;
            }
        }
        return null;
    }

    /**
     * Number of 4 KiB pages that hold data.
     * @return the pages allocated by writes so far
     */
    public int residentPages() {
        return pages.size();
    }

    /**
     * A counter that changes on every successful write; decoded-instruction caches compare it to
     * notice self-modifying code (hypercall patching).
     * @return the current write generation
     */
    public long writeGeneration() {
        return writeGeneration;
    }

    /**
     * True when {@code [gpa, gpa+len)} lies in the page and the region touched last, so that the
     * access needs no region search and no page lookup (instruction fetches and the typed accesses of
     * a handler mostly hit the same page). Written so that no sum can overflow.
     */
    private boolean inLastPage(long gpa, int len) {
        int at = (int) (gpa & PAGE_MASK);
        return gpa >>> PAGE_SHIFT == lastPageNumber && len >= 0 && len <= PAGE_SIZE - at && gpa >= lastRegionBase
                && len <= lastRegionEnd - gpa;
    }

    /**
     * Marks the page of {@code gpa} as holding code that a decoded-instruction cache keeps: from now
     * on a write to it changes {@link #codeGeneration()}. Writes to other pages (the guest's data)
     * leave that cache alone.
     * @param gpa any guest physical address in the page
     */
    public void watchCode(long gpa) {
        long number = gpa >>> PAGE_SHIFT;
        if (codePages.add(number)) {
            int i = (int) number & (PAGE_CACHE - 1);
            if (cachedNumber[i] == number) {
                cachedCode[i] = true;
            }
            if (number == lastPageNumber) {
                lastPageIsCode = true;
            }
        }
    }

    /**
     * A counter that changes on every successful write to a page marked with {@link #watchCode}:
     * self-modifying code (hypercall patching) invalidates decoded instructions, stores to data do not.
     * @return the current code generation
     */
    public long codeGeneration() {
        return codeGeneration;
    }

    @Override
    public boolean read(long gpa, byte[] dst, int off, int len) {
        if (inLastPage(gpa, len) && off >= 0 && len <= dst.length - off) {
            int at = (int) (gpa & PAGE_MASK);
            if (len <= 16) { // instruction fetches and typed accesses: a loop beats the arraycopy call
                byte[] page = lastPage;
                for (int k = 0; k < len; k++) {
                    dst[off + k] = page[at + k];
                }
            } else {
                System.arraycopy(lastPage, at, dst, off, len);
            }
            return true;
        }
        if (len < 0 || off < 0 || len > dst.length - off || !owns(gpa, len)) { // no off + len: it can overflow
            return false;
        }
        long at = gpa;
        int done = 0;
        while (done < len) {
            int inPage = (int) Math.min(len - done, PAGE_SIZE - (at & PAGE_MASK));
            byte[] page = page(at >>> PAGE_SHIFT, false);
            if (page == null) {
                java.util.Arrays.fill(dst, off + done, off + done + inPage, (byte) 0);
            } else {
                System.arraycopy(page, (int) (at & PAGE_MASK), dst, off + done, inPage);
            }
            done += inPage;
            at += inPage;
        }
        return true;
    }

    @Override
    public boolean write(long gpa, byte[] src, int off, int len) {
        if (inLastPage(gpa, len) && off >= 0 && len <= src.length - off) {
            System.arraycopy(src, off, lastPage, (int) (gpa & PAGE_MASK), len);
            writeGeneration++;
            if (lastPageIsCode) {
                codeGeneration++;
            }
            return true;
        }
        if (len < 0 || off < 0 || len > src.length - off || !owns(gpa, len)) {
            return false;
        }
        long at = gpa;
        int done = 0;
        while (done < len) {
            int inPage = (int) Math.min(len - done, PAGE_SIZE - (at & PAGE_MASK));
            byte[] page = page(at >>> PAGE_SHIFT, true);
            System.arraycopy(src, off + done, page, (int) (at & PAGE_MASK), inPage);
            if (lastPageIsCode) {
                codeGeneration++;
            }
            done += inPage;
            at += inPage;
        }
        writeGeneration++;
        return true;
    }

    private byte[] page(long number, boolean create) {
        if (number == lastPageNumber) {
            return lastPage;
        }
        int i = (int) number & (PAGE_CACHE - 1);
        if (cachedNumber[i] != number) {
            cachedNumber[i] = number;
            cachedPage[i] = pages.get(number);
            cachedCode[i] = codePages.contains(number);
        }
        byte[] p = cachedPage[i];
        if (p == null) {
            if (!create) {
                return null;
            }
            p = new byte[PAGE_SIZE];
            pages.put(number, p);
            cachedPage[i] = p;
        }
        lastPageNumber = number;
        lastPage = p;
        lastPageIsCode = cachedCode[i];
        return p;
    }

    /**
     * The written pages in address order (page number to contents); for snapshots and isolation checks.
     * @return a new map of copies of the pages
     */
    public TreeMap<Long, byte[]> snapshotPages() {
        TreeMap<Long, byte[]> copy = new TreeMap<>();
        pages.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }
}
