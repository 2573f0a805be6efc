package example.unicorn;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small multi-vCPU machine on Unicorn: one engine per vCPU, all sharing guest RAM ({@link UcMemory}), run round
 * robin for a quantum of instructions each. When a guest traps, the engine's hook hands the vCPU to
 * {@link Vm#trap} and applies the answer; this class is the {@link VcpuControl} through which a hypercall wakes,
 * kicks, starts and stops the other vCPUs. Single-threaded: one thread runs every engine in turn.
 */
public final class UnicornVm implements VcpuControl, AutoCloseable {
    /**
     * What the VMM answers an exit to the host: the value for {@link Vm#completeExit}, or null to stay exited. A
     * VM-wide system event (shutdown, reset, crash) never reaches it: the loop stops the VM.
     */
    @FunctionalInterface
    public interface Host {
        /**
         * @param vcpu the exiting vCPU
         * @param exit what {@code struct kvm_run} carries for it ({@link Exit.Hypercall}, {@link Exit.PaprHcall}, ...)
         * @return the value the VMM answers, or null when the vCPU stays in the host
         */
        Long answer(int vcpu, Exit exit);

        /**
         * The host of hcsim's standalone machine (its HostHandler.DEFAULT): a KVM_EXIT_HYPERCALL is answered with the
         * return value the exit carries, every other exit stays in the host.
         */
        Host DEFAULT = (v, e) -> e instanceof Exit.Hypercall h ? h.ret() : null;

        /**
         * The whole answered exit, for a payload with more than one return value (RISC-V's {@code ret[0]} and
         * {@code ret[1]}), given to {@link Vm#completeExit(int, RegisterAccess, dev.hcsim.core.GuestMemory, Exit)};
         * null (the default) re-enters with {@code ret} alone.
         * @param vcpu the exiting vCPU
         * @param exit the exit
         * @param ret what {@link #answer} returned
         * @return the answered exit, or null
         */
        default Exit payload(int vcpu, Exit exit, long ret) {
            return null;
        }

        /**
         * A scenario's host (its {@code "host"} object): the values given for the exit's reason, by the kernel's name
         * ({@code KVM_EXIT_RISCV_SBI}: ret[0] and ret[1]), and {@link #DEFAULT} for the others, as hcsim's scenario
         * runner answers.
         * @param byReason the answer per {@code KVM_EXIT_*} name
         * @return the host
         */
        static Host answering(java.util.Map<String, List<Long>> byReason) {
            return new Host() {
                @Override
                public Long answer(int vcpu, Exit e) {
                    List<Long> a = byReason.get(e.reason().kernelName());
                    return a != null ? a.get(0) : DEFAULT.answer(vcpu, e);
                }

                @Override
                public Exit payload(int vcpu, Exit e, long ret) {
                    List<Long> a = byReason.get(e.reason().kernelName());
                    return a != null && a.size() == 2 && e instanceof Exit.RiscvSbi s
                            ? new Exit.RiscvSbi(s.extensionId(), s.functionId(), s.args(), a) : null;
                }
            };
        }
    }

    private static final long NOWHERE = -1L;

    private final Vm vm;
    private final UcArch arch;
    private final UcMemory memory;
    private final MemoryAccess hookMemory;
    private final Unicorn[] engines;
    private final UcRegisters[] regs;
    private final VcpuState[] states;
    private final boolean[] wakePending;
    private final int[] pendingInterrupts;
    private final String[] stopReason;
    private final List<String> log = new ArrayList<>();
    private final long quantum;
    private final byte[] insn = new byte[4];
    private Host host = Host.DEFAULT;
    private int current = -1;
    private long time;
    private SystemEventType systemEvent;

    /**
     * Opens one engine per vCPU of {@code vm}, maps the VM's memory regions into each, and puts every vCPU in the
     * VM's reset state, runnable at PC 0.
     * @param vm the hcsim VM that answers the traps
     * @param quantum instructions per vCPU per round
     */
    public UnicornVm(Vm vm, long quantum) {
        this.vm = vm;
        this.arch = UcArch.of(vm);
        this.quantum = quantum;
        int n = vm.vcpuCount();
        this.memory = new UcMemory(vm.config().memory());
        this.hookMemory = new MemoryAccess(memory, vm.byteOrder());
        this.engines = new Unicorn[n];
        this.regs = new UcRegisters[n];
        this.states = new VcpuState[n];
        this.wakePending = new boolean[n];
        this.pendingInterrupts = new int[n];
        this.stopReason = new String[n];
        RegisterLayout layout = vm.architecture().registers();
        for (int i = 0; i < n; i++) {
            Unicorn u = arch.open();
            engines[i] = u;
            memory.mapInto(u);
            regs[i] = new UcRegisters(u, arch, layout);
            regs[i].vcpuId = vm.vcpuId(i);
            regs[i].vcpu = i;
            regs[i].vm = vm;
            regs[i].control = this;
            int vcpu = i;
            arch.hookTraps(u, () -> trap(vcpu));
            u.onCode(1, 0, pc -> guestInstruction(vcpu, pc)); // begin > end: every address
            vm.resetVcpu(i, regs[i]);
            states[i] = VcpuState.RUNNABLE;
        }
    }

    /**
     * Sets who answers exits to the host (default: {@link Host#DEFAULT}, as hcsim's machine answers).
     * @param h the host
     */
    public void host(Host h) {
        this.host = h;
    }

    /**
     * The VM.
     * @return the hcsim VM
     */
    public Vm vm() {
        return vm;
    }

    /**
     * Guest RAM.
     * @return the memory every engine shares
     */
    public UcMemory memory() {
        return memory;
    }

    /**
     * A vCPU's registers, in hcsim's layout.
     * @param vcpu the vCPU index
     * @return its registers
     */
    public UcRegisters registers(int vcpu) {
        return regs[vcpu];
    }

    /**
     * Sets a vCPU's state before the run (OFF for a secondary that CPU_ON starts).
     * @param vcpu the vCPU index
     * @param s RUNNABLE or OFF
     */
    public void initialState(int vcpu, VcpuState s) {
        states[vcpu] = s;
    }

    /**
     * Why a vCPU stopped.
     * @param vcpu the vCPU index
     * @return the reason, or null
     */
    public String stopReason(int vcpu) {
        return stopReason[vcpu];
    }

    /**
     * The VM-wide event that ended the run.
     * @return e.g. {@link SystemEventType#SHUTDOWN}, or null
     */
    public SystemEventType systemEvent() {
        return systemEvent;
    }

    /**
     * What happened, one line per trap and per effect.
     * @return the log
     */
    public List<String> log() {
        return log;
    }

    /**
     * Runs round robin until no vCPU is runnable, a system event, or {@code maxRounds} rounds.
     * @param maxRounds the most rounds
     * @return the rounds run
     */
    public long run(long maxRounds) {
        long round = 0;
        while (round < maxRounds && systemEvent == null) {
            boolean any = false;
            for (int v = 0; v < engines.length && systemEvent == null; v++) {
                if (states[v] == VcpuState.RUNNABLE) {
                    any = true;
                    slice(v);
                }
            }
            if (!any) {
                break;
            }
            round++;
        }
        return round;
    }

    /**
     * Runs one vCPU alone from its PC until it reaches {@code until}, traps out of the run (a halt, a stop, a fault),
     * or runs {@code maxInstructions}: for straight-line programs that end in a hypercall.
     * @param v the vCPU index
     * @param until the address after the program
     * @param maxInstructions a bound for a program that does not get there
     */
    public void runUntil(int v, long until, long maxInstructions) {
        current = v;
        states[v] = VcpuState.RUNNING;
        scheduleIn(v);
        // A run also ends at an instruction answered here or at an x86 trap: start again until the program is done.
        for (long n = 0; n < maxInstructions && states[v] == VcpuState.RUNNING && regs[v].pc() != until; n++) {
            try {
                engines[v].start(regs[v].pc(), until, maxInstructions);
            } catch (UnicornException e) {
                stopVcpu(v, e.getMessage());
            }
            regs[v].flush();
        }
        current = -1;
        if (states[v] == VcpuState.RUNNING) {
            states[v] = VcpuState.RUNNABLE;
        }
        scheduleOut(v);
    }

    /** The vCPU gets a physical CPU: steal time, PPC's shared page and boot device tree, s390's running flag. */
    private void scheduleIn(int v) {
        try {
            vm.scheduleIn(v, time, 0, hookMemory);
        } catch (GuestFault ignored) {
            // the kernel ignores a failed steal-time update (record_steal_time), as hcsim's machine does
        }
    }

    private void scheduleOut(int v) {
        try {
            vm.scheduleOut(v, time, states[v] == VcpuState.RUNNABLE, hookMemory);
        } catch (GuestFault ignored) {
            // see scheduleIn
        }
    }

    private void slice(int v) {
        current = v;
        states[v] = VcpuState.RUNNING;
        scheduleIn(v);
        try {
            engines[v].start(regs[v].pc(), NOWHERE, quantum);
        } catch (UnicornException e) {
            stopVcpu(v, e.getMessage());
        }
        regs[v].flush();
        time += quantum;
        current = -1;
        if (states[v] == VcpuState.RUNNING) {
            states[v] = VcpuState.RUNNABLE;
        }
        scheduleOut(v);
    }

    /** The code hook: a wait halts the vCPU, an emulated instruction is answered here. */
    private void guestInstruction(int v, long pc) {
        Unicorn u = engines[v];
        if (!u.read(pc, insn, insn.length)) {
            return; // the fetch faults in Unicorn itself
        }
        regs[v].defer();
        switch (arch.guestInstruction(regs[v], pc, insn)) {
            case OWN -> regs[v].flush();
            case EMULATED -> u.stop(); // a stop in a code hook ends the run before the instruction; the PC moves after it
            case WAIT -> {
                halt(v, "wait for interrupt");
                u.stop();
            }
            case TRAP -> {
                regs[v].flush();
                trap(v);
            }
        }
    }

    /** The trap hook: hcsim answers, the outcome is applied to this vCPU and the run. */
    private void trap(int v) {
        regs[v].defer();
        TrapResult r = vm.trap(v, regs[v], memory, this);
        log.add("vcpu" + v + " " + (r.callName() != null ? r.callName() : "0x" + Long.toHexString(r.number())) + " -> "
                + (r.statusName() != null ? r.statusName() : r.outcome()));
        if (apply(v, r)) {
            engines[v].stop(); // the PC hcsim wrote is set once the run has ended
        } else {
            regs[v].flush(); // continue in this run at the PC hcsim wrote
        }
    }

    /** Applies a trap's outcome; true when the vCPU's run ends. */
    private boolean apply(int v, TrapResult r) {
        switch (r.outcome()) {
            case RESUME, INTERRUPTED -> {
                return states[v] != VcpuState.RUNNING; // hcsim wrote results and PC; a system event may have stopped all
            }
            case HALT -> halt(v, r.callName());
            case YIELD -> {
                // end the slice: the round robin gives the others their turn
            }
            case EXIT_TO_HOST -> {
                return exit(v, r.exit());
            }
            case STOP -> {
                if (states[v] != VcpuState.OFF) {
                    states[v] = VcpuState.OFF;
                    log.add("vcpu" + v + " off");
                }
            }
            case FAULT -> {
                return injectOrStop(v, r.fault(), "fault injected");
            }
            case NOT_A_HYPERCALL -> {
                // The guest's own instruction: Unicorn's hook swallowed the exception it raises, so the loop takes it
                // as the CPU would (an arm64 SVC to the guest's vectors), where it can.
                if (r.fault() == null) {
                    stopVcpu(v, String.format("not a hypercall at 0x%x", regs[v].pc()));
                } else {
                    return injectOrStop(v, r.fault(), "exception taken");
                }
            }
        }
        return true;
    }

    /**
     * Delivers {@code f} into the guest through the architecture's adapter; where the guest has nowhere to take it,
     * or Unicorn no register to write, the vCPU stops naming the fault and why. True when the vCPU's run ends.
     */
    private boolean injectOrStop(int v, Fault f, String what) {
        long pc = regs[v].pc();
        String refused = arch.inject(regs[v], f);
        if (refused == null) {
            log.add("vcpu" + v + " " + what + ": " + f);
            return false; // the guest's handler runs on in this run
        }
        stopVcpu(v, f + String.format(" at 0x%x", pc) + " (" + refused + ")");
        return true;
    }

    /**
     * An exit to the host, dispatched on its record: a system event by its type (shutdown, reset and crash stop the
     * VM; a SUSPEND is the calling vCPU's and goes to the host like any other exit, as on hcsim's machine), every
     * other exit to {@link Host}; true when the vCPU's run ends.
     */
    private boolean exit(int v, Exit e) {
        log.add("vcpu" + v + " exit " + e);
        if (e instanceof Exit.SystemEvent se && se.type() != SystemEventType.SUSPEND && se.type() != SystemEventType.WAKEUP) {
            stopVm(se.type());
            return true;
        }
        if (states[v] == VcpuState.OFF) {
            return true; // the call itself powered the vCPU off
        }
        Long answer = host.answer(v, e);
        if (answer == null) {
            states[v] = VcpuState.EXITED;
            stopReason[v] = "exited to host: " + e.reason();
            return true;
        }
        Exit answered = host.payload(v, e, answer);
        TrapResult done = answered != null ? vm.completeExit(v, regs[v], memory, answered) : vm.completeExit(v, regs[v], memory, answer);
        return done.outcome() != dev.hcsim.core.Outcome.RESUME ? apply(v, done) : states[v] != VcpuState.RUNNING;
    }

    /** A VM-wide system event: every vCPU that has not stopped is powered off, and the run ends. */
    private void stopVm(SystemEventType type) {
        systemEvent = type;
        log.add(type.kernelName() + ": every vCPU off");
        for (int i = 0; i < states.length; i++) {
            if (states[i] != VcpuState.STOPPED) {
                states[i] = VcpuState.OFF;
            }
        }
        if (current >= 0) {
            engines[current].stop();
        }
    }

    private void halt(int v, String why) {
        if (wakePending[v] || pendingInterrupts[v] > 0) {
            wakePending[v] = false;
            pendingInterrupts[v] = 0;
            return;
        }
        states[v] = VcpuState.HALTED;
        log.add("vcpu" + v + " halt (" + why + ")");
    }

    private void stopVcpu(int v, String reason) {
        states[v] = VcpuState.STOPPED;
        stopReason[v] = reason;
        log.add("vcpu" + v + " stopped: " + reason);
    }

    private boolean valid(int v) {
        return v >= 0 && v < states.length;
    }

    // ---------------------------------------------------------------- VcpuControl

    @Override
    public VcpuState state(int vcpu) {
        return states[vcpu];
    }

    @Override
    public void kick(int vcpu) {
        if (!valid(vcpu)) {
            return;
        }
        log.add("kick vcpu" + vcpu);
        if (states[vcpu] == VcpuState.HALTED) {
            states[vcpu] = VcpuState.RUNNABLE;
        } else if (states[vcpu] != VcpuState.OFF && states[vcpu] != VcpuState.STOPPED) {
            wakePending[vcpu] = true;
        }
    }

    @Override
    public void interrupt(int vcpu, int vector) {
        if (!valid(vcpu) || states[vcpu] == VcpuState.OFF || states[vcpu] == VcpuState.STOPPED) {
            return;
        }
        log.add("interrupt " + vm.architecture().interruptName(vector) + " to vcpu" + vcpu);
        if (states[vcpu] == VcpuState.HALTED) {
            states[vcpu] = VcpuState.RUNNABLE;
        } else {
            pendingInterrupts[vcpu]++;
        }
    }

    @Override
    public boolean start(int vcpu, long entry, int contextRegister, long context) {
        if (!valid(vcpu) || states[vcpu] != VcpuState.OFF) {
            return false;
        }
        vm.resetVcpu(vcpu, regs[vcpu]);
        regs[vcpu].pc(entry);
        if (contextRegister >= 0) {
            regs[vcpu].set(contextRegister, context);
        }
        states[vcpu] = VcpuState.RUNNABLE;
        log.add("start vcpu" + vcpu + " at 0x" + Long.toHexString(entry));
        return true;
    }

    @Override
    public void stop(int vcpu) {
        if (!valid(vcpu)) {
            return;
        }
        states[vcpu] = VcpuState.OFF;
        log.add("stop vcpu" + vcpu);
        if (vcpu == current) {
            engines[vcpu].stop();
        }
    }

    @Override
    public long nowNanos() {
        return time;
    }

    /** One thread runs every engine, so another vCPU's engine is not running now: its registers are safe to touch. */
    @Override
    public boolean onVcpu(int vcpu, java.util.function.Consumer<dev.hcsim.core.RegisterAccess> action) {
        if (!valid(vcpu)) {
            return false;
        }
        action.accept(regs[vcpu]);
        return true;
    }

    @Override
    public void close() {
        Arrays.stream(engines).forEach(Unicorn::close);
    }
}
