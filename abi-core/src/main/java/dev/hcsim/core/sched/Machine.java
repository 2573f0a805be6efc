package dev.hcsim.core.sched;

import static org.apiguardian.api.API.Status.MAINTAINED;

import dev.hcsim.core.Exit;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.VmContext;
import dev.hcsim.core.trace.TraceSink;
import dev.hcsim.core.translate.BlockEngine;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * A standalone VM: guest memory, one register file per vCPU, the interpreter, and the shared
 * deterministic scheduler that implements {@link VcpuControl}.
 *
 * <p>The scheduler is a discrete-event simulation in virtual time; each guest instruction takes
 * {@link VmConfig#nanosPerInstruction()}. With {@link dev.hcsim.core.Interleave#INSTRUCTION} each tick every
 * physical CPU runs one guest instruction of its current vCPU (in an order rotated by the seeded random
 * generator, so that races between physical CPUs depend on the seed and only on it); with
 * {@link dev.hcsim.core.Interleave#BLOCK} (the default) each physical CPU runs a block of up to a quantum of
 * instructions per step, and what a block's last instruction does to the scheduler takes effect at that
 * instruction's time, in time order across physical CPUs. A vCPU keeps
 * its physical CPU for a quantum of instructions while others wait, then is preempted. Halted vCPUs
 * leave their physical CPU until an interrupt or kick. The same seed gives the same trace, byte for
 * byte. Not thread-safe: one thread runs one machine.
 *
 * <p>This class is the machine's set-up and query surface; the scheduler, the instruction stepper,
 * the decoded-instruction cache and the trap tracer are package-private classes of their own.
 */
@API(status = MAINTAINED, since = "1.0")
public final class Machine implements VcpuControl {
    private final Vm vm;
    private final SparseMemory memory;
    private final Scheduler sched;
    private final Stepper stepper;
    private final TrapTracer tracer;

    /**
     * Builds a machine for {@code config}; every vCPU starts runnable at PC 0 unless set otherwise before {@link #run}.
     * @param config the VM's configuration
     * @param name the VM's name in traces
     * @throws IllegalArgumentException with a one-line message when the VM cannot be created from {@code config}
     */
    public Machine(VmConfig config, String name) {
        this(Vm.create(config), name);
    }

    /**
     * Builds a machine around a VM the caller already created. One VM has one machine: its per-VM architecture
     * state (registered steal-time records, shared pages, ...) belongs to one guest memory, so a second machine
     * around the same VM is refused rather than made to write one guest's records into the other's memory.
     * @param vm the VM; its memory regions are allocated afresh for this machine
     * @param name the VM's name in traces
     * @throws IllegalStateException when another machine was already built around {@code vm}
     */
    public Machine(Vm vm, String name) {
        VmContext context = Engine.context(vm);
        if (!context.claimForMachine()) {
            throw new IllegalStateException("this Vm already has a Machine: create one Vm per Machine (Vm.create), since the per-VM "
                    + "architecture state belongs to one guest memory");
        }
        this.vm = vm;
        this.memory = new SparseMemory(vm.config().memory());
        this.sched = new Scheduler(context, name, memory);
        this.stepper = new Stepper(vm, context, memory, sched);
        this.tracer = new TrapTracer(vm, context, sched);
        translate(!"interpret".equals(System.getProperty(ENGINE_PROPERTY, DEFAULT_ENGINE)));
    }

    /** The system property that picks the engine of new machines: {@code translate} (the default) or {@code interpret}. */
    public static final String ENGINE_PROPERTY = "hcsim.engine";
    private static final String DEFAULT_ENGINE = "translate";

    /**
     * Picks how guest code runs: {@code true} through the translating engine (each basic block decoded once, compiled
     * to bytecode once hot; with one physical CPU a block runs per scheduler step), {@code false} one instruction per
     * step through the interpreter (which, under block interleaving with more than one physical CPU, runs blocks that
     * stop where the engine's stop). Both give the same registers, memory and trace. New machines take
     * {@value #ENGINE_PROPERTY}.
     * @param on whether to translate
     */
    public void translate(boolean on) {
        stepper.blocks = on ? new BlockEngine(memory, Engine.context(vm).codec()) : null;
        if (on) {
            stepper.blocks.trapHandler(stepper.inBlockTraps); // traps handled inside blocks (docs/performance.md)
        }
    }

    /** The translating engine, or null when interpreting: for tests that count what it does. */
    BlockEngine blockEngine() {
        return stepper.blocks;
    }

    /**
     * Whether guest code runs through the translating engine ({@link #translate}).
     * @return true when translating
     */
    public boolean translating() {
        return stepper.blocks != null;
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
        return sched.name;
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
        return sched.slots[vcpu].regs;
    }

    /**
     * Sets the initial state of {@code vcpu} (RUNNABLE, HALTED or OFF) before the run.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param state its state when the run starts
     */
    public void initialState(int vcpu, VcpuState state) {
        sched.slots[vcpu].state(state);
    }

    /**
     * Sends the trace to {@code s} (null: no trace, and no per-trap register snapshots either).
     * @param s the sink, or null
     */
    public void traceTo(TraceSink s) {
        sched.sink = s == null ? TraceSink.NONE : s;
        vm.removeTrapListener(tracer);
        if (sched.sink != TraceSink.NONE) {
            vm.addTrapListener(tracer);
        }
    }

    /**
     * Installs the host side of exits (null: {@link HostHandler#DEFAULT}).
     * @param h the handler that answers exits to the host, or null
     */
    public void host(HostHandler h) {
        stepper.host = h == null ? HostHandler.DEFAULT : h;
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
        sched.settle();
        return sched.time;
    }

    /**
     * The scheduling state of {@code vcpu} now.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return its state
     */
    public VcpuState stateOf(int vcpu) {
        return sched.slots[vcpu].state();
    }

    /**
     * Why the vCPU was stopped, or null.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the reason (a fault, an exit the host did not answer, a system event), or null while it may run
     */
    public String stopReason(int vcpu) {
        return sched.slots[vcpu].stopReason;
    }

    /**
     * Interrupts delivered to {@code vcpu}, by vector: a snapshot in vector order.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return vector to delivery count
     */
    public Map<Integer, Integer> interrupts(int vcpu) {
        return sched.slots[vcpu].interrupts.toMap();
    }

    /**
     * Total time {@code vcpu} waited runnable (steal time).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return virtual nanoseconds
     */
    public long stealNanos(int vcpu) {
        return sched.slots[vcpu].stealNanos;
    }

    /**
     * Guest instructions {@code vcpu} has executed.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the count, traps included
     */
    public long instructions(int vcpu) {
        sched.settle();
        return sched.slots[vcpu].instructions;
    }

    /**
     * Scheduler events so far: one per line the trace has or would have (run, preempt, halt, wake,
     * kick, interrupt, yield, exit, ...), counted whether or not a trace sink listens.
     * @return the event count
     */
    public long events() {
        return sched.events;
    }

    /**
     * The system event that ended the run (a vCPU's {@code KVM_EXIT_SYSTEM_EVENT}), or null.
     * @return the event, with its type and data, or null
     */
    public Exit.SystemEvent systemEvent() {
        return sched.systemEvent;
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
     * @param maxInstructions the guest instructions to run, on all vCPUs together. The budget is checked between ticks,
     *   and a tick that starts below it runs to its end (one instruction on every busy physical CPU), so a run may end up
     *   to {@code pcpus - 1} instructions past it; {@link RunResult} counts them exactly. Ending inside a tick would make
     *   a run continued after its budget differ from the same run made in one go (the next tick's turn order is drawn
     *   per tick).
     * @param deadlineNanoTime the {@link System#nanoTime()} after which the run stops ({@code Long.MAX_VALUE}: none)
     * @return why the run ended, with the steps, time and instructions it took
     */
    public RunResult run(long maxSteps, long maxTimeNanos, long maxInstructions, long deadlineNanoTime) {
        return sched.run(stepper, maxSteps, maxTimeNanos, maxInstructions, deadlineNanoTime);
    }

    /**
     * KVM_SET_MP_STATE {@code KVM_MP_STATE_RUNNABLE} and the next {@code KVM_RUN} for a vCPU the run left at an exit:
     * after a system event (every vCPU off, {@link #systemEvent()} set: kvm_prepare_system_event) or after an exit its
     * {@link HostHandler} did not re-enter ({@link HostHandler#STAY_EXITED}). The exit still pending is completed as
     * the next {@code KVM_RUN} completes it, with the values the exit carries (a VMM that answers otherwise calls
     * {@link Vm#completeExit} first); what that completion raises (another exit, a delivered interruption) is acted
     * on as after any trap; the system event is cleared, and the next {@link #run} goes on with this vCPU runnable.
     * The other vCPUs stay as they are, as KVM leaves them.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @throws IllegalStateException when the vCPU is not stopped at an exit (it is runnable, halted or stopped by a fault)
     * @throws IllegalArgumentException when {@code vcpu} is out of range
     */
    public void reenter(int vcpu) {
        if (vcpu < 0 || vcpu >= sched.slots.length) {
            throw new IllegalArgumentException("vCPU index " + vcpu + " is out of range: this machine has vCPUs 0 to " + (sched.slots.length - 1));
        }
        stepper.reenter(vcpu);
    }

    // ---------------------------------------------------------------- VcpuControl (the scheduler's)

    @Override
    public VcpuState state(int vcpu) {
        return sched.state(vcpu);
    }

    @Override
    public void kick(int vcpu) {
        sched.kick(vcpu);
    }

    @Override
    public void interrupt(int vcpu, int vector) {
        sched.interrupt(vcpu, vector);
    }

    @Override
    public void armTimer(int vcpu, long atNanos) {
        sched.armTimer(vcpu, atNanos);
    }

    @Override
    public boolean start(int vcpu, long entry, int contextRegister, long context) {
        return sched.start(vcpu, entry, contextRegister, context);
    }

    @Override
    public boolean onVcpu(int vcpu, Consumer<RegisterAccess> action) {
        return sched.onVcpu(vcpu, action);
    }

    @Override
    public void stop(int vcpu) {
        sched.stop(vcpu);
    }

    @Override
    public long nowNanos() {
        sched.settle();
        return sched.time;
    }
}
