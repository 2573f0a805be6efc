package dev.hcsim.arch.arm64;

import com.google.common.collect.ImmutableRangeMap;
import com.google.common.collect.Range;
import java.util.Map;

/** The SMCCC filter in a snapshot: a flat list of (first ID, last ID, action) triples, in ID order. */
final class Arm64Snapshots {
    private Arm64Snapshots() {
    }

    static long[] filter(SmcccFilter f) {
        Map<Range<Long>, Integer> m = f.ranges().asMapOfRanges();
        long[] out = new long[3 * m.size()];
        int i = 0;
        for (Map.Entry<Range<Long>, Integer> e : m.entrySet()) {
            out[i++] = e.getKey().lowerEndpoint();
            out[i++] = e.getKey().upperEndpoint();
            out[i++] = e.getValue();
        }
        return out;
    }

    static SmcccFilter filter(long[] triples) {
        if (triples.length % 3 != 0) {
            throw new IllegalArgumentException("snapshot field 'smcccFilter' must hold (first, last, action) triples, got " + triples.length
                    + " numbers");
        }
        ImmutableRangeMap.Builder<Long, Integer> b = ImmutableRangeMap.builder();
        for (int i = 0; i < triples.length; i += 3) {
            long first = triples[i];
            long last = triples[i + 1];
            long action = triples[i + 2];
            if (first < 0 || last > 0xFFFF_FFFFL || last < first || action < 0 || action >= SmcccFilter.NR_ACTIONS) {
                throw new IllegalArgumentException("snapshot SMCCC filter range " + first + ".." + last + " action " + action + " is not valid");
            }
            b.put(Range.closed(first, last), (int) action);
        }
        try {
            return SmcccFilter.of(b.build());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("snapshot SMCCC filter ranges overlap: " + e.getMessage());
        }
    }
}
