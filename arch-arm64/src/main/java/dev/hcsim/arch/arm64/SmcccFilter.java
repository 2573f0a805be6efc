package dev.hcsim.arch.arm64;

import com.google.common.collect.ImmutableRangeMap;
import com.google.common.collect.Range;
import com.google.common.collect.RangeMap;
import java.util.Map;

/**
 * A VM's SMCCC filter (arch/arm64/kvm/hypercalls.c {@code kvm->arch.smccc_filter}): disjoint ranges
 * of 32-bit function IDs, each with an action. The kernel keeps them as unbounded ranges in a maple
 * tree; this is an immutable {@link RangeMap} with no limit on the number of ranges. Each insert
 * makes a new filter, so a VM publishes a new value and the trap path never sees a half-made one.
 *
 * <p>The trap path asks {@link #action} on every SMCCC call: that reads flat arrays made once per
 * filter (a binary search, no allocation), not the range map, whose lookup boxes its key.
 */
public final class SmcccFilter {
    /** KVM_SMCCC_FILTER_HANDLE (arch/arm64/include/uapi/asm/kvm.h enum kvm_smccc_filter_action). */
    public static final int HANDLE = 0;
    /** KVM_SMCCC_FILTER_DENY. */
    public static final int DENY = 1;
    /** KVM_SMCCC_FILTER_FWD_TO_USER. */
    public static final int FWD_TO_USER = 2;
    /** NR_SMCCC_FILTER_ACTIONS: an action at or above it is -EINVAL. */
    public static final int NR_ACTIONS = 3;

    /** SMC32_ARCH_RANGE_BEGIN..END and SMC64_ARCH_RANGE_BEGIN..END: the Arm architecture calls, reserved as HANDLE. */
    static final Range<Long> SMC32_ARCH = Range.closed(0x8000_0000L, 0x8000_FFFFL);
    static final Range<Long> SMC64_ARCH = Range.closed(0xC000_0000L, 0xC000_FFFFL);

    /** The filter of a VM that never set one: every call is handled (kvm_smccc_filter_configured is false). */
    public static final SmcccFilter EMPTY = new SmcccFilter(ImmutableRangeMap.of());

    private final ImmutableRangeMap<Long, Integer> ranges;
    private final long[] starts;
    private final long[] ends;
    private final int[] actions;

    private SmcccFilter(ImmutableRangeMap<Long, Integer> ranges) {
        this.ranges = ranges;
        Map<Range<Long>, Integer> m = ranges.asMapOfRanges();
        this.starts = new long[m.size()];
        this.ends = new long[m.size()];
        this.actions = new int[m.size()];
        int i = 0;
        for (Map.Entry<Range<Long>, Integer> e : m.entrySet()) { // ascending, disjoint
            starts[i] = e.getKey().lowerEndpoint();
            ends[i] = e.getKey().upperEndpoint();
            actions[i] = e.getValue();
            i++;
        }
    }

    /**
     * The filter's ranges with their actions, closed and disjoint; once a range is set, the two
     * reserved architecture ranges are in it too, as the kernel inserts them with the first one.
     * @return an immutable range map from function ID to action
     */
    public ImmutableRangeMap<Long, Integer> ranges() {
        return ranges;
    }

    /**
     * True once a range was set (kvm_smccc_filter_configured: the maple tree is not empty).
     * @return whether any range is in the filter
     */
    public boolean configured() {
        return starts.length > 0;
    }

    /**
     * kvm_smccc_filter_get_action: HANDLE when no filter is set or no range holds {@code id}.
     * Allocates nothing.
     * @param id the 32-bit function ID
     * @return HANDLE, DENY or FWD_TO_USER
     */
    public int action(long id) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (id < starts[mid]) {
                hi = mid - 1;
            } else if (id > ends[mid]) {
                lo = mid + 1;
            } else {
                return actions[mid];
            }
        }
        return HANDLE;
    }

    /**
     * True when {@code [start, end]} overlaps a range of this filter (mtree_insert_range's -EEXIST).
     * @param start the first function ID
     * @param end the last function ID
     * @return whether any ID in the range is already filtered
     */
    public boolean overlaps(long start, long end) {
        return !ranges.subRangeMap(Range.closed(start, end)).asMapOfRanges().isEmpty();
    }

    /**
     * A filter with one more range. The first range also brings the reserved architecture ranges
     * (kvm_smccc_filter_insert_reserved), so a range that overlaps them is refused.
     * @param start the first function ID
     * @param end the last function ID, at least {@code start}
     * @param action HANDLE, DENY or FWD_TO_USER
     * @return the new filter, or null when the range overlaps one already set (-EEXIST)
     */
    SmcccFilter with(long start, long end, int action) {
        ImmutableRangeMap<Long, Integer> base = ranges;
        if (!configured()) {
            base = ImmutableRangeMap.<Long, Integer>builder().put(SMC32_ARCH, HANDLE).put(SMC64_ARCH, HANDLE).build();
        }
        return new SmcccFilter(base).insert(start, end, action);
    }

    /** The reserved ranges alone: what the kernel's tree holds after a first insert that overlapped them. */
    SmcccFilter reservedOnly() {
        return configured() ? this : new SmcccFilter(ImmutableRangeMap.<Long, Integer>builder().put(SMC32_ARCH, HANDLE)
                .put(SMC64_ARCH, HANDLE).build());
    }

    private SmcccFilter insert(long start, long end, int action) {
        if (overlaps(start, end)) {
            return null;
        }
        return new SmcccFilter(ImmutableRangeMap.<Long, Integer>builder().putAll(ranges).put(Range.closed(start, end), action).build());
    }

    /**
     * A filter holding exactly {@code ranges} (a snapshot being restored).
     * @param ranges disjoint closed ranges of 32-bit function IDs and their actions
     * @return the filter
     */
    public static SmcccFilter of(RangeMap<Long, Integer> ranges) {
        return ranges.asMapOfRanges().isEmpty() ? EMPTY : new SmcccFilter(ImmutableRangeMap.copyOf(ranges));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SmcccFilter f && f.ranges.equals(ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
