package dev.hcsim.core.sched;

import dev.hcsim.core.spi.TrapSite;

/**
 * The standalone machine's call sites: one {@link TrapSite} per trap instruction address, in a direct-mapped table
 * (a site that loses its slot to another address is simply made again). A site checks by itself that guest memory
 * still holds its bytes, so the table needs no invalidation.
 */
final class TrapSites {
    private static final int SIZE = 256;
    private final long[] tags = new long[SIZE];
    private final TrapSite[] sites = new TrapSite[SIZE];
    private final int maxLength;

    TrapSites(int maxLength) {
        this.maxLength = maxLength;
    }

    /** The site of the trap instruction at {@code pc}. */
    TrapSite at(long pc) {
        int i = (int) (pc ^ (pc >>> 8) ^ (pc >>> 16)) & (SIZE - 1);
        TrapSite s = sites[i];
        if (s == null || tags[i] != pc) {
            s = new TrapSite(maxLength);
            sites[i] = s;
            tags[i] = pc;
        }
        return s;
    }
}
