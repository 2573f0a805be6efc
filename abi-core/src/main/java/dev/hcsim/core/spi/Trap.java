package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.StatusCodec;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuControl;
import org.apiguardian.api.API;

/**
 * One trap being handled on one vCPU: the engine's working state and, once done, the
 * {@link TrapResult}. One instance per vCPU is reused for every trap, so the trap path allocates
 * nothing.
 *
 * <p>Architecture code uses it in two roles. Its {@link ArchitectureVm#trap} looks at the
 * instruction bytes and either calls {@link #dispatch()} (read number and arguments by the
 * contract, run the handler, write results and PC by the contract) or sets another outcome.
 * Hypercall handlers read {@link #arg(int)} and answer with {@link #ok(long)}, {@link #fail(Status)}
 * or {@link #result(int, long)}, and reach other vCPUs through {@link #control()}.
 *
 * <p>Arguments are read on demand ({@link #readCall()} reads the number only): {@link #arg(int)} reads the register
 * until something could change it, and the frame keeps every argument first (a snapshot) at the first {@link
 * #registers()}, {@link #control()}, {@link #narrow(boolean)} or {@link #exitToHost} after {@code readCall}, and keeps the
 * arguments whose registers are also result registers before {@link #complete()} writes the results. So a handler
 * sees the arguments the call passed whatever it wrote first ({@code TrapArgumentsTest}). What this relies on: a handler
 * or gate writes the calling vCPU's registers only through {@code registers()}, {@code control()} or the results, never
 * through a reference to them taken before {@code readCall}; the audit of the seven modules is in docs/performance.md
 * ("Embedded trap path", "Arguments on demand").
 */
@API(status = INTERNAL, since = "1.0")
public final class Trap implements TrapResult {
    /** Completes a call handed to the host once the host re-enters the vCPU. */
    @FunctionalInterface
    public interface ExitCompletion {
        /**
         * Writes the call's results on re-entry, as the architecture's next {@code KVM_RUN} does.
         * {@link Trap#answer()} is the exit as the host left it (its return fields filled in).
         * @param t the trap being completed
         * @param hostReturn the answer's return value ({@code hypercall.ret}, {@code papr_hcall.ret}, {@code riscv_sbi.ret[0]},
         *   {@code hyperv.u.hcall.result}, {@code xen.u.hcall.result}; for an exit without one, the value the host passed)
         */
        void complete(Trap t, long hostReturn);
    }

    private static final int MAX_ARGS = 8;
    private static final int MAX_RESULTS = 9;

    private final VmContext vm;
    private final int vcpu;
    private final CallLayout layout; // the VM's contract as flat fields, shared by its vCPUs' frames
    private final StatusCodec defaultCodec;
    private final MemoryAccess memory;
    private final byte[] insn = new byte[16]; // the own site keeps as many (ownSite)
    private final long[] args = new long[MAX_ARGS];
    private final long[] results = new long[MAX_RESULTS];

    private RegisterAccess regs;
    private VcpuControl control;
    private StatusCodec codec;
    private int insnLength;
    private long pc;
    private long number;
    private int resultMask;
    private int snapped; // bit i: args[i] holds argument i as the call passed it (arg(i) no longer reads the register)
    // What a trap sets on every call is kept so that the trap path stores no reference that did not
    // change: the status and the outcome as ordinals, the spec and the call name behind flags. Once
    // the frames are in the old generation, each reference store costs a G1 write barrier with a
    // fence and dirties the frame's card; with thousands of vCPUs that is a card per trap.
    private static final Status[] STATUSES = Status.values();
    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final byte NO_STATUS = -1;
    private static final byte RESUME = (byte) Outcome.RESUME.ordinal();
    private byte status = NO_STATUS;
    private byte outcome = RESUME;
    private HypercallSpec spec;
    private String callName;
    private long nextPc;
    private int yieldTarget;
    private ExitCompletion completion;
    // Faults, exits and their notes are set on the rare paths only; flag bits say whether a reference is
    // current, so that begin() stores no reference (see above), and clears them all with one store.
    private Exit exit;
    private Exit answer;
    private Fault fault;
    private String why;
    private CallRegisters callRegisters;
    private int flags;
    private static final int HAS_SPEC = 1;
    private static final int HAS_CALL_NAME = 1 << 1;
    private static final int NEXT_PC_SET = 1 << 2;
    private static final int HAS_EXIT = 1 << 3;
    private static final int HAS_FAULT = 1 << 4;
    private static final int HAS_WHY = 1 << 5;
    private static final int DISPATCHED = 1 << 6;
    private static final int NARROW = 1 << 7;
    private static final int HAS_CALL_REGISTERS = 1 << 8;
    private static final int BYTES_KEPT = 1 << 9; // the site holds exactly the fetched bytes: its decoded form applies
    // The call site whose spec cache invoke() uses: the frame's own (embedded path) or the engine's (TrapSite).
    private final TrapSite ownSite = new TrapSite(16);
    private TrapSite site = ownSite;

    /**
     * The reusable trap frame of vCPU {@code vcpu}. Engine use.
     * @param vm the VM
     * @param vcpu the vCPU index
     * @param memory the vCPU's accessor of guest memory
     * @param layout the VM's contract as flat fields ({@code new CallLayout(vm.contract())}, one for all its frames)
     */
    public Trap(VmContext vm, int vcpu, MemoryAccess memory, CallLayout layout) {
        this.vm = vm;
        this.vcpu = vcpu;
        this.layout = layout;
        this.defaultCodec = vm.architecture().status();
        this.memory = memory;
    }

    // ---------------------------------------------------------------- engine side

    /**
     * Resets this trap for a new one at {@code regs.pc()}. Engine use.
     * @param regs the trapping vCPU's registers
     * @param mem the guest memory
     * @param control effects on other vCPUs
     */
    public void begin(RegisterAccess regs, GuestMemory mem, VcpuControl control) {
        // A caller passes the same registers, memory and control at every trap of a vCPU. Storing a
        // reference costs a garbage-collector write barrier (with a fence, under G1) even when the
        // value is the same, so the references are stored only when they change.
        if (this.regs != regs) {
            this.regs = regs;
        }
        VcpuControl c = control != null ? control : VcpuControl.NONE;
        if (this.control != c) {
            this.control = c;
        }
        this.memory.bind(mem);
        if (this.codec != defaultCodec) {
            this.codec = defaultCodec;
        }
        if (this.site != ownSite) {
            this.site = ownSite;
        }
        this.pc = regs.pc();
        this.insnLength = 0;
        this.number = 0;
        this.resultMask = 0;
        this.status = NO_STATUS;
        this.outcome = RESUME;
        this.nextPc = pc;
        this.yieldTarget = -1;
        if (this.completion != null) {
            this.completion = null;
        }
        this.flags = 0;
    }

    /**
     * Makes {@code s} the call site of this trap (after {@link #begin}): {@link #invoke()} then looks the number up
     * through its cache. Engine use.
     * @param s the trap instruction's site
     */
    public void site(TrapSite s) {
        if (this.site != s) {
            this.site = s;
        }
    }

    /**
     * Fetches up to {@code max} instruction bytes at the PC (fewer when memory ends sooner, but at
     * least {@code min}). When not even {@code min} bytes are readable, {@link #fetchedLength()} is 0
     * and the architecture's trap gate raises its instruction-fetch fault.
     * @param min the fewest bytes a trap instruction has
     * @param max the most bytes to fetch
     */
    public void fetch(int min, int max) {
        // no return value: every gate asks fetchedLength(), so a second answer could only disagree with it
        GuestMemory m = memory.memory();
        for (int n = max; n >= min; n--) {
            if (m.read(pc, insn, 0, n)) {
                insnLength = n;
                return;
            }
        }
        insnLength = 0;
    }

    /**
     * Fetches as {@link #fetch} does, through the frame's own call site when the bound memory is a {@link
     * dev.hcsim.core.SparseMemory}: a trap at the address of this vCPU's last trap, in the same memory with its code
     * pages unwritten since, takes the kept bytes and reads nothing ({@link TrapSite#fetchInto}). The embedded path.
     * @param min the fewest bytes a trap instruction has
     * @param max the most bytes to fetch
     */
    public void fetchThroughOwnSite(int min, int max) {
        if (memory.memory() instanceof dev.hcsim.core.SparseMemory sm) {
            ownSite.fetchInto(this, sm, min, max);
        } else {
            fetch(min, max);
            ownSite.keep(this); // another memory: only the decoded form is kept, after a compare of the bytes
        }
    }

    /**
     * Sets the instruction bytes the embedder passed, and lets the frame's own site keep them, so that the decoded form
     * of the same instruction passed again is reused ({@link #decoded()}). Engine use.
     * @param b the buffer
     * @param off the offset of the first byte
     * @param len how many bytes
     */
    public void givenBytes(byte[] b, int off, int len) {
        instructionBytes(b, off, len);
        ownSite.keep(this);
    }

    /** Called by this trap's site when it holds exactly the bytes this trap fetched. */
    void bytesKept() {
        flags |= BYTES_KEPT;
    }

    /**
     * The decoded form of this trap's instruction bytes that the architecture's gate left at this call site
     * ({@link #decoded(Object)}) at an earlier trap with the same bytes: a gate that finds it skips decoding. It is
     * whatever the architecture made (an enum constant, a record), and it may depend on the instruction's bytes and on
     * what is fixed for the VM (its byte order, its options) only, never on a register: a gate checks the vCPU's mode
     * and privilege at every trap. Null when the gate left none, the bytes changed, or this trap's bytes were not kept
     * by its site (then the gate decodes, and {@link #decoded(Object)} keeps nothing).
     * @return the architecture's decoded form, or null
     */
    public Object decoded() {
        return (flags & BYTES_KEPT) != 0 ? site.decoded() : null;
    }

    /**
     * The gate's decoded form of type {@code type} from this call site ({@link #decoded()}), or {@code decode}'s answer,
     * which is then left there ({@link #decoded(Object)}): the one way every gate looks its form up.
     * @param <T> the form's type
     * @param type the form's class (a form of another class, left by another gate of the same architecture, does not count)
     * @param decode decodes this trap's bytes (a method reference that captures nothing, so that nothing is allocated)
     * @return the decoded form
     */
    public <T> T decoded(Class<T> type, java.util.function.Function<Trap, T> decode) {
        Object d = decoded();
        if (type.isInstance(d)) {
            return type.cast(d);
        }
        T made = decode.apply(this);
        decoded(made);
        return made;
    }

    /**
     * Leaves {@code d} at this call site as the decoded form of this trap's instruction bytes, for the next trap with the
     * same bytes there ({@link #decoded()}; the same rules). Allocate it once per distinct instruction, or use constants:
     * the trap path allocates nothing once warm.
     * @param d the decoded form
     */
    public void decoded(Object d) {
        if ((flags & BYTES_KEPT) != 0) {
            site.decoded(d);
        }
    }

    /**
     * Sets the instruction bytes directly (the embedder passed them).
     * @param b the buffer
     * @param off the offset of the first byte
     * @param len how many bytes
     */
    public void instructionBytes(byte[] b, int off, int len) {
        int n = Math.min(len, insn.length);
        System.arraycopy(b, off, insn, 0, n);
        insnLength = n;
    }

    /**
     * Byte {@code i} of the fetched instruction (0 past the end).
     * @param i the byte's position, from 0
     * @return the byte, 0 to 255
     */
    public int insnByte(int i) {
        return i < insnLength ? insn[i] & 0xFF : 0;
    }

    /**
     * The fetched bytes available (an architecture decodes from here).
     * @return the count
     */
    public int fetchedLength() {
        return insnLength;
    }

    /**
     * The first {@code n} instruction bytes as a word in the VM's byte order.
     * @param n how many bytes, 1 to 8
     * @return the word, zero-extended
     */
    public long insnWord(int n) {
        return dev.hcsim.core.Bytes.get(insn, 0, n, memory.order() == java.nio.ByteOrder.BIG_ENDIAN);
    }

    /**
     * Fixes the trap instruction's length once decoded (the PC advances by it).
     * @param n the length in bytes
     */
    public void instructionLength(int n) {
        insnLength = n;
    }

    /**
     * Copy of the trap instruction bytes (for traces).
     * @return a new array of the instruction's bytes
     */
    public byte[] instructionBytes() {
        return java.util.Arrays.copyOf(insn, insnLength);
    }

    /**
     * Sets narrow (32-bit) mode for this call, as the architecture determined it.
     * @param n true for a 32-bit call
     */
    public void narrow(boolean n) {
        snapArguments(); // arguments already read stay as they were cut (no-op before readCall)
        flags = n ? flags | NARROW : flags & ~NARROW;
    }

    /**
     * Reads the number by the contract, cut to 32 bits in narrow mode when the contract says so; from here on
     * {@link #arg(int)} answers the arguments as they are now. They are read on demand from the registers, and all at once
     * (a snapshot) before anything can change the registers: the first {@link #registers()}, {@link #control()} or
     * {@link #narrow(boolean)} after this call, and an exit to the host. So a handler that writes a register and then
     * reads an argument sees the argument as the call passed it, as when every argument was read here.
     */
    public void readCall() {
        long nr = regs.get(layout.numberRegister);
        number = layout.number32 || cutsArguments() ? nr & 0xFFFF_FFFFL : nr;
        snapped = 0;
        flags |= DISPATCHED;
    }

    /** Reads every argument now, once the call is read and before something may change the registers (readCall). */
    private void snapArguments() {
        if ((flags & DISPATCHED) == 0 || snapped == layout.allArguments) {
            return;
        }
        for (int i = 0; i < layout.argumentRegisters.length; i++) {
            snapArgument(i);
        }
    }

    private void snapArgument(int i) {
        if ((snapped & (1 << i)) == 0) {
            args[i] = readArgument(i);
            snapped |= 1 << i;
        }
    }

    /** Argument {@code i} from its register now, cut to 32 bits in narrow mode when the contract says so. */
    private long readArgument(int i) {
        long v = regs.get(layout.argumentRegisters[i]);
        return cutsArguments() ? v & 0xFFFF_FFFFL : v;
    }

    private boolean cutsArguments() {
        return (flags & NARROW) != 0 && layout.narrowCutsArguments;
    }

    /**
     * The spec of the number read so far, through this trap's call-site cache: for a gate that checks the call before
     * {@link #invoke()} runs it (the same answer as {@code vm().hypercalls().lookup(number())}).
     * @return the spec, or null when the architecture documents no such call
     */
    public HypercallSpec lookup() {
        return site.spec(vm.hypercalls(), number);
    }

    /**
     * Whether the VM offers {@code s} now, through this trap's call-site cache (the same answer as
     * {@code vm().hypercalls().isOffered(s)}): for a gate that checks the call before {@link #invoke()} runs it.
     * @param s a documented call, usually what {@link #lookup()} returned
     * @return whether the VM answers it as implemented
     */
    public boolean offered(HypercallSpec s) {
        return site.offered(vm.hypercalls(), s);
    }

    /** Looks the number up and runs its handler (or the unknown-number answer). A guest fault becomes {@link Status#FAULT}. */
    public void invoke() {
        HypercallTable table = vm.hypercalls();
        HypercallSpec found = site.spec(table, number);
        spec(found);
        if (found == null) {
            fail(Status.NOT_IMPLEMENTED);
            return;
        }
        callName(found.name());
        if (!site.offered(table, found)) {
            fail(Status.NOT_IMPLEMENTED);
            return;
        }
        try {
            found.handler().handle(this);
        } catch (GuestFault f) {
            fail(Status.FAULT);
        }
        if (status == NO_STATUS) {
            Outcome o = outcome();
            if ((resultMask & 1) == 0 && o != Outcome.EXIT_TO_HOST && o != Outcome.FAULT && o != Outcome.INTERRUPTED
                    && o != Outcome.NOT_A_HYPERCALL) {
                // Every KVM handler sets the guest's return value (kvm_emulate_hypercall's ret, smccc_set_retval,
                // ...): a handler that returns to the guest with neither a status nor result 0 is a bug, never a
                // silent SUCCESS. One that wrote result 0 itself (a UID, a feature bitmap) succeeded.
                throw new IllegalStateException("hypercall " + found.name() + " returned to the guest without a status or result 0");
            }
            status(Status.SUCCESS);
        }
    }

    /** Writes results and the PC by the contract (nothing for exits and faults). */
    public void complete() {
        Outcome o = outcome();
        if (o == Outcome.EXIT_TO_HOST || o == Outcome.FAULT || o == Outcome.NOT_A_HYPERCALL || o == Outcome.INTERRUPTED) {
            if ((flags & NEXT_PC_SET) == 0) {
                nextPc = pc;
            }
            return;
        }
        writeResults();
        if ((flags & NEXT_PC_SET) == 0) {
            nextPc = pc + insnLength;
        }
        regs.pc(nextPc);
    }

    /** The whole dispatch: {@link #readCall()}, {@link #invoke()}, {@link #complete()}. */
    public void dispatch() {
        readCall();
        invoke();
        complete();
    }

    /**
     * Answers without running a handler (a privilege check failed first, say), then completes.
     * @param s the status the caller gets
     */
    public void reject(Status s) {
        fail(s);
        complete();
    }

    private void writeResults() {
        int[] to = layout.resultRegisters;
        boolean cut = (flags & NARROW) != 0 && layout.narrowCutsResults;
        for (int i = 0; i < to.length; i++) {
            long v;
            if ((resultMask & (1 << i)) != 0) {
                v = results[i];
            } else if (i == 0 && status != NO_STATUS) {
                v = codec.encode(STATUSES[status]);
            } else if (layout.zeroUnsetResults) {
                v = 0;
            } else {
                continue;
            }
            int k = layout.resultArgument[i];
            if (k >= 0 && (flags & DISPATCHED) != 0) {
                snapArgument(k); // the call's argument in this register stays readable after the trap (traces, tests)
            }
            regs.set(to[i], cut ? v & 0xFFFF_FFFFL : v);
        }
    }

    /**
     * Finishes an {@link Outcome#EXIT_TO_HOST} with the host's return value: the pending exit with its
     * return field set to {@code hostReturn} is the answer. Engine use.
     * @param r the vCPU's registers
     * @param mem the guest memory
     * @param hostReturn the value the host answered with
     */
    public void completeExit(RegisterAccess r, GuestMemory mem, long hostReturn) {
        finishExit(r, mem, ExitPayloads.withReturn(exit, hostReturn), hostReturn);
    }

    /**
     * Finishes an {@link Outcome#EXIT_TO_HOST} with the exit as the host left it (the payload a VMM
     * edits in {@code struct kvm_run} before the next {@code KVM_RUN}). Engine use.
     * @param r the vCPU's registers
     * @param mem the guest memory
     * @param hostAnswer the pending exit's record with the host's answer in it
     */
    public void completeExit(RegisterAccess r, GuestMemory mem, Exit hostAnswer) {
        finishExit(r, mem, hostAnswer, ExitPayloads.returnValue(hostAnswer));
    }

    private void finishExit(RegisterAccess r, GuestMemory mem, Exit hostAnswer, long hostReturn) {
        this.regs = r;
        this.memory.bind(mem);
        ExitCompletion c = completion;
        this.answer = hostAnswer;
        outcome = RESUME;
        flags &= ~(NEXT_PC_SET | HAS_EXIT);
        if (c != null) {
            c.complete(this, hostReturn);
        } else {
            ok(hostReturn);
        }
        complete();
    }

    /**
     * The pending exit as the host answered it, while an {@link ExitCompletion} runs.
     * @return the host's answer (the exit record with its return fields filled in)
     */
    public Exit answer() {
        return answer;
    }

    // ---------------------------------------------------------------- handler side

    /**
     * The VM the trap happened on.
     * @return the VM
     */
    public VmContext vm() {
        return vm;
    }

    /**
     * Index of the calling vCPU.
     * @return the index, from 0
     */
    public int vcpu() {
        return vcpu;
    }

    /**
     * The calling vCPU's registers.
     * @return its live registers
     */
    public RegisterAccess registers() {
        snapArguments(); // the caller may write a register: arguments not yet read keep the call's values
        return regs;
    }

    /**
     * Guest memory in the VM's byte order; a miss throws {@link GuestFault}, which becomes {@link Status#FAULT}.
     * @return the memory accessor
     */
    public MemoryAccess memory() {
        return memory;
    }

    /**
     * Effects on other vCPUs.
     * @return the control of the machine or embedder
     */
    public VcpuControl control() {
        snapArguments(); // an effect may reach this vCPU's registers (a reset, say): arguments keep the call's values
        return control;
    }

    /**
     * Address of the trap instruction.
     * @return the PC at the trap
     */
    public long pc() {
        return pc;
    }

    /**
     * Argument {@code i} as the call passed it: read from its register when asked, or from the snapshot taken before
     * anything could change the registers ({@link #readCall()}).
     * @param i the argument's position, from 0
     * @return its value (cut to 32 bits in narrow mode when the contract says so)
     */
    public long arg(int i) {
        if ((snapped & (1 << i)) != 0 || (flags & DISPATCHED) == 0) {
            return args[i];
        }
        return readArgument(i);
    }

    /**
     * Records the call number when the instruction, not the number register, selects the call (an
     * function code taken from the instruction's fields), so that results and traces name it.
     * @param nr the call's number
     */
    public void number(long nr) {
        number = nr;
    }

    /**
     * Switches the status encoding for this call (a call family with its own codes, such as PSCI).
     * @param c the codec the status is encoded with
     */
    public void codec(StatusCodec c) {
        codec = c;
    }

    /**
     * The status encoding of this call.
     * @return the architecture's codec, or the call family's
     */
    public StatusCodec codec() {
        return codec;
    }

    /**
     * Success with {@code value} in result register 0.
     * @param value the result
     */
    public void ok(long value) {
        status(Status.SUCCESS);
        result(0, value);
    }

    /** Success, encoded in result register 0. */
    public void ok() {
        status(Status.SUCCESS);
        resultMask &= ~1;
    }

    /**
     * Failure with {@code s}, encoded in result register 0.
     * @param s the failing status
     */
    public void fail(Status s) {
        status(s);
        resultMask &= ~1;
    }

    /**
     * Sets the status without touching result registers (the handler set them itself).
     * @param s the status
     */
    public void status(Status s) {
        status = s == null ? NO_STATUS : (byte) s.ordinal();
    }

    /**
     * Sets result register {@code i} to {@code value}.
     * @param i the result's position, from 0 (0 carries the status)
     * @param value the value
     */
    public void result(int i, long value) {
        results[i] = value;
        resultMask |= 1 << i;
    }

    /**
     * Names the call in traces when it is not in the table (a code the architecture handles itself).
     * @param name the call's name
     */
    @SuppressWarnings("ReferenceEquality") // identity on purpose: the same String object set again skips the store and
    // its GC write barrier (docs/performance.md); a different but equal String is simply stored
    public void callName(String name) {
        if (callName != name) {
            callName = name;
        }
        flags = name != null ? flags | HAS_CALL_NAME : flags & ~HAS_CALL_NAME;
    }

    /**
     * Names the registers the call read by its ABI's own convention, when that is not the contract's (another ABI on the
     * trap instruction): traces show these instead of the contract's number and arguments.
     * @param r the registers, a constant (null: the contract's)
     */
    @SuppressWarnings("ReferenceEquality") // identity on purpose, as in callName: the same constant set again skips the store
    public void callRegisters(CallRegisters r) {
        if (callRegisters != r) {
            callRegisters = r;
        }
        flags = r != null ? flags | HAS_CALL_REGISTERS : flags & ~HAS_CALL_REGISTERS;
    }

    /**
     * The registers the call read by its ABI's own convention.
     * @return what {@link #callRegisters(CallRegisters)} set for this trap, or null for the contract's
     */
    public CallRegisters callRegisters() {
        return (flags & HAS_CALL_REGISTERS) != 0 ? callRegisters : null;
    }

    private void spec(HypercallSpec s) {
        if (spec != s) {
            spec = s;
        }
        flags = s != null ? flags | HAS_SPEC : flags & ~HAS_SPEC;
    }

    private void outcome(Outcome o) {
        outcome = (byte) o.ordinal();
    }

    /** The vCPU waits for an interrupt after the results are written. */
    public void halt() {
        outcome(Outcome.HALT);
    }

    /**
     * The vCPU yields its physical CPU, preferably to vCPU index {@code target} (-1: any).
     * @param target a vCPU index, or -1
     */
    public void yieldTo(int target) {
        outcome(Outcome.YIELD);
        yieldTarget = target;
    }

    /** The calling vCPU powers off. */
    public void stop() {
        outcome(Outcome.STOP);
    }

    /**
     * Continue at {@code address} instead of after the trap instruction.
     * @param address the guest address execution continues at
     */
    public void resumeAt(long address) {
        nextPc = address;
        flags |= NEXT_PC_SET;
    }

    /**
     * Hands the call to the host: the trap ends with {@link Outcome#EXIT_TO_HOST} and {@code exit} as
     * {@code struct kvm_run} carries it. The registers must already show what the kernel did before
     * returning to user space; {@code completion} does what the next {@code KVM_RUN} does (null:
     * result 0 = the host's return value, PC past the trap).
     * @param exit the exit's payload
     * @param completion what re-entry does, or null
     */
    public void exitToHost(Exit exit, ExitCompletion completion) {
        snapArguments(); // the host changes registers before re-entry, where the completion may read arguments
        outcome(Outcome.EXIT_TO_HOST);
        this.exit = exit;
        flags |= HAS_EXIT;
        this.completion = completion;
    }

    /**
     * The guest takes {@code f}, which the embedder injects ({@link Outcome#FAULT}); the registers show
     * the state at injection. The PC stays at the trap unless {@link #resumeAt} says otherwise.
     * @param f the exception, in the architecture's terms
     * @param why what caused it, for traces and explanations (may be null)
     */
    public void fault(Fault f, String why) {
        outcome(Outcome.FAULT);
        fault(f);
        why(why);
    }

    /**
     * The architecture delivered interruption {@code f} to the guest's own handler; the caller sets
     * the PC to the handler with {@link #resumeAt}. No result register is written.
     * @param f the interruption, in the architecture's terms
     * @param why what caused it, for traces and explanations (may be null)
     */
    public void interrupted(Fault f, String why) {
        outcome(Outcome.INTERRUPTED);
        fault(f);
        why(why);
    }

    /**
     * The instruction is not a hypercall but the guest's own: nothing was changed; {@code f} is the
     * exception the instruction raises on the guest's CPU (its system call), or null.
     * @param f the exception the embedder's CPU delivers as for any guest instruction, or null
     * @param why what the instruction is, for traces and explanations (may be null)
     */
    public void notAHypercall(Fault f, String why) {
        outcome(Outcome.NOT_A_HYPERCALL);
        fault(f);
        why(why);
    }

    private void fault(Fault f) {
        if (fault != f) {
            fault = f;
        }
        flags = f != null ? flags | HAS_FAULT : flags & ~HAS_FAULT;
    }

    /**
     * A note on this trap for traces and explanations, whatever the outcome (a call that has no name,
     * what the trap gate did instead of dispatching).
     * @param note the note, or null
     */
    public void note(String note) {
        why(note);
    }

    @SuppressWarnings("ReferenceEquality") // identity on purpose, as in callName: the same String set again skips the
    // store and its GC write barrier (docs/performance.md); a different but equal String is simply stored
    private void why(String w) {
        if (why != w) {
            why = w;
        }
        flags = w != null ? flags | HAS_WHY : flags & ~HAS_WHY;
    }

    /**
     * What caused the fault, or what the non-hypercall instruction is, in words (engine use: traces
     * and explanations; the user API's {@link #fault()} is the typed value).
     * @return the note, or null
     */
    public String why() {
        return (flags & HAS_WHY) != 0 ? why : null;
    }

    /**
     * The fault and its note in one line, for traces: {@code #UD (not vmcall or vmmcall)}.
     * @return the fault's readable form with the note in parentheses, either alone, or null when neither is set
     */
    public String faultDetail() {
        Fault f = fault();
        String w = why();
        if (f == null) {
            return w;
        }
        return w == null ? f.toString() : f + " (" + w + ")";
    }

    /**
     * True once {@link #readCall()} ran.
     * @return whether the contract read number and arguments
     */
    public boolean dispatched() {
        return (flags & DISPATCHED) != 0;
    }

    /**
     * The spec of the dispatched call, or null.
     * @return the spec, or null for an unknown number or an undispatched trap
     */
    public HypercallSpec spec() {
        return (flags & HAS_SPEC) != 0 ? spec : null;
    }

    // ---------------------------------------------------------------- TrapResult

    @Override
    public Outcome outcome() {
        return OUTCOMES[outcome];
    }

    @Override
    public long nextPc() {
        return nextPc;
    }

    @Override
    public Status status() {
        return status == NO_STATUS ? null : STATUSES[status];
    }

    @Override
    public String statusName() {
        return status == NO_STATUS ? null : codec.name(STATUSES[status]);
    }

    @Override
    public String callName() {
        return (flags & HAS_CALL_NAME) != 0 ? callName : null;
    }

    @Override
    public long number() {
        return number;
    }

    @Override
    public boolean narrow() {
        return (flags & NARROW) != 0;
    }

    @Override
    public int yieldTarget() {
        return yieldTarget;
    }

    @Override
    public Exit exit() {
        return (flags & HAS_EXIT) != 0 ? exit : null;
    }

    @Override
    public Fault fault() {
        return (flags & HAS_FAULT) != 0 ? fault : null;
    }

    @Override
    public int instructionLength() {
        return insnLength;
    }
}
