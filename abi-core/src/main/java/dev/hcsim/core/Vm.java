package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.CallLayout;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.FeatureSpec;
import dev.hcsim.core.spi.HypercallTable;
import dev.hcsim.core.spi.OptionSpec;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.TrapSite;
import dev.hcsim.core.spi.VmContext;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * One virtual machine of one architecture: its features, options, vCPU ids, hypercall table and
 * the architecture's per-VM state. This is the embedding entry point: an emulator calls
 * {@link #trap(int, RegisterAccess, GuestMemory, VcpuControl)} when its guest executes a trap
 * instruction and follows the returned {@link TrapResult}.
 *
 * <pre>{@code
 * Vm vm = Vm.create(VmConfig.builder(architectureName).vcpus(2).build());
 * TrapResult r = vm.trap(0, myRegisters, myMemory, myVcpuControl);
 * switch (r.outcome()) { case RESUME -> ...; case HALT -> ...; case EXIT_TO_HOST -> ...; }
 * }</pre>
 *
 * <p>Thread safety: a Vm may be shared by threads that each run different vCPUs; the trap state
 * is per vCPU. Traps on the same vCPU must not run concurrently.
 *
 * <p>Nothing this class takes or returns is an SPI or engine type: the architecture modules and the
 * engine reach the VM's internals (codec, hypercall table, the architecture's per-VM part, trap frames)
 * through the {@code VmContext} the engine gets for it, which users never need.
 */
@API(status = STABLE, since = "1.0")
public final class Vm {
    static {
        // the engine's only door to a VM's internals (dev.hcsim.core.engine.Engine, exported to hcsim's modules only)
        Engine.install(vm -> vm.context, Vm::new);
    }

    private final Architecture arch;
    private final VmConfig config;
    private final Map<String, String> options;
    private final Set<String> features;
    private final ByteOrder order;
    private final Codec codec;
    private final int fetchMin;
    private final int fetchMax;
    private final HypercallTable table;
    private final ArchitectureVm archVm;
    private final KvmControl control;
    /** KVM's kvm_vm_has_ran_once: set by the first trap or schedule-in of any vCPU, never cleared. */
    private volatile boolean ran;
    /** Whether a standalone machine drives this VM ({@link VmContext#claimForMachine}). */
    private final java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
    private final long[] ids;
    private final long[] sortedIds;
    private final int[] sortedIndex;
    private final boolean identityIds;
    private final Trap[] frames;
    private final TrapView[] views;
    // Copy-on-write: the trap path reads the array once and loops over it; an empty array costs no allocation.
    private volatile TrapListener[] listeners = NO_LISTENERS;
    private static final TrapListener[] NO_LISTENERS = {};
    /** What the architecture module and the engine see of this VM. */
    private final Context context = new Context();


    private Vm(Architecture arch, VmConfig config) {
        this.arch = arch;
        this.config = config;
        this.options = resolveOptions(arch, config);
        this.features = resolveFeatures(arch, config);
        this.order = arch.byteOrder(options);
        this.codec = arch.codec(order);
        this.fetchMin = codec.minLength();
        this.fetchMax = codec.maxLength();
        int n = config.vcpus();
        this.ids = new long[n];
        long[] explicit = config.vcpuIds();
        boolean identity = true;
        for (int i = 0; i < n; i++) {
            ids[i] = explicit != null ? explicit[i] : arch.vcpuId(i);
            identity &= ids[i] == i;
        }
        this.identityIds = identity;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Long.compareUnsigned(ids[a], ids[b]));
        this.sortedIds = new long[n];
        this.sortedIndex = new int[n];
        for (int i = 0; i < n; i++) {
            sortedIds[i] = ids[idx[i]];
            sortedIndex[i] = idx[i];
            if (i > 0 && sortedIds[i] == sortedIds[i - 1]) {
                throw new IllegalArgumentException(arch.vcpuIdName() + " 0x" + Long.toHexString(sortedIds[i]) + " is given to two vCPUs");
            }
        }
        this.archVm = arch.attach(context);
        this.control = new KvmControl(this, archVm.ioctls());
        this.table = HypercallTable.build(arch.hypercalls(), archVm::offers);
        this.frames = new Trap[n];
        this.views = new TrapView[n];
        CallLayout layout = new CallLayout(contract()); // one per VM, shared by its frames
        for (int i = 0; i < n; i++) {
            frames[i] = new Trap(context, i, new MemoryAccess(null, order), layout);
            views[i] = new TrapView(frames[i]);
        }
    }

    /**
     * Creates a VM; the architecture is found by name or alias through {@link Hcsim}.
     * @param config the VM's configuration
     * @return the new VM
     * @throws IllegalArgumentException with a one-line message for a null configuration, an unknown architecture,
     *   option, option value or feature, too many vCPUs for the architecture's KVM, or two vCPUs with one id
     */
    public static Vm create(VmConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("the VM configuration is null");
        }
        return new Vm(Architectures.named(config.architecture()), config);
    }

    private static Map<String, String> resolveOptions(Architecture arch, VmConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        for (OptionSpec o : arch.options()) {
            out.put(o.name(), o.defaultValue());
        }
        for (Map.Entry<String, String> e : config.options().entrySet()) {
            OptionSpec spec = arch.options().stream().filter(o -> o.name().equals(e.getKey())).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("unknown option '" + e.getKey() + "' for " + arch.name() + "; known: "
                            + arch.options().stream().map(OptionSpec::name).collect(Collectors.joining(", "))));
            if (!spec.accepts(e.getValue())) {
                throw new IllegalArgumentException("option " + e.getKey() + "=" + e.getValue() + " is not accepted; expected "
                        + spec.expected());
            }
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static Set<String> resolveFeatures(Architecture arch, VmConfig config) {
        Set<String> known = arch.features().stream().map(FeatureSpec::name).collect(Collectors.toCollection(LinkedHashSet::new));
        for (String f : config.featuresOn()) {
            requireKnown(arch, known, f);
        }
        for (String f : config.featuresOff()) {
            requireKnown(arch, known, f);
        }
        Set<String> on = new LinkedHashSet<>();
        for (FeatureSpec f : arch.features()) {
            if ((f.defaultOn() || config.featuresOn().contains(f.name())) && !config.featuresOff().contains(f.name())) {
                on.add(f.name());
            }
        }
        return Set.copyOf(on);
    }

    private static void requireKnown(Architecture arch, Set<String> known, String f) {
        if (!known.contains(f)) {
            throw new IllegalArgumentException("unknown feature '" + f + "' for " + arch.name() + "; known: " + String.join(", ", known));
        }
    }

    // ---------------------------------------------------------------- the embedding path

    /**
     * Handles a trap on vCPU {@code vcpu}: fetches the instruction at {@code regs.pc()} from
     * {@code memory}, decodes it, applies the contract, runs the handler, writes results and PC, and
     * says what the caller does next. Effects on other vCPUs go through {@code control}. Never throws
     * for guest input; the result is valid until the next trap on this vCPU.
     * @param vcpu the trapping vCPU's index, 0 to vcpus-1
     * @param regs the vCPU's registers, read and written in place
     * @param memory the guest memory
     * @param control what the VM does to other vCPUs (kick, IPI, CPU_ON, yield); null for {@link VcpuControl#NONE}
     * @return what happened and what the caller does next
     * @throws IllegalArgumentException when {@code vcpu} is not a vCPU of this VM, or {@code regs} or {@code memory} is null
     */
    public TrapResult trap(int vcpu, RegisterAccess regs, GuestMemory memory, VcpuControl control) {
        Trap t = frame(vcpu, regs, memory);
        markRun();
        TrapListener[] ls = listeners;
        for (TrapListener l : ls) {
            l.before(vcpu, regs);
        }
        t.begin(regs, memory, control);
        // when nothing is readable, the trap gate raises the architecture's fetch fault; a SparseMemory's bytes are kept
        t.fetchThroughOwnSite(fetchMin, fetchMax);
        archVm.trap(t);
        TrapView view = views[vcpu];
        for (TrapListener l : ls) {
            l.after(vcpu, view, regs);
        }
        return view;
    }

    /**
     * Like {@link #trap(int, RegisterAccess, GuestMemory, VcpuControl)} with the instruction bytes
     * given by the caller (an emulator that already fetched them).
     * @param vcpu the trapping vCPU's index, 0 to vcpus-1
     * @param regs the vCPU's registers, read and written in place
     * @param memory the guest memory
     * @param control what the VM does to other vCPUs
     * @param instruction the trapping instruction's bytes in memory order
     * @return what happened and what the caller does next
     * @throws IllegalArgumentException when {@code vcpu} is not a vCPU of this VM, or {@code regs}, {@code memory} or
     *   {@code instruction} is null
     */
    public TrapResult trap(int vcpu, RegisterAccess regs, GuestMemory memory, VcpuControl control, byte[] instruction) {
        Trap t = frame(vcpu, regs, memory);
        if (instruction == null) {
            throw new IllegalArgumentException("the instruction bytes are null");
        }
        markRun();
        TrapListener[] ls = listeners;
        for (TrapListener l : ls) {
            l.before(vcpu, regs);
        }
        t.begin(regs, memory, control);
        t.givenBytes(instruction, 0, instruction.length);
        archVm.trap(t);
        TrapView view = views[vcpu];
        for (TrapListener l : ls) {
            l.after(vcpu, view, regs);
        }
        return view;
    }

    /**
     * {@link VmContext#trap}: the engine's trap at a known call site (no bounds checks: the engine passes its own; no
     * {@link #markRun}: the scheduler marked the VM run when it scheduled the trapping vCPU in).
     */
    private TrapResult trapAt(int vcpu, RegisterAccess regs, SparseMemory memory, VcpuControl control, TrapSite site) {
        Trap t = frames[vcpu];
        TrapListener[] ls = listeners;
        for (TrapListener l : ls) {
            l.before(vcpu, regs);
        }
        t.begin(regs, memory, control);
        t.site(site);
        site.fetchInto(t, memory, fetchMin, fetchMax); // when nothing is readable, the trap gate raises the fetch fault
        archVm.trap(t);
        TrapView view = views[vcpu];
        for (TrapListener l : ls) {
            l.after(vcpu, view, regs);
        }
        return view;
    }

    /** The checks every embedding entry point makes: one clear exception for a misuse, never a raw one from inside. */
    private Trap frame(int vcpu, RegisterAccess regs, GuestMemory memory) {
        checkVcpu(vcpu);
        if (regs == null) {
            throw new IllegalArgumentException("the registers of vCPU " + vcpu + " are null");
        }
        if (memory == null) {
            throw new IllegalArgumentException("the guest memory is null");
        }
        return frames[vcpu];
    }

    private void checkVcpu(int vcpu) {
        // ids, not frames: the architecture asks for vCPU ids while the VM is still being built
        if (vcpu < 0 || vcpu >= ids.length) {
            throw new IllegalArgumentException("vCPU " + vcpu + " does not exist: the VM has vCPUs 0 to " + (ids.length - 1));
        }
    }

    /**
     * Completes a trap whose outcome was {@link Outcome#EXIT_TO_HOST}: the host's return value is
     * written as the kernel writes it on re-entry, and the PC advances.
     * @param vcpu the vCPU whose exit is completed
     * @param regs the vCPU's registers, written in place
     * @param memory the guest memory
     * @param hostReturn the value the host answers the exit with
     * @return the completed trap's result
     * @throws IllegalStateException when the vCPU's last trap did not exit to the host
     * @throws IllegalArgumentException when {@code vcpu} is not a vCPU of this VM, or {@code regs} or {@code memory} is null
     */
    public TrapResult completeExit(int vcpu, RegisterAccess regs, GuestMemory memory, long hostReturn) {
        Trap t = frame(vcpu, regs, memory);
        if (t.outcome() != Outcome.EXIT_TO_HOST) {
            throw new IllegalStateException("vCPU " + vcpu + " has no exit to complete");
        }
        t.completeExit(regs, memory, hostReturn);
        return views[vcpu];
    }

    /**
     * Completes a trap whose outcome was {@link Outcome#EXIT_TO_HOST} with the exit as the host filled
     * it in, as a VMM edits {@code struct kvm_run} before the next {@code KVM_RUN}: re-entry reads what
     * the kernel reads from it ({@code papr_hcall.ret} and {@code args[9]}, {@code riscv_sbi.ret[2]},
     * {@code hypercall.ret}, ...).
     * @param vcpu the vCPU whose exit is completed
     * @param regs the vCPU's registers, written in place
     * @param memory the guest memory
     * @param answer the pending {@link TrapResult#exit()}'s record with the host's answer in it
     * @return the completed trap's result
     * @throws IllegalStateException when the vCPU's last trap did not exit to the host
     * @throws IllegalArgumentException when {@code answer} is null or another kind of exit than the pending one
     */
    public TrapResult completeExit(int vcpu, RegisterAccess regs, GuestMemory memory, Exit answer) {
        Trap t = frame(vcpu, regs, memory);
        if (t.outcome() != Outcome.EXIT_TO_HOST) {
            throw new IllegalStateException("vCPU " + vcpu + " has no exit to complete");
        }
        if (answer == null || answer.getClass() != t.exit().getClass()) {
            throw new IllegalArgumentException("the answer to vCPU " + vcpu + "'s " + t.exit().reason() + " exit must be an "
                    + t.exit().getClass().getSimpleName() + ", not " + (answer == null ? "null" : answer.getClass().getSimpleName()));
        }
        t.completeExit(regs, memory, answer);
        return views[vcpu];
    }

    // ---------------------------------------------------------------- what the VM is

    /**
     * The architecture this VM simulates.
     * @return its names, registers, trap contract and discovery
     */
    public ArchitectureInfo architecture() {
        return arch;
    }

    /**
     * The configuration the VM was created with.
     * @return the configuration
     */
    public VmConfig config() {
        return config;
    }

    /**
     * The architecture's trap contract.
     * @return the contract
     */
    public TrapContract contract() {
        return arch.contract();
    }

    /**
     * The guest's byte order, for this VM's options.
     * @return big- or little-endian
     */
    public ByteOrder byteOrder() {
        return order;
    }

    /**
     * Assembles {@code source} for this VM's architecture, byte order and mode, as GNU as would (the
     * guest instruction subset, labels, {@code .byte}/{@code .4byte}/{@code .org} and the like), to be
     * loaded at {@code origin}: what an embedder's tests put in guest memory.
     * @param source the assembly text, one statement per line
     * @param origin the guest address of the first byte
     * @return the program: bytes, labels and a listing
     * @throws IllegalArgumentException for a null source, or for a statement the assembler rejects (the message
     *   starts with its 1-based line: {@code "line 3: ..."})
     */
    public Program assemble(String source, long origin) {
        if (source == null) {
            throw new IllegalArgumentException("the assembly source is null");
        }
        return Assembler.assemble(codec, source, origin);
    }

    /**
     * Disassembles {@code code} as this VM's CPU decodes it, one line per machine instruction, as GNU objdump
     * prints them; bytes outside the guest instruction subset give a line whose text says so (never an exception).
     * @param code the bytes, in memory order
     * @param origin the guest address of the first byte
     * @return one line per instruction: address, its bytes and its text
     * @throws IllegalArgumentException when {@code code} is null
     */
    public java.util.List<Program.Line> disassemble(byte[] code, long origin) {
        if (code == null) {
            throw new IllegalArgumentException("the code to disassemble is null");
        }
        java.util.List<Program.Line> lines = new java.util.ArrayList<>();
        int at = 0;
        while (at < code.length) {
            dev.hcsim.core.spi.Instruction ins = codec.decode(code, at, code.length - at, origin + at);
            int n = Math.min(Math.max(ins.length(), 1), code.length - at);
            lines.add(new Program.Line(origin + at, Arrays.copyOfRange(code, at, at + n), ins.text()));
            at += n;
        }
        return java.util.List.copyOf(lines);
    }

    /**
     * True when the VM offers feature {@code name}.
     * @param name a feature name the architecture declares
     * @return whether the feature is on (the default or switched on, and not switched off)
     */
    public boolean feature(String name) {
        return features.contains(name);
    }

    /**
     * The features this VM offers.
     * @return an unmodifiable set of feature names
     */
    public Set<String> features() {
        return features;
    }

    /**
     * The resolved value of option {@code name}.
     * @param name an option the architecture declares
     * @return its value: the configured one, or the architecture's default
     * @throws IllegalArgumentException when the architecture has no such option
     */
    public String option(String name) {
        String v = options.get(name);
        if (v == null) {
            throw new IllegalArgumentException("unknown option '" + name + "'");
        }
        return v;
    }

    /**
     * Option {@code name} as a number.
     * @param name an option the architecture declares
     * @return its value, parsed as {@link Bytes#parseNumber} does
     * @throws IllegalArgumentException when there is no such option or its value is not a number
     */
    public long optionNumber(String name) {
        return Bytes.parseNumber(option(name));
    }

    /**
     * Every resolved option.
     * @return an unmodifiable map of every declared option to its value
     */
    public Map<String, String> options() {
        return java.util.Collections.unmodifiableMap(options);
    }

    /**
     * The number of vCPUs.
     * @return the vCPU count, 1 to {@link VmConfig#MAX_VCPUS}
     */
    public int vcpuCount() {
        return ids.length;
    }

    /**
     * The architecture id (APIC ID, MPIDR, ...) of vCPU {@code index}.
     * @param index the vCPU index, 0 to vcpus-1
     * @return its id
     * @throws IllegalArgumentException when {@code index} is not a vCPU of this VM
     */
    public long vcpuId(int index) {
        checkVcpu(index);
        return ids[index];
    }

    /**
     * The index of the vCPU with architecture id {@code id}, or -1. Allocation-free.
     * @param id the architecture's id of a vCPU, as {@link #vcpuId} gives it
     * @return the vCPU index, or -1 when no vCPU has that id
     */
    public int vcpuIndex(long id) {
        if (identityIds) {
            return id >= 0 && id < ids.length ? (int) id : -1;
        }
        int lo = 0;
        int hi = sortedIds.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(sortedIds[mid], id);
            if (c == 0) {
                return sortedIndex[mid];
            } else if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /**
     * The architecture module's own per-VM object, for the few embedder hooks that KVM's uAPI has no
     * ioctl for and {@link #control()} therefore does not cover (a virtio notification sink, for one); its
     * type is the architecture module's public per-VM class.
     * @param <T> that class
     * @param type that class
     * @return this VM's per-VM object of the architecture
     * @throws IllegalArgumentException when {@code type} is null or the architecture's per-VM object is not a {@code type}
     */
    public <T> T archState(Class<T> type) {
        if (type == null || !type.isInstance(archVm)) {
            throw new IllegalArgumentException("the " + arch.name() + " VM's architecture state is a " + archVm.getClass().getSimpleName()
                    + ", not a " + (type == null ? "null" : type.getSimpleName()));
        }
        return type.cast(archVm);
    }

    /**
     * Puts {@code vcpu}'s control state (privilege, mode, the architecture's reset values) into the VM's
     * reset state, as KVM does when it creates or resets a vCPU.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param regs its registers, written in place
     * @throws IllegalArgumentException for a vCPU index out of range or null registers
     */
    public void resetVcpu(int vcpu, RegisterAccess regs) {
        checkVcpu(vcpu);
        if (regs == null) {
            throw new IllegalArgumentException("the registers of vCPU " + vcpu + " are null");
        }
        archVm.resetVcpu(vcpu, regs);
    }

    /**
     * Tells the VM that {@code vcpu} got a physical CPU (steal-time and PV-time updates, as KVM does on
     * vcpu_load).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param nowNanos virtual time now
     * @param stealNanos how long it waited runnable since it last ran
     * @param memory the guest memory the architecture writes its records into
     * @throws IllegalArgumentException for a vCPU index out of range or null memory
     */
    public void scheduleIn(int vcpu, long nowNanos, long stealNanos, MemoryAccess memory) {
        checkVcpu(vcpu);
        if (memory == null) {
            throw new IllegalArgumentException("the guest memory is null");
        }
        archVm.scheduleIn(vcpu, nowNanos, stealNanos, memory);
    }

    /**
     * Tells the VM that {@code vcpu} left its physical CPU (the steal-time record's preempted flag, as
     * KVM does on vcpu_put).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param nowNanos virtual time now
     * @param preempted whether it was still runnable (preempted) rather than halted or stopped
     * @param memory the guest memory the architecture writes its records into
     * @throws IllegalArgumentException for a vCPU index out of range or null memory
     */
    public void scheduleOut(int vcpu, long nowNanos, boolean preempted, MemoryAccess memory) {
        checkVcpu(vcpu);
        if (memory == null) {
            throw new IllegalArgumentException("the guest memory is null");
        }
        archVm.scheduleOut(vcpu, nowNanos, preempted, memory);
    }

    /**
     * Adds {@code l} after the listeners already registered; it is called before and after every trap
     * from then on. The trap path allocates nothing for the listeners themselves.
     * @param l the listener
     * @throws IllegalArgumentException when {@code l} is null
     */
    public synchronized void addTrapListener(TrapListener l) {
        if (l == null) {
            throw new IllegalArgumentException("the trap listener is null");
        }
        TrapListener[] now = listeners;
        TrapListener[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = l;
        listeners = next;
    }

    /**
     * Removes the first registration of {@code l}.
     * @param l the listener
     * @return true when it was registered
     */
    public synchronized boolean removeTrapListener(TrapListener l) {
        TrapListener[] now = listeners;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == l) {
                TrapListener[] next = new TrapListener[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                listeners = next.length == 0 ? NO_LISTENERS : next;
                return true;
            }
        }
        return false;
    }

    /**
     * The VMM-side control surface: ONE_REG, MSRs, device attributes, capabilities, CPUID and synced
     * registers, with KVM's names and errno answers.
     * @return this VM's controls
     */
    public KvmControl control() {
        return control;
    }

    /**
     * True once any vCPU of this VM has run (kvm_vm_has_ran_once): its first trap or its first
     * schedule-in. The controls KVM freezes at the first KVM_RUN answer -EBUSY from then on.
     * @return whether the VM has run
     */
    public boolean hasRun() {
        return ran;
    }

    /** A VMM-side change may have changed which calls the VM offers: call sites ask the architecture again. */
    void offersChanged() {
        table.offersChanged();
    }

    /** Records that a vCPU runs. A plain read before the write keeps the trap path free of stores. */
    private void markRun() {
        if (!ran) {
            ran = true;
        }
    }

    /**
     * The VM's complete hypercall state now, as an immutable value (see {@link VmSnapshot}).
     * @return the snapshot
     * @throws IllegalStateException when an exit to the host is pending on a vCPU (complete it first)
     */
    public VmSnapshot snapshot() {
        for (int v = 0; v < frames.length; v++) {
            if (frames[v].outcome() == Outcome.EXIT_TO_HOST) {
                throw new IllegalStateException("vCPU " + v + " has an exit to the host pending: complete it (completeExit) before the snapshot");
            }
        }
        VmSnapshot.State.Builder vmState = VmSnapshot.State.builder();
        java.util.List<VmSnapshot.State.Builder> vcpuStates = new java.util.ArrayList<>();
        for (int v = 0; v < frames.length; v++) {
            vcpuStates.add(VmSnapshot.State.builder());
        }
        archVm.save(vmState, vcpuStates);
        return new VmSnapshot(VmSnapshot.FORMAT, arch.name(), ran, vmState.build(),
                vcpuStates.stream().map(VmSnapshot.State.Builder::build).toList());
    }

    /**
     * Puts a snapshot's state into this VM, which must have the snapshot's architecture and vCPU
     * count and the configuration of the VM it was taken from (the configuration is not part of the
     * snapshot, as QEMU's destination is started with the source's command line). Meant for a
     * fresh VM; the guest's registers and memory are restored by the embedder.
     * @param snapshot a snapshot of a VM of this configuration
     * @throws IllegalArgumentException for a null snapshot, another architecture, another vCPU count, or a field the
     *   architecture cannot use
     */
    public void restore(VmSnapshot snapshot) {
        if (snapshot == null) {
            throw new IllegalArgumentException("the snapshot is null");
        }
        if (!snapshot.architecture().equals(arch.name())) {
            throw new IllegalArgumentException("snapshot of a " + snapshot.architecture() + " VM cannot be restored into a " + arch.name() + " VM");
        }
        if (snapshot.vcpus().size() != frames.length) {
            throw new IllegalArgumentException("snapshot has " + snapshot.vcpus().size() + " vCPUs, this VM has " + frames.length);
        }
        try {
            archVm.restore(snapshot.vm(), snapshot.vcpus());
        } finally {
            table.offersChanged(); // the restored state may offer other calls than the call sites kept
        }
        if (snapshot.hasRun()) {
            markRun();
        }
    }

    /** The SPI's view of this VM ({@link VmContext}): what architecture modules and the engine use. */
    private final class Context implements VmContext {
        @Override
        public Architecture architecture() {
            return arch;
        }

        @Override
        public VmConfig config() {
            return config;
        }

        @Override
        public HypercallTable hypercalls() {
            return table;
        }

        @Override
        public ByteOrder byteOrder() {
            return order;
        }

        @Override
        public Codec codec() {
            return codec;
        }

        @Override
        public boolean feature(String name) {
            return features.contains(name);
        }

        @Override
        public Set<String> features() {
            return features;
        }

        @Override
        public String option(String name) {
            return Vm.this.option(name);
        }

        @Override
        public long optionNumber(String name) {
            return Vm.this.optionNumber(name);
        }

        @Override
        public Map<String, String> options() {
            return Vm.this.options();
        }

        @Override
        public int vcpuCount() {
            return ids.length;
        }

        @Override
        public long vcpuId(int index) {
            return Vm.this.vcpuId(index);
        }

        @Override
        public int vcpuIndex(long id) {
            return Vm.this.vcpuIndex(id);
        }

        @Override
        public boolean hasRun() {
            return ran;
        }

        @Override
        public void markRun() {
            Vm.this.markRun();
        }

        @Override
        public boolean claimForMachine() {
            return claimed.compareAndSet(false, true);
        }

        @Override
        public <T extends ArchitectureVm> T archState(Class<T> type) {
            return type.cast(archVm);
        }

        @Override
        public ArchitectureVm archVm() {
            return archVm;
        }

        @Override
        public TrapResult trap(int vcpu, RegisterAccess regs, SparseMemory memory, VcpuControl control, TrapSite site) {
            return trapAt(vcpu, regs, memory, control, site);
        }

        @Override
        public Trap frame(int vcpu) {
            checkVcpu(vcpu);
            return frames[vcpu];
        }
    }
}
