package dev.hcsim.core.sched;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Exit;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.SeededRandom;
import dev.hcsim.core.trace.SchedEvent;
import dev.hcsim.core.trace.TraceSink;
import dev.hcsim.core.trace.TrapEvent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A standalone VM: guest memory, one register file per vCPU, the interpreter, and the shared
 * deterministic scheduler that implements {@link VcpuControl}.
 *
 * <p>The scheduler is a discrete-event simulation in virtual time. Each tick every physical CPU
 * runs one guest instruction of its current vCPU (in an order rotated by the seeded random
 * generator, so that races between physical CPUs depend on the seed and only on it). A vCPU keeps
 * its physical CPU for a quantum of instructions while others wait, then is preempted. Halted vCPUs
 * leave their physical CPU until an interrupt or kick. The same seed gives the same trace, byte for
 * byte. Not thread-safe: one thread runs one machine.
 */
public final class Machine implements VcpuControl {
    private static final int CACHE_SIZE = 1 << 12;

    private final Vm vm;
    private final String name;
    private final SparseMemory memory;
    private final MemoryAccess hookMemory;
    private final ArchitectureVm archVm;
    private final Codec codec;
    private final RegisterLayout layout;
    private final Slot[] slots;
    private final int[] pcpuCurrent;
    private final long[] pcpuSlice;
    private final int[] pcpuYieldHint;
    private final IntQueue runqueue;
    private final SeededRandom rng;
    private final long quantum;
    private final long nsPerTick;
    private final byte[] fetchBuf = new byte[16];
    private final long[] cacheTag = new long[CACHE_SIZE];
    private final Instruction[] cacheInsn = new Instruction[CACHE_SIZE];
    private final int[] cacheLength = new int[CACHE_SIZE];
    private long cacheGeneration = -1;
    private TraceSink sink = TraceSink.NONE;
    private HostHandler host = HostHandler.DEFAULT;
    private long time;
    private long steps;
    private long instructions;
    private Exit.SystemEvent systemEvent;
    private int currentVcpu = -1;
    private long[] trapBefore;
    private long events;
    private final TraceObserver traceObserver;

    private static final VcpuState[] STATES = VcpuState.values();

    /** Per-vCPU state the scheduler keeps. */
    private static final class Slot {
        RegisterFile regs;
        Cpu cpu;
        // The state as its ordinal: the scheduler changes it at almost every event, and a primitive store
        // needs no garbage-collector write barrier. Once the slots are in the old generation, an enum
        // store into each of thousands of slots dirties a card per vCPU (with a fence), which made a
        // 4096-vCPU run several times slower per event than a 2-vCPU one.
        private byte state = (byte) VcpuState.RUNNABLE.ordinal();

        VcpuState state() {
            return STATES[state];
        }

        void state(VcpuState s) {
            state = (byte) s.ordinal();
        }

        /** {@code state() == s} without the array load (the check after every instruction). */
        boolean is(VcpuState s) {
            return state == s.ordinal();
        }
        boolean wakePending;
        int pendingInterrupts;
        final VectorCounts interrupts = new VectorCounts();
        long enqueuedAt;
        long stealNanos;
        long instructions;
        int pcpu = -1;
        String stopReason;
    }

    /**
     * Builds a machine for {@code config}; every vCPU starts runnable at PC 0 unless set otherwise before {@link #run}.
     * @param config the VM's configuration
     * @param name the VM's name in traces
     * @throws IllegalArgumentException with a one-line message when the VM cannot be created from {@code config}
     */
    public Machine(VmConfig config, String name) {
        this(Vm.create(config), name);
    }

    /** The VMs a machine was built around: the per-VM architecture state (steal-time MSRs, lowcore prefixes, ...) is one guest's. */
    private static final java.util.Set<Vm> CLAIMED = java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    /**
     * Builds a machine around a VM the caller already created. One VM has one machine: its per-VM architecture
     * state (registered steal-time records, shared pages, ...) belongs to one guest memory, so a second machine
     * around the same VM is refused rather than made to write one guest's records into the other's memory.
     * @param vm the VM; its memory regions are allocated afresh for this machine
     * @param name the VM's name in traces
     * @throws IllegalStateException when another machine was already built around {@code vm}
     */
    public Machine(Vm vm, String name) {
        synchronized (CLAIMED) {
            if (!CLAIMED.add(vm)) {
                throw new IllegalStateException("this Vm already has a Machine: create one Vm per Machine (Vm.create), since the per-VM "
                        + "architecture state belongs to one guest memory");
            }
        }
        this.vm = vm;
        this.name = name;
        this.memory = new SparseMemory(vm.config().memory());
        this.hookMemory = new MemoryAccess(memory, vm.byteOrder());
        this.archVm = vm.archVm();
        this.codec = vm.codec();
        this.layout = vm.architecture().registers();
        VmConfig c = vm.config();
        this.quantum = c.quantum();
        this.nsPerTick = c.nanosPerInstruction();
        this.rng = new SeededRandom(c.seed());
        this.slots = new Slot[vm.vcpuCount()];
        this.runqueue = new IntQueue(slots.length);
        for (int i = 0; i < slots.length; i++) {
            Slot s = new Slot();
            s.regs = new RegisterFile(layout);
            s.cpu = new Cpu(vm, i, s.regs, new MemoryAccess(memory, vm.byteOrder()));
            s.cpu.control(this);
            archVm.resetVcpu(i, s.regs);
            slots[i] = s;
        }
        this.pcpuCurrent = new int[c.pcpus()];
        this.pcpuSlice = new long[c.pcpus()];
        this.pcpuYieldHint = new int[c.pcpus()];
        java.util.Arrays.fill(pcpuCurrent, -1);
        java.util.Arrays.fill(pcpuYieldHint, -1);
        this.traceObserver = new TraceObserver();
    }

    // ---------------------------------------------------------------- set-up

    /**
     * The VM this machine runs.
     * @return the VM
     */
    public Vm vm() {
        return vm;
    }

    /**
     * The VM's name in traces.
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The guest memory of this machine.
     * @return the memory every vCPU reads and writes
     */
    public SparseMemory memory() {
        return memory;
    }

    /**
     * The register file of {@code vcpu} (set initial registers and PC here before running).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return its live register file
     */
    public RegisterFile registers(int vcpu) {
        return slots[vcpu].regs;
    }

    /**
     * Sets the initial state of {@code vcpu} (RUNNABLE, HALTED or OFF) before the run.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param state its state when the run starts
     */
    public void initialState(int vcpu, VcpuState state) {
        slots[vcpu].state(state);
    }

    /**
     * Sends the trace to {@code s} (null: no trace, and no per-trap register snapshots either).
     * @param s the sink, or null
     */
    public void traceTo(TraceSink s) {
        sink = s == null ? TraceSink.NONE : s;
        vm.removeTrapListener(traceObserver);
        if (sink != TraceSink.NONE) {
            vm.addTrapListener(traceObserver);
        }
    }

    /**
     * Installs the host side of exits (null: {@link HostHandler#DEFAULT}).
     * @param h the handler that answers exits to the host, or null
     */
    public void host(HostHandler h) {
        host = h == null ? HostHandler.DEFAULT : h;
    }

    /**
     * Writes {@code bytes} at {@code gpa}; throws {@link IllegalArgumentException} when outside the VM's memory.
     * @param gpa the guest physical address of the first byte
     * @param bytes the bytes to write, such as an assembled program
     * @throws IllegalArgumentException when the bytes do not fit in the VM's memory
     */
    public void load(long gpa, byte[] bytes) {
        if (!memory.write(gpa, bytes, 0, bytes.length)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%d bytes at 0x%x do not fit in the VM's memory", bytes.length, gpa));
        }
    }

    // ---------------------------------------------------------------- queries

    /**
     * Virtual time now.
     * @return nanoseconds since the run started
     */
    public long now() {
        return time;
    }

    /**
     * The scheduling state of {@code vcpu} now.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return its state
     */
    public VcpuState stateOf(int vcpu) {
        return slots[vcpu].state();
    }

    /**
     * Why the vCPU was stopped, or null.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the reason (a fault, an exit the host did not answer, a system event), or null while it may run
     */
    public String stopReason(int vcpu) {
        return slots[vcpu].stopReason;
    }

    /**
     * Interrupts delivered to {@code vcpu}, by vector: a snapshot in vector order.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return vector to delivery count
     */
    public Map<Integer, Integer> interrupts(int vcpu) {
        return slots[vcpu].interrupts.toMap();
    }

    /**
     * Total time {@code vcpu} waited runnable (steal time).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return virtual nanoseconds
     */
    public long stealNanos(int vcpu) {
        return slots[vcpu].stealNanos;
    }

    /**
     * Guest instructions {@code vcpu} has executed.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the count, traps included
     */
    public long instructions(int vcpu) {
        return slots[vcpu].instructions;
    }

    /**
     * Scheduler events so far: one per line the trace has or would have (run, preempt, halt, wake,
     * kick, interrupt, yield, exit, ...), counted whether or not a trace sink listens.
     * @return the event count
     */
    public long events() {
        return events;
    }

    /**
     * The system event that ended the run (a vCPU's {@code KVM_EXIT_SYSTEM_EVENT}), or null.
     * @return the event, with its type and data, or null
     */
    public Exit.SystemEvent systemEvent() {
        return systemEvent;
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs until no vCPU can run, a system event, or a budget runs out.
     * @param maxSteps the most scheduler ticks to run
     * @param maxTimeNanos the most virtual nanoseconds to run
     * @return why the run ended, with the steps, time and instructions it took
     */
    public RunResult run(long maxSteps, long maxTimeNanos) {
        return run(maxSteps, maxTimeNanos, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * Runs until no vCPU can run, a system event, or a budget runs out. A tick runs one instruction on every busy
     * physical CPU, so a VM with many physical CPUs needs a budget in guest instructions to bound its cost; the
     * wall-clock deadline is checked every 4096 ticks.
     * @param maxSteps the most scheduler ticks to run
     * @param maxTimeNanos the most virtual nanoseconds to run
     * @param maxInstructions the most guest instructions to run, on all vCPUs together
     * @param deadlineNanoTime the {@link System#nanoTime()} after which the run stops ({@code Long.MAX_VALUE}: none)
     * @return why the run ended, with the steps, time and instructions it took
     */
    public RunResult run(long maxSteps, long maxTimeNanos, long maxInstructions, long deadlineNanoTime) {
        long instructionLimit = instructions + maxInstructions < instructions ? Long.MAX_VALUE : instructions + maxInstructions;
        if (steps == 0 && time == 0) {
            int[] order = new int[slots.length];
            int n = 0;
            for (int i = 0; i < slots.length; i++) {
                if (slots[i].state() == VcpuState.RUNNABLE) {
                    order[n++] = i;
                }
            }
            // Seeded shuffle of the initial run queue: which vCPU starts first depends on the seed only.
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int i = 0; i < n; i++) {
                runqueue.addLast(order[i]);
            }
        }
        int m = pcpuCurrent.length;
        long stepLimit = steps + maxSteps;
        while (true) {
            if (systemEvent != null) {
                return end(RunResult.Reason.SYSTEM_EVENT);
            }
            if (steps >= stepLimit) {
                return end(RunResult.Reason.STEP_BUDGET);
            }
            if (time >= maxTimeNanos) {
                return end(RunResult.Reason.TIME_BUDGET);
            }
            if (instructions >= instructionLimit) {
                return end(RunResult.Reason.INSTRUCTION_BUDGET);
            }
            if ((steps & 4095) == 0 && deadlineNanoTime != Long.MAX_VALUE && System.nanoTime() - deadlineNanoTime > 0) {
                return end(RunResult.Reason.WALL_CLOCK);
            }
            boolean any = false;
            int start = m == 1 ? 0 : rng.nextInt(m);
            for (int k = 0; k < m && systemEvent == null; k++) {
                int p = start + k < m ? start + k : start + k - m;
                int v = pcpuCurrent[p];
                if (v < 0) {
                    v = pickNext(p);
                    if (v < 0) {
                        continue;
                    }
                }
                any = true;
                step(v, p);
            }
            if (!any) {
                return end(RunResult.Reason.IDLE);
            }
            steps++;
            time += nsPerTick;
        }
    }

    /**
     * Counts one scheduler event and says whether to build its trace record: only when a sink
     * listens, because building one (its detail text) allocates and the untraced run must not.
     */
    private boolean event() {
        events++;
        return sink != TraceSink.NONE;
    }

    private RunResult end(RunResult.Reason reason) {
        if (event()) {
            sink.accept(new SchedEvent(time, name, -1, "end", null, null, reason.name().toLowerCase(java.util.Locale.ROOT)));
        }
        return new RunResult(reason, steps, time, instructions);
    }

    private int pickNext(int p) {
        if (runqueue.isEmpty()) {
            return -1;
        }
        int v;
        int hint = pcpuYieldHint[p];
        pcpuYieldHint[p] = -1;
        if (hint >= 0 && runqueue.remove(hint)) {
            v = hint;
        } else {
            v = runqueue.pollFirst();
        }
        Slot s = slots[v];
        s.state(VcpuState.RUNNING);
        s.pcpu = p;
        pcpuCurrent[p] = v;
        pcpuSlice[p] = 0;
        long steal = time - s.enqueuedAt;
        s.stealNanos += steal;
        if (event()) {
            sink.accept(new SchedEvent(time, name, v, "run", p, null, steal > 0 ? "waited " + steal + " ns" : null));
        }
        try {
            vm.markRun();
            archVm.scheduleIn(v, time, steal, hookMemory);
        } catch (GuestFault ignored) {
            // The kernel ignores a failed steal-time update (kvm_steal_time_set_preempted, record_steal_time).
        }
        return v;
    }

    private void deschedule(int v, boolean preempted) {
        Slot s = slots[v];
        int p = s.pcpu;
        if (p >= 0) {
            pcpuCurrent[p] = -1;
            s.pcpu = -1;
            try {
                archVm.scheduleOut(v, time, preempted, hookMemory);
            } catch (GuestFault ignored) {
                // see scheduleIn
            }
        }
    }

    private void enqueue(int v) {
        Slot s = slots[v];
        s.state(VcpuState.RUNNABLE);
        s.enqueuedAt = time;
        runqueue.addLast(v);
    }

    /**
     * The decoded-instruction cache slot of the instruction at {@code pc}, decoding it on a miss, or
     * -1 when not even the shortest instruction can be read there. Decoding happens once per address:
     * the cache is dropped only when the guest writes a page it holds code from, and the length is
     * kept beside the instruction so that advancing the PC needs no call.
     */
    private int fetch(long pc) {
        long gen = memory.codeGeneration();
        if (gen != cacheGeneration) {
            java.util.Arrays.fill(cacheInsn, null);
            cacheGeneration = gen;
        }
        int i = (int) (pc ^ (pc >>> 12)) & (CACHE_SIZE - 1);
        if (cacheInsn[i] != null && cacheTag[i] == pc) {
            return i;
        }
        int n = codec.maxLength();
        while (n >= codec.minLength() && !memory.read(pc, fetchBuf, 0, n)) {
            n--;
        }
        if (n < codec.minLength()) {
            return -1;
        }
        memory.watchCode(pc);
        memory.watchCode(pc + n - 1);
        Instruction ins = codec.decode(fetchBuf, 0, n, pc);
        cacheTag[i] = pc;
        cacheInsn[i] = ins;
        cacheLength[i] = ins.length();
        return i;
    }

    private void step(int v, int p) {
        Slot s = slots[v];
        RegisterFile regs = s.regs;
        long pc = regs.pc();
        int slot = fetch(pc);
        if (slot < 0) {
            stopVcpu(v, String.format(Locale.ROOT, "instruction fetch at 0x%x is outside guest memory", pc));
            return;
        }
        Instruction ins = cacheInsn[slot];
        int length = cacheLength[slot];
        int signal;
        try {
            signal = ins.execute(s.cpu);
        } catch (GuestFault f) {
            signal = s.cpu.fault(String.format(Locale.ROOT, "%s (instruction at 0x%x: %s)", f.getMessage(), pc, ins.text()));
        } catch (RuntimeException e) {
            signal = s.cpu.fault(String.format(Locale.ROOT, "instruction at 0x%x (%s) failed: %s", pc, ins.text(), e));
        }
        s.instructions++;
        instructions++;
        switch (signal) {
            case Cpu.NEXT -> regs.pc(pc + length);
            case Cpu.JUMP -> {
            }
            case Cpu.TRAP -> {
                currentVcpu = v;
                TrapResult r = vm.trap(v, regs, memory, this);
                currentVcpu = -1;
                afterTrap(v, r);
            }
            case Cpu.HALT -> {
                regs.pc(pc + length);
                haltOrContinue(v, "wait for interrupt");
            }
            default -> {
                String why = s.cpu.faultReason();
                s.cpu.clearFault();
                stopVcpu(v, why);
            }
        }
        if (s.is(VcpuState.RUNNING) && ++pcpuSlice[p] >= quantum && !runqueue.isEmpty()) {
            if (event()) {
                sink.accept(new SchedEvent(time, name, v, "preempt", p, null, "quantum of " + quantum + " used"));
            }
            deschedule(v, true);
            enqueue(v);
        }
    }

    private void afterTrap(int v, TrapResult r) {
        Slot s = slots[v];
        switch (r.outcome()) {
            case RESUME -> {
            }
            case HALT -> haltOrContinue(v, noteOrName(v, r));
            case YIELD -> {
                int p = s.pcpu;
                int target = r.yieldTarget();
                if (event()) {
                    sink.accept(new SchedEvent(time, name, v, "yield", p, target >= 0 ? target : null, null));
                }
                if (s.state() == VcpuState.RUNNING && (!runqueue.isEmpty())) {
                    deschedule(v, true);
                    enqueue(v);
                    if (p >= 0 && target >= 0) {
                        pcpuYieldHint[p] = target;
                    }
                }
            }
            case EXIT_TO_HOST -> hostExit(v, r);
            case STOP -> {
                if (s.state() == VcpuState.OFF) {
                    return; // a system event in the same call already stopped every vCPU
                }
                if (event()) {
                    sink.accept(new SchedEvent(time, name, v, "off", pcpuOf(s), null, noteOrName(v, r)));
                }
                deschedule(v, false);
                s.state(VcpuState.OFF);
            }
            case INTERRUPTED -> {
                // delivered to the guest's own handler: the PC is already there, the vCPU runs on
            }
            case FAULT, NOT_A_HYPERCALL -> {
                // The trap gate changed nothing for a fault it leaves to the CPU; this machine's CPU takes it here.
                String what = vm.frame(v).faultDetail();
                if (r.fault() != null) {
                    archVm.deliver(v, s.regs, r.fault());
                }
                stopVcpu(v, String.format(Locale.ROOT, "%s at 0x%x (the guest subset has no handler for it)", what, s.regs.pc()));
            }
        }
    }

    /** A trace event's physical CPU: the one the vCPU is on, or none (left out of the trace) when it is on none. */
    private static Integer pcpuOf(Slot s) {
        return s.pcpu >= 0 ? s.pcpu : null;
    }

    /** What the trace says a halt or power-off was: the trap gate's note (an enabled wait), else the call's name. */
    private String noteOrName(int v, TrapResult r) {
        String note = vm.frame(v).why();
        return note != null ? note : r.callName();
    }

    private void hostExit(int v, TrapResult r) {
        Slot s = slots[v];
        if (event()) {
            // a call that stopped its own vCPU (kvm_prepare_system_event) has already left its physical CPU
            sink.accept(new SchedEvent(time, name, v, "exit", pcpuOf(s), null, r.exit().toString()));
        }
        if (r.exit() instanceof Exit.SystemEvent e && e.type() != SystemEventType.SUSPEND && e.type() != SystemEventType.WAKEUP) {
            // A shutdown, reset or crash is VM-wide: the VMM stops every vCPU (QEMU's qemu_system_shutdown_request and the like).
            // A SUSPEND exit is the calling vCPU's: the host answers it like any other exit.
            systemEvent(v, e, vm.frame(v).why());
            return;
        }
        if (s.state() == VcpuState.OFF) {
            return; // the call itself powered the vCPU off
        }
        long ret = host.answer(v, r);
        if (ret == HostHandler.STAY_EXITED) {
            deschedule(v, false);
            s.state(VcpuState.EXITED);
            s.stopReason = "exited to host: " + r.exit().reason();
            return;
        }
        currentVcpu = v;
        Exit payload = host.payload(v, r, ret);
        TrapResult done = payload != null ? vm.completeExit(v, s.regs, memory, payload) : vm.completeExit(v, s.regs, memory, ret);
        currentVcpu = -1;
        if (event()) {
            sink.accept(new SchedEvent(time, name, v, "reenter", pcpuOf(s), null, payload != null ? "host answered " + payload
                    : "host returned 0x" + Long.toHexString(ret)));
        }
        if (done.outcome() != dev.hcsim.core.Outcome.RESUME) {
            afterTrap(v, done);
        }
    }

    private void haltOrContinue(int v, String why) {
        Slot s = slots[v];
        if (s.wakePending || s.pendingInterrupts > 0) {
            s.wakePending = false;
            s.pendingInterrupts = 0;
            if (event()) {
                sink.accept(new SchedEvent(time, name, v, "wake", pcpuOf(s), null, "halt returns at once: a kick or interrupt was pending"));
            }
            return;
        }
        if (event()) {
            sink.accept(new SchedEvent(time, name, v, "halt", pcpuOf(s), null, why));
        }
        deschedule(v, false);
        s.state(VcpuState.HALTED);
    }

    private void stopVcpu(int v, String reason) {
        Slot s = slots[v];
        if (event()) {
            sink.accept(new SchedEvent(time, name, v, "stopped", pcpuOf(s), null, reason));
        }
        deschedule(v, false);
        s.state(VcpuState.STOPPED);
        s.stopReason = reason;
    }

    private void wake(int v, String event, String detail) {
        Slot s = slots[v];
        if (event()) {
            sink.accept(new SchedEvent(time, name, currentVcpu >= 0 ? currentVcpu : v, event, null, v, detail));
        }
        if (s.state() == VcpuState.HALTED) {
            enqueue(v);
        }
    }

    // ---------------------------------------------------------------- VcpuControl

    private boolean valid(int v) {
        return v >= 0 && v < slots.length;
    }

    @Override
    public VcpuState state(int vcpu) {
        return slots[vcpu].state();
    }

    @Override
    public void kick(int vcpu) {
        if (!valid(vcpu)) {
            return;
        }
        Slot s = slots[vcpu];
        if (s.state() == VcpuState.HALTED) {
            wake(vcpu, "kick", "wakes from halt");
        } else if (s.state() != VcpuState.OFF && s.state() != VcpuState.STOPPED) {
            s.wakePending = true;
            wake(vcpu, "kick", "not halted: its next halt returns at once");
        }
    }

    @Override
    public void interrupt(int vcpu, int vector) {
        if (!valid(vcpu)) {
            return;
        }
        Slot s = slots[vcpu];
        if (s.state() == VcpuState.OFF || s.state() == VcpuState.STOPPED) {
            return;
        }
        s.interrupts.add(vector);
        if (s.state() != VcpuState.HALTED) {
            s.pendingInterrupts++;
        }
        wake(vcpu, "interrupt", sink == TraceSink.NONE ? null : vm.architecture().interruptName(vector));
    }

    @Override
    public boolean start(int vcpu, long entry, int contextRegister, long context) {
        if (!valid(vcpu) || slots[vcpu].state() != VcpuState.OFF) {
            return false;
        }
        Slot s = slots[vcpu];
        archVm.resetVcpu(vcpu, s.regs);
        s.regs.pc(entry);
        if (contextRegister >= 0) {
            s.regs.set(contextRegister, context);
        }
        if (event()) {
            sink.accept(new SchedEvent(time, name, currentVcpu >= 0 ? currentVcpu : vcpu, "start", null, vcpu,
                    "entry 0x" + Long.toHexString(entry) + ", context 0x" + Long.toHexString(context)));
        }
        enqueue(vcpu);
        return true;
    }

    /** Every vCPU of a machine runs on the caller's thread: the action runs at once on the target's registers. */
    @Override
    public boolean onVcpu(int vcpu, java.util.function.Consumer<dev.hcsim.core.RegisterAccess> action) {
        if (!valid(vcpu)) {
            return false;
        }
        action.accept(slots[vcpu].regs);
        return true;
    }

    @Override
    public void stop(int vcpu) {
        if (!valid(vcpu)) {
            return;
        }
        Slot s = slots[vcpu];
        if (s.state() == VcpuState.RUNNABLE) {
            runqueue.remove(vcpu);
        }
        deschedule(vcpu, false);
        s.state(VcpuState.OFF);
        if (event()) {
            sink.accept(new SchedEvent(time, name, currentVcpu >= 0 ? currentVcpu : vcpu, "off", null, vcpu, null));
        }
    }

    private void systemEvent(int v, Exit.SystemEvent e, String why) {
        systemEvent = e;
        if (event()) {
            sink.accept(new SchedEvent(time, name, v, "system", null, null, why == null ? e.type().kernelName() : e.type().kernelName() + " (" + why + ")"));
        }
        for (int i = 0; i < slots.length; i++) {
            Slot s = slots[i];
            if (s.state() == VcpuState.RUNNABLE) {
                runqueue.remove(i);
            }
            deschedule(i, false);
            if (s.state() != VcpuState.STOPPED) {
                s.state(VcpuState.OFF);
            }
        }
    }

    @Override
    public long nowNanos() {
        return time;
    }

    // ---------------------------------------------------------------- tracing traps

    private final class TraceObserver implements dev.hcsim.core.TrapListener {
        @Override
        public void before(int vcpu, RegisterAccess regs) {
            if (sink == TraceSink.NONE) {
                return;
            }
            long[] snap = new long[layout.size() + 1];
            for (int i = 0; i < layout.size(); i++) {
                snap[i] = regs.get(i);
            }
            snap[layout.size()] = regs.pc();
            trapBefore = snap;
        }

        @Override
        public void after(int vcpu, TrapResult r, RegisterAccess regs) {
            if (sink == TraceSink.NONE || trapBefore == null) {
                return;
            }
            sink.accept(trapEvent(time, name, vm, vcpu, trapBefore, r, regs));
            trapBefore = null;
        }
    }

    /**
     * Builds the trace event of one trap from the registers before ({@code before}: every register,
     * then the PC) and after it. Shared by the standalone machine and one-shot calls.
     * @param time virtual time of the trap in nanoseconds
     * @param vmName the VM's name in traces
     * @param vm the VM
     * @param vcpu the trapping vCPU's index
     * @param before the register values before the trap, then the PC
     * @param r the trap's result
     * @param after the registers after the trap
     * @return the event
     */
    public static TrapEvent trapEvent(long time, String vmName, Vm vm, int vcpu, long[] before, TrapResult r, RegisterAccess after) {
        RegisterLayout layout = vm.architecture().registers();
        TrapContract c = vm.contract();
        long pc = before[layout.size()];
        Map<String, String> read = null;
        if (r.status() != null) {
            read = new LinkedHashMap<>();
            read.put(layout.name(c.numberRegister()), Bytes.hex64(before[c.numberRegister()]));
            for (int i = 0; i < c.argumentCount(); i++) {
                int reg = c.argumentRegister(i);
                read.put(layout.name(reg), Bytes.hex64(before[reg]));
            }
        }
        Map<String, String> written = new LinkedHashMap<>();
        for (int i = 0; i < layout.size(); i++) {
            long now = after.get(i);
            if (now != before[i]) {
                written.put(layout.name(i), Bytes.hex64(now));
            }
        }
        if (after.pc() != pc) {
            written.put("pc", Bytes.hex64(after.pc()));
        }
        Instruction ins = null;
        byte[] bytes = vm.frame(vcpu).instructionBytes();
        if (bytes.length > 0) {
            ins = vm.codec().decode(bytes, 0, bytes.length, pc);
        }
        String detail = switch (r.outcome()) {
            case EXIT_TO_HOST -> r.exit().toString();
            case FAULT, NOT_A_HYPERCALL, INTERRUPTED -> vm.frame(vcpu).faultDetail();
            case YIELD -> r.yieldTarget() >= 0 ? "to vcpu" + r.yieldTarget() : null;
            default -> null;
        };
        return new TrapEvent(time, vmName, vcpu, Bytes.hex64(pc), Bytes.hex(bytes), ins == null ? "?" : ins.text(), r.callName(),
                r.status() == null ? null : "0x" + Long.toHexString(r.number()), r.narrow() ? Boolean.TRUE : null, read, written,
                r.status() == null ? null : r.status().name(), r.statusName(), r.outcome().name(), detail);
    }
}
