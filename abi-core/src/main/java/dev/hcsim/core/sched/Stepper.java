package dev.hcsim.core.sched;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.TrapSite;
import dev.hcsim.core.spi.VmContext;
import dev.hcsim.core.trace.SchedEvent;
import dev.hcsim.core.translate.BlockEngine;
import java.util.Locale;

/**
 * Runs one guest instruction of a vCPU and acts on what it signals: the next instruction, a jump, a
 * halt, a fault the guest subset has no handler for, or a trap, whose result it hands to the
 * scheduler (halt, yield, power-off) or to the host ({@link HostHandler}, then re-entry as the next
 * {@code KVM_RUN} does it).
 */
final class Stepper {
    private final Vm vm;
    private final VmContext context;
    private final SparseMemory memory;
    private final ArchitectureVm archVm;
    private final DecodeCache cache;
    private final TrapSites sites;
    private final Scheduler sched;
    HostHandler host = HostHandler.DEFAULT;
    /** The translating engine, or null when every instruction is interpreted on its own. */
    BlockEngine blocks;
    /** {@link #trapInBlock} as the engine's trap handler (one object, installed again after each {@link #runAhead}). */
    final BlockEngine.TrapHandler inBlockTraps = this::trapInBlock;
    /** The vCPU whose block runs now (for {@link #trapInBlock}). */
    private int blockVcpu;

    Stepper(Vm vm, VmContext context, SparseMemory memory, Scheduler sched) {
        this.vm = vm;
        this.context = context;
        this.memory = memory;
        this.archVm = context.archVm();
        this.cache = new DecodeCache(memory, context.codec());
        this.sites = new TrapSites(context.codec().maxLength());
        this.sched = sched;
    }

    void step(int v) {
        VcpuSlot s = sched.slots[v];
        RegisterFile regs = s.regs;
        long pc = regs.pc();
        int slot = cache.fetch(pc);
        if (slot < 0) {
            sched.stopVcpu(v, String.format(Locale.ROOT, "instruction fetch at 0x%x is outside guest memory", pc));
            return;
        }
        Instruction ins = cache.instruction(slot);
        int length = cache.length(slot);
        int signal;
        try {
            signal = ins.execute(s.cpu);
        } catch (RuntimeException e) {
            signal = s.cpu.fault(BlockEngine.faultReason(e, pc, ins));
        }
        s.instructions++;
        sched.instructions++;
        after(v, signal, pc, length);
    }

    /**
     * Runs a block of vCPU {@code v}'s instructions through the translating engine (one physical CPU: see
     * {@link Scheduler#runBlock}) and acts on the last one's signal as {@link #step} does.
     */
    void stepBlock(int v, long budget) {
        VcpuSlot s = sched.slots[v];
        blockVcpu = v;
        long r = blocks.run(s.cpu, budget);
        long executed = BlockEngine.executed(r);
        int signal = BlockEngine.signal(r);
        sched.endBlock(executed);
        if (signal == BlockEngine.FETCH_FAULT) {
            sched.stopVcpu(v, String.format(Locale.ROOT, "instruction fetch at 0x%x is outside guest memory", s.regs.pc()));
            return;
        }
        s.instructions++;
        sched.instructions++;
        if (signal == BlockEngine.TRAP_DONE) {
            afterTrap(v, context.frame(v)); // handled inside the block (trapInBlock); what follows it is the scheduler's
        } else if (signal != Cpu.NEXT && signal != Cpu.JUMP) {
            after(v, signal, blocks.lastPc(), blocks.lastLength()); // a NEXT or JUMP ending a block has set the PC already
        }
    }

    /**
     * Block interleaving with more than one physical CPU ({@link BlockInterleaving}): runs up to {@code budget} of vCPU
     * {@code v}'s instructions, through the translating engine or the interpreter (which stop at the same places), and
     * leaves what the last one signalled in its slot, for {@link #finishPending} when virtual time reaches it.
     * @return {@code (executed << 3) | signal}, as {@link BlockEngine#run}
     */
    long runAhead(int v, long budget) {
        VcpuSlot s = sched.slots[v];
        long r;
        if (blocks != null) {
            // A trap ends the block here (no trapInBlock): what it does to other vCPUs must wait for its virtual time.
            blocks.trapHandler(null);
            try {
                r = blocks.run(s.cpu, budget);
            } finally {
                blocks.trapHandler(inBlockTraps);
            }
            s.pendingPc = blocks.lastPc();
            s.pendingLength = blocks.lastLength();
        } else {
            r = interpretAhead(s, budget);
        }
        s.pendingSignal = BlockEngine.signal(r);
        return r;
    }

    /**
     * The interpreter's block: one instruction after the other, stopping where {@link BlockEngine#run} stops (the
     * budget, a signal other than NEXT or JUMP, a scheduler break, an address it cannot fetch from), so that both
     * engines give the same interleaving. (A store to a page holding decoded code makes the engine decode again, but
     * its run goes on; the decode cache here drops itself the same way.)
     */
    private long interpretAhead(VcpuSlot s, long budget) {
        RegisterFile regs = s.regs;
        long done = 0;
        sched.breakRequested = false;
        while (true) {
            long pc = regs.pc();
            int slot = cache.fetch(pc);
            if (slot < 0) {
                s.pendingPc = pc;
                s.pendingLength = 0;
                return done > 0 ? done << 3 | Cpu.JUMP : BlockEngine.FETCH_FAULT; // the next block reports the fault
            }
            Instruction ins = cache.instruction(slot);
            int length = cache.length(slot);
            sched.progress = done;
            int signal;
            try {
                signal = ins.execute(s.cpu);
            } catch (RuntimeException e) {
                signal = s.cpu.fault(BlockEngine.faultReason(e, pc, ins));
            }
            done++;
            if (signal == Cpu.NEXT) {
                regs.pc(pc + length);
            } else if (signal != Cpu.JUMP) {
                s.pendingPc = pc;
                s.pendingLength = length;
                return done << 3 | signal;
            }
            if (done >= budget || sched.breakRequested) {
                return done << 3 | signal;
            }
        }
    }

    /** Acts on what the last instruction of vCPU {@code v}'s block signalled ({@link #runAhead}), as {@link #stepBlock} does. */
    void finishPending(int v) {
        VcpuSlot s = sched.slots[v];
        int signal = s.pendingSignal;
        s.pendingSignal = Cpu.NEXT;
        if (signal == BlockEngine.FETCH_FAULT) {
            sched.stopVcpu(v, String.format(Locale.ROOT, "instruction fetch at 0x%x is outside guest memory", s.regs.pc()));
        } else if (signal != Cpu.NEXT && signal != Cpu.JUMP) {
            after(v, signal, s.pendingPc, s.pendingLength);
        }
    }

    /**
     * The engine's {@link BlockEngine.TrapHandler}: the trap at {@code pc} handled where it ran in the block, with the
     * scheduler's counters as a block ending at the trap gives them ({@link Scheduler#beginBlockTrap}). The block runs
     * on when the call returned to the guest and the scheduler's state did not change; else it ends and
     * {@link #stepBlock} acts on the result, as it does for a trap that ends a block.
     */
    boolean trapInBlock(long pc, TrapSite site) {
        int v = blockVcpu;
        sched.beginBlockTrap();
        sched.currentVcpu = v;
        TrapResult r = context.trap(v, sched.slots[v].regs, memory, sched, site); // the block's own site for the instruction at pc
        sched.currentVcpu = -1;
        boolean runOn = sched.endBlockTrap();
        return runOn && r.outcome() == Outcome.RESUME;
    }

    /** Acts on what the instruction at {@code pc} of {@code length} bytes signalled. */
    private void after(int v, int signal, long pc, int length) {
        VcpuSlot s = sched.slots[v];
        RegisterFile regs = s.regs;
        switch (signal) {
            case Cpu.NEXT -> regs.pc(pc + length);
            case Cpu.JUMP -> {
            }
            case Cpu.TRAP -> {
                sched.currentVcpu = v;
                TrapResult r = context.trap(v, regs, memory, sched, sites.at(pc)); // Vm.trap at a known call site
                sched.currentVcpu = -1;
                afterTrap(v, r);
            }
            case Cpu.HALT -> {
                regs.pc(pc + length);
                sched.haltOrContinue(v, "wait for interrupt");
            }
            default -> {
                String why = s.cpu.faultReason();
                s.cpu.clearFault();
                sched.stopVcpu(v, why);
            }
        }
    }

    /**
     * KVM_SET_MP_STATE KVM_MP_STATE_RUNNABLE and the next KVM_RUN of a vCPU the run left at an exit: its exit still
     * pending is completed as that KVM_RUN completes it, then it runs on like any vCPU.
     */
    void reenter(int v) {
        VcpuSlot s = sched.slots[v];
        VcpuState st = s.state();
        if (st != VcpuState.EXITED && st != VcpuState.OFF) {
            throw new IllegalStateException("vCPU " + v + " is " + st.name().toLowerCase(Locale.ROOT)
                    + ": only a vCPU stopped at an exit (exited to the host, or off after a system event) is re-entered");
        }
        sched.clearSystemEvent();
        s.stopReason = null;
        s.state(VcpuState.RUNNING); // on no physical CPU yet: what re-entry does below may halt, stop or exit it again
        TrapResult last = context.frame(v);
        if (last.outcome() == Outcome.EXIT_TO_HOST) {
            sched.currentVcpu = v;
            TrapResult done = vm.completeExit(v, s.regs, memory, last.exit()); // the exit as the VMM left it in kvm_run
            sched.currentVcpu = -1;
            if (sched.event()) {
                sched.sink.accept(new SchedEvent(sched.time, sched.name, v, "reenter", null, null, "KVM_SET_MP_STATE runnable"));
            }
            if (done.outcome() != Outcome.RESUME) {
                afterTrap(v, done);
            }
        }
        if (s.state() == VcpuState.RUNNING) {
            sched.enqueue(v);
        }
    }

    private void afterTrap(int v, TrapResult r) {
        VcpuSlot s = sched.slots[v];
        switch (r.outcome()) {
            case RESUME -> {
            }
            case HALT -> sched.haltOrContinue(v, noteOrName(v, r));
            case YIELD -> sched.yield(v, r.yieldTarget());
            case EXIT_TO_HOST -> hostExit(v, r);
            case STOP -> {
                if (s.state() == VcpuState.OFF) {
                    return; // a system event in the same call already stopped every vCPU
                }
                sched.powerOff(v, noteOrName(v, r));
            }
            case INTERRUPTED -> {
                // delivered to the guest's own handler: the PC is already there, the vCPU runs on
            }
            case FAULT, NOT_A_HYPERCALL -> {
                // The trap gate changed nothing for a fault it leaves to the CPU; this machine's CPU takes it here.
                String what = context.frame(v).faultDetail();
                if (r.fault() != null) {
                    archVm.deliver(v, s.regs, r.fault());
                }
                sched.stopVcpu(v, String.format(Locale.ROOT, "%s at 0x%x (the guest subset has no handler for it)", what, s.regs.pc()));
            }
        }
    }

    /** What the trace says a halt or power-off was: the trap gate's note (an enabled wait), else the call's name. */
    private String noteOrName(int v, TrapResult r) {
        String note = context.frame(v).why();
        return note != null ? note : r.callName();
    }

    private void hostExit(int v, TrapResult r) {
        VcpuSlot s = sched.slots[v];
        if (sched.event()) {
            // a call that stopped its own vCPU (kvm_prepare_system_event) has already left its physical CPU
            sched.sink.accept(new SchedEvent(sched.time, sched.name, v, "exit", s.pcpuOrNull(), null, r.exit().toString()));
        }
        if (r.exit() instanceof Exit.SystemEvent e && e.type() != SystemEventType.SUSPEND && e.type() != SystemEventType.WAKEUP) {
            // A shutdown, reset or crash is VM-wide: the VMM stops every vCPU (QEMU's qemu_system_shutdown_request and the like).
            // A SUSPEND exit is the calling vCPU's: the host answers it like any other exit.
            sched.systemEvent(v, e, context.frame(v).why());
            return;
        }
        if (s.state() == VcpuState.OFF) {
            return; // the call itself powered the vCPU off
        }
        long ret = host.answer(v, r);
        if (ret == HostHandler.STAY_EXITED) {
            sched.stayExited(v, "exited to host: " + r.exit().reason());
            return;
        }
        sched.currentVcpu = v;
        Exit payload = host.payload(v, r, ret);
        TrapResult done = payload != null ? vm.completeExit(v, s.regs, memory, payload) : vm.completeExit(v, s.regs, memory, ret);
        sched.currentVcpu = -1;
        if (sched.event()) {
            sched.sink.accept(new SchedEvent(sched.time, sched.name, v, "reenter", s.pcpuOrNull(), null, payload != null ? "host answered " + payload
                    : "host returned 0x" + Long.toHexString(ret)));
        }
        if (done.outcome() != Outcome.RESUME) {
            afterTrap(v, done);
        }
    }
}
