package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.SparseMemory;
import org.apiguardian.api.API;

/**
 * One trap instruction at one guest address (a call site), as the standalone engine knows it: the bytes a trap there
 * fetches, kept from the first trap for as long as guest memory holds them unchanged, and the hypercall spec its last
 * call dispatched to, guarded by the number. The common guest loads a constant function ID before its trap, so the
 * second and later traps at a site fetch nothing from guest memory and look nothing up in the {@link HypercallTable}.
 *
 * <p>The kept bytes are exactly what {@link Trap#fetch} would read: the site watches the pages they lie on
 * ({@link SparseMemory#watchCode}), so that any write to them changes the memory's code generation, and a site whose
 * generation is not the memory's current one fetches again. The spec cache needs no invalidation: a VM's table is fixed
 * when the VM is created. Whether the VM offers the call is kept with the table's offers generation
 * ({@link HypercallTable#offersGeneration()}), which every VMM-side change of the VM's features bumps.
 *
 * <p>The site also keeps the architecture's decoded form of the kept bytes ({@link Trap#decoded()}): a trap gate decodes
 * a call site's instruction once, not at every trap, and a frame's own site decodes once per distinct instruction.
 *
 * <p>Each vCPU's {@link Trap} frame also has a site of its own, for the embedded path ({@code Vm.trap} from an
 * emulator, which passes its own memory): when that memory is a {@link SparseMemory}, the site keeps the bytes of the
 * vCPU's last trap as above (keyed by the memory too, and watching its pages in that memory), so an emulator that traps
 * at the same address again fetches nothing; with any other memory only the spec cache applies.
 */
@API(status = INTERNAL, since = "1.0")
public final class TrapSite {
    private final byte[] bytes;
    private long pc;
    private int length;
    private long generation = -1;
    private SparseMemory memory; // whose code generation {@code generation} is: an embedder may pass another memory
    private long number;
    private HypercallSpec spec;
    private boolean looked;
    private long offeredGeneration = -1;
    private boolean offered;
    private Object decoded; // the architecture's decoded form of the kept bytes, or null

    /**
     * A site that keeps up to {@code maxLength} instruction bytes.
     * @param maxLength the most bytes a trap instruction fetch reads (the codec's longest instruction), 0 for a frame's
     *   own site that keeps none
     */
    public TrapSite(int maxLength) {
        this.bytes = new byte[maxLength];
    }

    /**
     * The spec {@code table} has for {@code nr}, from the site's cache when its last lookup was for the same number.
     * @param table the VM's hypercall table (always the same one for a site)
     * @param nr the call's number
     * @return the spec, or null when the table has none
     */
    public HypercallSpec spec(HypercallTable table, long nr) {
        if (looked && nr == number) {
            return spec;
        }
        HypercallSpec s = table.lookup(nr);
        number = nr;
        if (spec != s) { // no reference store (and G1 write barrier) when a site sees the same call again
            spec = s;
        }
        looked = true;
        offeredGeneration = -1;
        return s;
    }

    /**
     * Whether the VM offers {@code s}, from the site's cache when {@code s} is the spec {@link #spec} last returned and the
     * table's offers generation is the one the answer was asked in.
     * @param table the VM's hypercall table (always the same one for a site)
     * @param s a documented call, not null
     * @return {@code table.isOffered(s)} as it answers now
     */
    public boolean offered(HypercallTable table, HypercallSpec s) {
        long g = table.offersGeneration();
        if (g == offeredGeneration && s == spec) {
            return offered;
        }
        if (s != spec) {
            return table.isOffered(s); // not the site's call: asked, not kept
        }
        boolean o = table.isOffered(s);
        offered = o;
        offeredGeneration = g;
        return o;
    }

    /**
     * Puts the instruction bytes at {@code pc} into {@code t} from this site when it still holds them, else fetches
     * them from {@code memory} as {@link Trap#fetch} does and keeps them.
     * @param t the trap frame, begun at {@code pc}
     * @param memory the machine's guest memory
     * @param min the fewest bytes a trap instruction has
     * @param max the most bytes to fetch (at most the length this site was made for)
     */
    public void fetchInto(Trap t, SparseMemory memory, int min, int max) {
        // no return value, as Trap.fetch: every gate asks fetchedLength() (0 when nothing was readable)
        long pc = t.pc();
        if (generation == memory.codeGeneration() && this.pc == pc && length > 0 && this.memory == memory) {
            t.instructionBytes(bytes, 0, length);
            t.bytesKept();
            return;
        }
        t.fetch(min, max);
        int n = t.fetchedLength();
        if (n == 0) {
            return;
        }
        memory.watchCode(pc);
        memory.watchCode(pc + n - 1);
        keep(t);
        this.pc = pc;
        if (this.memory != memory) {
            this.memory = memory;
        }
        this.generation = memory.codeGeneration(); // watching changes no generation: what was read is current
    }

    /**
     * Makes the bytes {@code t} fetched this site's: the decoded form stays when they are the kept ones (same length,
     * same bytes), else the site keeps the new bytes, forgets the decoded form, and no longer claims to hold what a
     * memory holds (the bytes may come from elsewhere). Engine use, after {@link Trap#fetch} or the embedder's bytes.
     * @param t the trap frame that holds the bytes
     */
    void keep(Trap t) {
        int n = t.fetchedLength();
        if (n == 0) {
            return;
        }
        if (n > bytes.length) {
            generation = -1;
            length = 0;
            decoded = null;
            return; // more than this site keeps: nothing is kept, nothing decoded is claimed
        }
        boolean same = n == length;
        for (int i = 0; same && i < n; i++) {
            same = bytes[i] == (byte) t.insnByte(i);
        }
        if (!same) {
            for (int i = 0; i < n; i++) {
                bytes[i] = (byte) t.insnByte(i);
            }
            length = n;
            generation = -1; // fetchInto sets it again when the bytes came from its memory
            decoded = null;
        }
        t.bytesKept();
    }

    /**
     * The architecture's decoded form of the kept bytes ({@link Trap#decoded()}).
     * @return what the trap gate left with {@link #decoded(Object)} for these bytes, or null
     */
    Object decoded() {
        return decoded;
    }

    /**
     * Keeps the architecture's decoded form of the kept bytes.
     * @param d the decoded form
     */
    void decoded(Object d) {
        if (decoded != d) { // no reference store (and G1 write barrier) when the same form is set again
            decoded = d;
        }
    }
}
