package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import com.google.common.collect.Range;
import com.google.common.collect.RangeMap;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The SMCCC filter as the kernel keeps it: arch/arm64/kvm/hypercalls.c kvm_smccc_set_filter inserts
 * each range with mtree_insert_range (-EEXIST on overlap) after kvm_smccc_filter_insert_reserved;
 * kvm_smccc_filter_get_action answers HANDLE outside every range. The maple tree has no range limit.
 */
class SmcccFilterTest {
    @Test
    @DisplayName("hypercalls.c kvm_smccc_set_filter: no fixed limit; 1000 single-ID ranges are all kept (hcsim stopped at 64)")
    void noLimit() {
        Harness h = Harness.of(1);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, h.arm().setSmcccFilter(0x8600_0000L + 2L * i, 1, i % 2 == 0 ? SmcccFilter.DENY : SmcccFilter.FWD_TO_USER, 0), "range " + i);
        }
        SmcccFilter f = h.arm().smcccFilter();
        assertEquals(1002, f.ranges().asMapOfRanges().size()); // the two reserved architecture ranges with them
        for (int i = 0; i < 1000; i++) {
            assertEquals(i % 2 == 0 ? SmcccFilter.DENY : SmcccFilter.FWD_TO_USER, f.action(0x8600_0000L + 2L * i));
            assertEquals(SmcccFilter.HANDLE, f.action(0x8600_0000L + 2L * i + 1));
        }
    }

    @Test
    @DisplayName("kvm_smccc_filter_insert_reserved: the first range brings 0x80000000-0x8000ffff and 0xc0000000-0xc000ffff as HANDLE")
    void reservedWithFirstRange() {
        assertFalse(SmcccFilter.EMPTY.configured());
        SmcccFilter f = SmcccFilter.EMPTY.with(0x8600_0000L, 0x8600_0000L, SmcccFilter.DENY);
        assertNotNull(f);
        assertTrue(f.configured());
        assertEquals(SmcccFilter.HANDLE, f.ranges().get(0x8000_0000L));
        assertEquals(SmcccFilter.HANDLE, f.ranges().get(0xC000_FFFFL));
        assertNull(f.ranges().get(0x8001_0000L));
    }

    @Test
    @DisplayName("a first range that overlaps the reserved ones is -EEXIST, and the reserved ranges stay (as in the kernel's tree)")
    void firstRangeOverlappingReserved() {
        Harness h = Harness.of(1);
        assertEquals(-Arm64Vm.EEXIST, h.arm().setSmcccFilter(0x8000_0000L, 1, SmcccFilter.DENY, 0));
        assertTrue(h.arm().smcccFilter().configured());
        assertEquals(2, h.arm().smcccFilter().ranges().asMapOfRanges().size());
    }

    @Test
    @DisplayName("the filter's range map cannot be changed by its readers")
    @SuppressWarnings("DoNotCall") // the point of the test: a reader's put/remove throws
    void rangesImmutable() {
        SmcccFilter f = SmcccFilter.EMPTY.with(0x8600_0000L, 0x8600_00FFL, SmcccFilter.DENY);
        RangeMap<Long, Integer> asReaderSeesIt = f.ranges(); // a reader holding the plain RangeMap interface
        assertThrows(UnsupportedOperationException.class, () -> asReaderSeesIt.put(Range.closed(1L, 2L), SmcccFilter.DENY));
        assertThrows(UnsupportedOperationException.class, () -> asReaderSeesIt.remove(Range.closed(0x8600_0000L, 0x8600_00FFL)));
    }

    @Test
    @DisplayName("for all insert sequences: the filter agrees with a per-ID model on every action and every -EEXIST")
    void agreesWithModel() {
        // IDs 0x86000000 + 0..255: small enough for a plain array model of the maple tree.
        qt().withExamples(200).forAll(lists().of(integers().between(0, 255 * 4 * 3)).ofSizeBetween(1, 40)).checkAssert(ops -> {
            int[] model = new int[256];
            java.util.Arrays.fill(model, -1);
            SmcccFilter f = SmcccFilter.EMPTY;
            List<String> log = new ArrayList<>();
            for (int op : ops) {
                int start = op % 256;
                int len = 1 + (op / 256) % 4;
                int action = (op / 1024) % 3;
                int end = Math.min(255, start + len - 1);
                boolean free = true;
                for (int i = start; i <= end; i++) {
                    free &= model[i] < 0;
                }
                SmcccFilter next = f.with(0x8600_0000L + start, 0x8600_0000L + end, action);
                assertEquals(free, next != null, log + " then " + start + ".." + end);
                if (free) {
                    for (int i = start; i <= end; i++) {
                        model[i] = action;
                    }
                    f = next;
                }
                log.add(start + ".." + end + "=" + action);
            }
            for (int i = 0; i < 256; i++) {
                assertEquals(model[i] < 0 ? SmcccFilter.HANDLE : model[i], f.action(0x8600_0000L + i), "ID +" + i + " after " + log);
            }
            assertEquals(SmcccFilter.HANDLE, f.action(0x85FF_FFFFL));
            assertEquals(SmcccFilter.HANDLE, f.action(0x8600_0100L));
        });
    }

    @Test
    @DisplayName("SmcccFilter.of restores the same ranges and answers the same actions")
    void ofRoundTrip() {
        SmcccFilter f = SmcccFilter.EMPTY.with(0x8600_0000L, 0x8600_000FL, SmcccFilter.FWD_TO_USER).with(0xC600_0000L, 0xC600_0000L,
                SmcccFilter.DENY);
        SmcccFilter g = SmcccFilter.of(f.ranges());
        assertEquals(f, g);
        assertEquals(SmcccFilter.FWD_TO_USER, g.action(0x8600_0007L));
        assertEquals(SmcccFilter.DENY, g.action(0xC600_0000L));
        assertEquals(SmcccFilter.EMPTY, SmcccFilter.of(SmcccFilter.EMPTY.ranges()));
    }
}
