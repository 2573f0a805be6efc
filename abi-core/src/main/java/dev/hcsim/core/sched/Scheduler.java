package dev.hcsim.core.sched;

import dev.hcsim.core.Exit;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.Interleave;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.SeededRandom;
import dev.hcsim.core.spi.VmContext;
import dev.hcsim.core.trace.SchedEvent;
import dev.hcsim.core.trace.TraceSink;
import dev.hcsim.core.translate.BlockEngine;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The deterministic vCPU scheduler of one machine, a discrete-event simulation in virtual time: the
 * run queue, which vCPU each physical CPU runs, quanta, halts, wake-ups, kicks, interrupts and
 * system events, and the scheduler's trace events. It is the {@link VcpuControl} every vCPU's calls
 * act through. What one instruction does is {@link Stepper}'s.
 */
final class Scheduler implements VcpuControl {
    private final VmContext vm;
    final String name;
    private final MemoryAccess hookMemory;
    private final ArchitectureVm archVm;
    final VcpuSlot[] slots;
    final int[] pcpuCurrent;
    final long[] pcpuSlice;
    private final int[] pcpuYieldHint;
    final IntQueue runqueue;
    final SeededRandom rng;
    final long quantum;
    final long nsPerTick;
    /** The loop of block interleaving with more than one physical CPU, or null (one instruction per tick, or one physical CPU). */
    private final BlockInterleaving blockInterleaving;
    TraceSink sink = TraceSink.NONE;
    long time;
    long steps;
    long instructions;
    Exit.SystemEvent systemEvent;
    /** The earliest VcpuSlot.timerAt, Long.MAX_VALUE for none. */
    long nextTimer = Long.MAX_VALUE;
    /** The vCPU whose trap is running now (the actor of the trace events it causes), or -1. */
    int currentVcpu = -1;
    long events;

    Scheduler(VmContext vm, String name, SparseMemory memory) {
        this.vm = vm;
        this.name = name;
        this.hookMemory = new MemoryAccess(memory, vm.byteOrder());
        this.archVm = vm.archVm();
        VmConfig c = vm.config();
        this.quantum = c.quantum();
        this.nsPerTick = c.nanosPerInstruction();
        this.rng = new SeededRandom(c.seed());
        this.slots = new VcpuSlot[vm.vcpuCount()];
        this.runqueue = new IntQueue(slots.length);
        for (int i = 0; i < slots.length; i++) {
            VcpuSlot s = new VcpuSlot();
            s.regs = new RegisterFile(vm.architecture().registers());
            s.cpu = new Cpu(vm, i, s.regs, new MemoryAccess(memory, vm.byteOrder()));
            s.cpu.control(this);
            archVm.resetVcpu(i, s.regs);
            slots[i] = s;
        }
        this.pcpuCurrent = new int[c.pcpus()];
        this.pcpuSlice = new long[c.pcpus()];
        this.pcpuYieldHint = new int[c.pcpus()];
        Arrays.fill(pcpuCurrent, -1);
        Arrays.fill(pcpuYieldHint, -1);
        this.blockInterleaving = c.pcpus() > 1 && c.interleave() == Interleave.BLOCK ? new BlockInterleaving(this) : null;
    }

    /** Runs until no vCPU can run, a system event, or a budget runs out; {@code stepper} runs each instruction. */
    RunResult run(Stepper stepper, long maxSteps, long maxTimeNanos, long maxInstructions, long deadlineNanoTime) {
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
        long stepLimit = steps + maxSteps < steps ? Long.MAX_VALUE : steps + maxSteps; // a second run with Long.MAX_VALUE must not overflow into "spent"
        if (blockInterleaving != null) {
            return blockInterleaving.run(stepper, stepLimit, maxTimeNanos, instructionLimit, deadlineNanoTime);
        }
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
            if (time >= nextTimer) {
                fireTimers();
            }
            boolean any = false;
            // The seeded turn order is drawn only for a round that runs something: an idle round's draw would depend on
            // how many idle rounds a run's budgets cut the wait into, and a run split at its budgets would not be the same run.
            int start = m == 1 || nobodyToRun() ? 0 : rng.nextInt(m);
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
                if (m == 1 && stepper.blocks != null) {
                    runBlock(stepper, v, p, blockBudget(p, stepLimit, maxTimeNanos, instructionLimit, deadlineNanoTime));
                } else {
                    stepper.step(v);
                }
                preemptIfQuantumUsed(v, p);
            }
            if (!any) {
                if (nextTimer == Long.MAX_VALUE) {
                    return end(RunResult.Reason.IDLE);
                }
                // Every vCPU waits: virtual time jumps to the next timer (or to the time budget, which then ends the run).
                time = Math.max(time, Math.min(nextTimer, maxTimeNanos));
                continue;
            }
            steps++;
            time += nsPerTick;
        }
    }

    // ---------------------------------------------------------------- a block per tick loop (one physical CPU)

    // With one physical CPU no other vCPU runs between two ticks, so running a block of instructions in one call gives
    // the same trace as one instruction per tick, provided the block stops where a tick could have changed something:
    // at the budgets, at the end of the quantum when another vCPU waits, and after an instruction during which the
    // scheduler's state changed (catchUp asks the engine for a break). Virtual time, steps and instruction counts still
    // advance per instruction: while a block runs they are brought up to date whenever something can observe them (a
    // VcpuControl call from an instruction), and at its end.
    private boolean inBlock;
    /** The translating engine running the block, or null when the interpreter runs it (Stepper.interpretAhead). */
    private BlockEngine blockEngine;
    /** The interpreter's block: how many of its instructions came before the one executing, and whether to stop after it. */
    long progress;
    boolean breakRequested;
    private VcpuSlot blockSlot;
    private int blockPcpu;
    private long steps0;
    private long time0;
    private long instructions0;
    private long slotInstructions0;
    private long slice0;

    /** The most instructions the next block may run: up to the first tick at which the interpreter's loop could stop or preempt. */
    private long blockBudget(int p, long stepLimit, long maxTimeNanos, long instructionLimit, long deadlineNanoTime) {
        long budget = Math.min(stepLimit - steps, instructionLimit - instructions);
        budget = Math.min(budget, ticksBefore(maxTimeNanos)); // ticks until the loop's time check stops it (no overflow at Long.MAX_VALUE)
        budget = Math.min(budget, ticksBefore(nextTimer)); // the loop fires a timer before the first tick at or past its time, as the interpreter does
        if (deadlineNanoTime != Long.MAX_VALUE) {
            budget = Math.min(budget, 4096 - (steps & 4095));
        }
        if (!runqueue.isEmpty()) {
            budget = Math.min(budget, quantum - pcpuSlice[p]);
        }
        return Math.max(budget, 1);
    }

    /** The ticks from now whose time is before {@code at} (a timer fires at the first tick at or after it): 0 when {@code at} is due. */
    long ticksBefore(long at) {
        if (at == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long left = at - time;
        return left <= 0 ? 0 : left / nsPerTick + (left % nsPerTick != 0 ? 1 : 0);
    }

    /** A block of vCPU {@code v} on physical CPU {@code p} starts now: the counters it advances from (blockAt). */
    private void beginBlock(Stepper stepper, int v, int p) {
        blockEngine = stepper.blocks;
        blockSlot = slots[v];
        blockPcpu = p;
        steps0 = steps;
        time0 = time;
        instructions0 = instructions;
        slotInstructions0 = blockSlot.instructions;
        slice0 = pcpuSlice[p];
        inBlock = true;
    }

    /**
     * Runs up to {@code budget} instructions of vCPU {@code v} on physical CPU {@code p} from the tick now (block
     * interleaving, {@link BlockInterleaving}): the counters advance per instruction while it runs, as in
     * {@link #runBlock}; afterwards the instruction counts include the whole block, its pCPU's slice all but its last
     * instruction (counted when its end is acted on), and time and steps are the tick's again.
     * @return the instructions run (0 when not even the first could be fetched)
     */
    long runAhead(Stepper stepper, int v, int p, long budget) {
        beginBlock(stepper, v, p);
        long executed;
        try {
            executed = BlockEngine.executed(stepper.runAhead(v, budget));
        } finally {
            inBlock = false;
        }
        steps = steps0;
        time = time0;
        instructions = instructions0 + executed;
        blockSlot.instructions = slotInstructions0 + executed;
        pcpuSlice[p] = slice0 + Math.max(executed - 1, 0);
        return executed;
    }

    private void runBlock(Stepper stepper, int v, int p, long budget) {
        beginBlock(stepper, v, p);
        try {
            stepper.stepBlock(v, budget);
        } finally {
            inBlock = false;
            inBlockTrap = false;
        }
    }

    /** The counters as the interpreter has them while instruction {@code j} (from 0) of the running block executes. */
    private void blockAt(long j) {
        steps = steps0 + j;
        time = time0 + j * nsPerTick;
        instructions = instructions0 + j;
        blockSlot.instructions = slotInstructions0 + j;
        pcpuSlice[blockPcpu] = slice0 + j;
    }

    /** The block ran {@code executed} instructions: the counters as the interpreter has them at its last one, before the stepper counts it. */
    void endBlock(long executed) {
        inBlock = false;
        if (executed > 0) {
            blockAt(executed - 1);
        }
    }

    /** An instruction of the running block acts on the scheduler: bring the counters to it, and end the block after it. */
    private void catchUp() {
        if (inBlock) {
            if (blockEngine != null) {
                if (inBlockTrap) {
                    trapCounters(); // a trap inside the block: its counters, which beginBlockTrap left for whoever looks
                } else {
                    blockAt(blockEngine.progress());
                }
                blockEngine.requestBreak();
            } else {
                blockAt(progress);
                breakRequested = true;
            }
        }
    }

    // A trap inside a running block (Stepper.trapInBlock) sees the counters the block-ending trap saw before: the trap
    // instruction's own tick, and its instruction counted. The block runs on after it only when nothing the scheduler
    // loop acts on between two ticks changed: a VcpuControl call (catchUp asks for a break), a timer armed, a system event.
    // The counters are set only when something reads them during the trap (a VcpuControl call through catchUp, the trap's
    // trace event, Machine's queries through settle): the common call that reads none costs no counter stores. After
    // the trap, the next blockAt or endBlock sets every counter from the block's start again.
    private boolean inBlockTrap;
    private long trapProgress;
    private long nextTimerAtTrap;

    void beginBlockTrap() {
        trapProgress = blockEngine.progress();
        inBlockTrap = true;
        nextTimerAtTrap = nextTimer;
        if (sink != TraceSink.NONE) {
            trapCounters(); // the trap's trace event carries the time
        }
    }

    /** The counters at the trap inside the block: its tick, its instruction counted (the same values however often it is called). */
    private void trapCounters() {
        long j = trapProgress;
        blockAt(j);
        instructions = instructions0 + j + 1;
        blockSlot.instructions = slotInstructions0 + j + 1;
    }

    /** Brings the counters up to date for a reader outside the scheduler (Machine's queries) during a trap inside a block. */
    void settle() {
        if (inBlockTrap) {
            trapCounters();
        }
    }

    /** The trap inside the block is over: true when the block may run on after it. */
    boolean endBlockTrap() {
        inBlockTrap = false;
        return nextTimer == nextTimerAtTrap && systemEvent == null;
    }

    /**
     * Counts one scheduler event and says whether to build its trace record: only when a sink
     * listens, because building one (its detail text) allocates and the untraced run must not.
     */
    boolean event() {
        events++;
        return sink != TraceSink.NONE;
    }

    RunResult end(RunResult.Reason reason) {
        if (event()) {
            sink.accept(new SchedEvent(time, name, -1, "end", null, null, reason.name().toLowerCase(Locale.ROOT)));
        }
        return new RunResult(reason, steps, time, instructions);
    }

    void preemptIfQuantumUsed(int v, int p) {
        if (slots[v].is(VcpuState.RUNNING) && ++pcpuSlice[p] >= quantum && !runqueue.isEmpty()) {
            if (event()) {
                sink.accept(new SchedEvent(time, name, v, "preempt", p, null, "quantum of " + quantum + " used"));
            }
            deschedule(v, true);
            enqueue(v);
        }
    }

    /** True when no physical CPU holds a vCPU and none is queued: a round of the physical CPUs would run nothing. */
    boolean nobodyToRun() {
        if (!runqueue.isEmpty()) {
            return false;
        }
        for (int v : pcpuCurrent) {
            if (v >= 0) {
                return false;
            }
        }
        return true;
    }

    int pickNext(int p) {
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
        VcpuSlot s = slots[v];
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

    void deschedule(int v, boolean preempted) {
        VcpuSlot s = slots[v];
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

    void enqueue(int v) {
        VcpuSlot s = slots[v];
        s.state(VcpuState.RUNNABLE);
        s.enqueuedAt = time;
        runqueue.addLast(v);
    }

    /** A yield (hinted at {@code target} when it is 0 or more): the vCPU goes to the back of the run queue if another waits. */
    void yield(int v, int target) {
        VcpuSlot s = slots[v];
        int p = s.pcpu;
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

    /** The vCPU powered itself off ({@code why} for the trace). */
    void powerOff(int v, String why) {
        VcpuSlot s = slots[v];
        if (event()) {
            sink.accept(new SchedEvent(time, name, v, "off", s.pcpuOrNull(), null, why));
        }
        deschedule(v, false);
        s.state(VcpuState.OFF);
    }

    /** The vCPU stays exited to the host: the host did not re-enter it. */
    void stayExited(int v, String reason) {
        VcpuSlot s = slots[v];
        deschedule(v, false);
        s.state(VcpuState.EXITED);
        s.stopReason = reason;
    }

    void haltOrContinue(int v, String why) {
        VcpuSlot s = slots[v];
        if (s.wakePending || s.pendingInterrupts > 0) {
            s.wakePending = false;
            s.pendingInterrupts = 0;
            if (event()) {
                sink.accept(new SchedEvent(time, name, v, "wake", s.pcpuOrNull(), null, "halt returns at once: a kick or interrupt was pending"));
            }
            return;
        }
        if (event()) {
            sink.accept(new SchedEvent(time, name, v, "halt", s.pcpuOrNull(), null, why));
        }
        deschedule(v, false);
        s.state(VcpuState.HALTED);
    }

    void stopVcpu(int v, String reason) {
        VcpuSlot s = slots[v];
        if (event()) {
            sink.accept(new SchedEvent(time, name, v, "stopped", s.pcpuOrNull(), null, reason));
        }
        deschedule(v, false);
        s.state(VcpuState.STOPPED);
        s.stopReason = reason;
    }

    private void wake(int v, String event, String detail) {
        VcpuSlot s = slots[v];
        if (event()) {
            sink.accept(new SchedEvent(time, name, currentVcpu >= 0 ? currentVcpu : v, event, null, v, detail));
        }
        if (s.state() == VcpuState.HALTED) {
            enqueue(v);
        }
    }

    /**
     * The VMM acts on a system event (QEMU's main loop after qemu_system_shutdown_request, a test re-entering the
     * vCPU): the next run goes on with the vCPUs that are runnable again.
     */
    void clearSystemEvent() {
        systemEvent = null;
    }

    /** A VM-wide system event: every vCPU stops, and the run ends. */
    void systemEvent(int v, Exit.SystemEvent e, String why) {
        systemEvent = e;
        if (event()) {
            sink.accept(new SchedEvent(time, name, v, "system", null, null, why == null ? e.type().kernelName() : e.type().kernelName() + " (" + why + ")"));
        }
        for (int i = 0; i < slots.length; i++) {
            VcpuSlot s = slots[i];
            if (s.state() == VcpuState.RUNNABLE) {
                runqueue.remove(i);
            }
            deschedule(i, false);
            if (s.state() != VcpuState.STOPPED) {
                s.state(VcpuState.OFF);
            }
        }
    }

    // ---------------------------------------------------------------- VcpuControl

    private boolean valid(int v) {
        return v >= 0 && v < slots.length;
    }

    @Override
    public VcpuState state(int vcpu) {
        catchUp();
        return slots[vcpu].state();
    }

    private static final long DEFERRED_KICK = 1L << 62;
    private static final long DEFERRED_INTERRUPT = 2L << 62;

    /**
     * Block interleaving: an instruction that runs ahead of the tick now (not its block's first) sends a kick or
     * interrupt. It is the block's last instruction (catchUp ends the block after it), so the effect is kept and sent
     * when virtual time reaches it ({@link #sendDeferred}), in time order with the other physical CPUs' events.
     */
    private boolean aheadOfNow() {
        return inBlock && blockInterleaving != null && time != time0;
    }

    /** Sends the kicks and interrupts vCPU {@code v}'s block deferred ({@link #aheadOfNow}), in the order it sent them. */
    void sendDeferred(int v) {
        VcpuSlot s = slots[v];
        for (int i = 0; i < s.deferredCount; i++) {
            long e = s.deferred[i];
            int target = (int) (e >>> 32) & 0x3FFF_FFFF;
            if ((e & DEFERRED_INTERRUPT) != 0) {
                interruptNow(target, (int) e);
            } else {
                kickNow(target);
            }
        }
        s.deferredCount = 0;
    }

    @Override
    public void kick(int vcpu) {
        catchUp();
        if (aheadOfNow() && valid(vcpu)) {
            blockSlot.defer(DEFERRED_KICK | ((long) vcpu << 32));
            return;
        }
        kickNow(vcpu);
    }

    private void kickNow(int vcpu) {
        if (!valid(vcpu)) {
            return;
        }
        VcpuSlot s = slots[vcpu];
        if (s.state() == VcpuState.HALTED) {
            wake(vcpu, "kick", "wakes from halt");
        } else if (s.state() != VcpuState.OFF && s.state() != VcpuState.STOPPED) {
            s.wakePending = true;
            wake(vcpu, "kick", "not halted: its next halt returns at once");
        }
    }

    @Override
    public void interrupt(int vcpu, int vector) {
        catchUp();
        if (aheadOfNow() && valid(vcpu)) {
            blockSlot.defer(DEFERRED_INTERRUPT | ((long) vcpu << 32) | (vector & 0xFFFF_FFFFL));
            return;
        }
        interruptNow(vcpu, vector);
    }

    private void interruptNow(int vcpu, int vector) {
        if (!valid(vcpu)) {
            return;
        }
        VcpuSlot s = slots[vcpu];
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
        catchUp();
        if (!valid(vcpu) || slots[vcpu].state() != VcpuState.OFF) {
            return false;
        }
        VcpuSlot s = slots[vcpu];
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
    public boolean onVcpu(int vcpu, Consumer<RegisterAccess> action) {
        catchUp();
        if (!valid(vcpu)) {
            return false;
        }
        action.accept(slots[vcpu].regs);
        return true;
    }

    @Override
    public void stop(int vcpu) {
        catchUp();
        if (!valid(vcpu)) {
            return;
        }
        VcpuSlot s = slots[vcpu];
        if (s.state() == VcpuState.RUNNABLE) {
            runqueue.remove(vcpu);
        }
        deschedule(vcpu, false);
        s.state(VcpuState.OFF);
        if (event()) {
            sink.accept(new SchedEvent(time, name, currentVcpu >= 0 ? currentVcpu : vcpu, "off", null, vcpu, null));
        }
    }

    @Override
    public long nowNanos() {
        catchUp();
        return time;
    }

    /** A timer at {@code atNanos} for {@code vcpu}: the sooner of it and one already armed. */
    @Override
    public void armTimer(int vcpu, long atNanos) {
        if (!valid(vcpu)) {
            return;
        }
        VcpuSlot s = slots[vcpu];
        s.timerAt = Math.min(s.timerAt, atNanos);
        nextTimer = Math.min(nextTimer, atNanos);
    }

    /** Runs the architecture's timer callback of every vCPU whose timer is due, in vCPU order (deterministic). */
    void fireTimers() {
        for (int v = 0; v < slots.length; v++) {
            VcpuSlot s = slots[v];
            if (s.timerAt <= time) {
                s.timerAt = Long.MAX_VALUE;
                try {
                    archVm.timerExpired(v, time, hookMemory, this);
                } catch (GuestFault ignored) {
                    // a timer callback that cannot reach guest memory drops its event, as the kernel's do
                }
            }
        }
        long next = Long.MAX_VALUE;
        for (VcpuSlot s : slots) {
            next = Math.min(next, s.timerAt);
        }
        nextTimer = next;
    }
}
