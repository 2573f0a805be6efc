package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.function.Predicate;
import org.apiguardian.api.API;

/**
 * Number to handler, built per VM from an architecture's hypercalls and the VM's features. A call
 * whose feature the VM does not offer maps to the architecture's "feature off" handler, as the
 * kernel answers it. Lookup allocates nothing (open addressing over {@code long} keys); whether a
 * call is offered is asked of the architecture, and a call site ({@link TrapSite}) keeps the answer until the
 * VM's {@linkplain #offersGeneration() offers generation} changes: every VMM-side change that can change the answer
 * (an ioctl through {@code KvmControl}, a snapshot restored) calls {@link #offersChanged()}.
 */
@API(status = INTERNAL, since = "1.0")
public final class HypercallTable {
    private final long[] keys;
    private final HypercallSpec[] specs;
    private final Predicate<HypercallSpec> isOffered;
    private final int mask;
    private final List<HypercallSpec> all;
    // Volatile: a VMM thread changes a VM's features while vCPU threads trap; a plain field could be read once and
    // kept by the JIT for a whole guest loop. A racing pair of bumps may count once, which still changes the value.
    private volatile long offersGeneration;

    private HypercallTable(List<HypercallSpec> all, Predicate<HypercallSpec> isOffered) {
        int cap = Integer.highestOneBit(Math.max(4, all.size() * 4 - 1)) << 1;
        this.keys = new long[cap];
        this.specs = new HypercallSpec[cap];
        this.isOffered = isOffered;
        this.mask = cap - 1;
        this.all = ImmutableList.copyOf(all);
        for (HypercallSpec s : all) {
            int i = slot(s.number());
            while (specs[i] != null) {
                if (keys[i] == s.number()) {
                    throw new IllegalArgumentException("hypercall number 0x" + Long.toHexString(s.number()) + " is listed twice: "
                            + specs[i].name() + " and " + s.name());
                }
                i = (i + 1) & mask;
            }
            keys[i] = s.number();
            specs[i] = s;
        }
    }

    /**
     * Builds a table; {@code isOffered} says which gated calls this VM offers.
     * @param all every documented call of the architecture
     * @param isOffered decides, at call time, whether the VM offers a call
     * @return the table
     */
    public static HypercallTable build(List<HypercallSpec> all, Predicate<HypercallSpec> isOffered) {
        return new HypercallTable(all, isOffered);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    /**
     * The spec for {@code number}, or null when the architecture documents no such call.
     * @param number the hypercall number or function ID
     * @return the spec, or null
     */
    public HypercallSpec lookup(long number) {
        int i = slot(number);
        HypercallSpec s;
        while ((s = specs[i]) != null) {
            if (keys[i] == number) {
                return s;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /**
     * True when {@code number} is documented and this VM offers it now. Asked of the architecture's predicate, because
     * a VMM may change a VM's features after creating it.
     * @param number the hypercall number or function ID
     * @return whether the VM answers it as implemented
     */
    public boolean isOffered(long number) {
        HypercallSpec s = lookup(number);
        return s != null && isOffered.test(s);
    }

    /**
     * True when this VM offers {@code spec} now.
     * @param spec a documented call
     * @return whether the VM answers it as implemented
     */
    public boolean isOffered(HypercallSpec spec) {
        return isOffered.test(spec);
    }

    /**
     * Says that what the architecture's predicate answers may have changed (a feature bitmap, a capability, CPUID set
     * by the VMM; a snapshot restored): call sites ask it again at their next call.
     */
    public void offersChanged() {
        offersGeneration++;
    }

    /**
     * The number of {@link #offersChanged()} calls so far: an answer of {@link #isOffered(HypercallSpec)} kept with the
     * generation it was asked in is current while the generation is the same.
     * @return the generation
     */
    public long offersGeneration() {
        return offersGeneration;
    }

    /**
     * Every documented call, in declaration order.
     * @return an unmodifiable list
     */
    public List<HypercallSpec> all() {
        return all;
    }
}
