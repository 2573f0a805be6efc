package dev.hcsim.arch.s390;

import static dev.hcsim.arch.s390.S390Interrupts.LC_GPREGS_SAVE_AREA;
import static dev.hcsim.arch.s390.S390Interrupts.LC_PREFIX_SAVE_AREA;
import static dev.hcsim.arch.s390.S390Interrupts.LC_PSW_SAVE_AREA;
import static dev.hcsim.arch.s390.S390Interrupts.LC_RESTART_OLD_PSW;
import static dev.hcsim.arch.s390.S390Interrupts.LC_RESTART_PSW;
import static dev.hcsim.arch.s390.S390Interrupts.LOWCORE_FIELDS_END;
import static dev.hcsim.arch.s390.S390Interrupts.lowcoreInMemory;
import static dev.hcsim.arch.s390.S390Interrupts.swapExternal;
import static dev.hcsim.arch.s390.S390Registers.PREFIX;
import static dev.hcsim.arch.s390.S390Registers.PREFIX_MASK;
import static dev.hcsim.arch.s390.S390Registers.PSWM;
import static dev.hcsim.arch.s390.S390Vm.EXT_EMERGENCY_SIGNAL;
import static dev.hcsim.arch.s390.S390Vm.EXT_EXTERNAL_CALL;
import static dev.hcsim.arch.s390.S390Vm.PFAULT_TOKEN_INVALID;
import static dev.hcsim.arch.s390.S390Vm.finish;
import static dev.hcsim.arch.s390.S390Vm.operand2;
import static dev.hcsim.arch.s390.S390Vm.problemState;
import static dev.hcsim.arch.s390.S390Vm.setCc;

import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.spi.Trap;

/**
 * SIGNAL PROCESSOR, as arch/s390/kvm/sigp.c handles it in the kernel and QEMU's target/s390x/sigp.c
 * takes the orders KVM_CAP_S390_USER_SIGP hands to user space: the order codes, the status bits, and
 * what each order does to its target. The per-vCPU state the orders change stays in {@link S390Vm}.
 */
final class S390Sigp {
    private final S390Vm owner;

    S390Sigp(S390Vm vm) {
        this.owner = vm;
    }

    /** SIGP order codes (arch/s390/include/asm/sigp.h). */
    /** SIGP condition code 2, "busy": the order cannot be taken now (sigp.c SIGP_CC_BUSY), here when the control cannot reach the target. */
    static final int SIGP_CC_BUSY = 2;
    static final int SIGP_SENSE = 1;
    static final int SIGP_EXTERNAL_CALL = 2;
    static final int SIGP_EMERGENCY_SIGNAL = 3;
    static final int SIGP_START = 4;
    static final int SIGP_STOP = 5;
    static final int SIGP_RESTART = 6;
    static final int SIGP_STOP_AND_STORE_STATUS = 9;
    static final int SIGP_INITIAL_CPU_RESET = 11;
    static final int SIGP_CPU_RESET = 12;
    static final int SIGP_SET_PREFIX = 13;
    static final int SIGP_STORE_STATUS_AT_ADDRESS = 14;
    static final int SIGP_SET_ARCHITECTURE = 18;
    static final int SIGP_COND_EMERGENCY_SIGNAL = 19;
    static final int SIGP_SENSE_RUNNING = 21;

    /** SIGP status bits stored in the low word of R1 with cc 1 (arch/s390/include/asm/sigp.h). */
    static final long SIGP_STATUS_INVALID_ORDER = 0x2;
    static final long SIGP_STATUS_STOPPED = 0x40;
    static final long SIGP_STATUS_INVALID_PARAMETER = 0x100;
    static final long SIGP_STATUS_INCORRECT_STATE = 0x200;
    static final long SIGP_STATUS_NOT_RUNNING = 0x400;


    private static final String[] SIGP_NAMES = new String[256];

    static {
        java.util.Arrays.fill(SIGP_NAMES, "SIGP (unknown order)");
        SIGP_NAMES[SIGP_SENSE] = "SIGP_SENSE";
        SIGP_NAMES[SIGP_EXTERNAL_CALL] = "SIGP_EXTERNAL_CALL";
        SIGP_NAMES[SIGP_EMERGENCY_SIGNAL] = "SIGP_EMERGENCY_SIGNAL";
        SIGP_NAMES[SIGP_START] = "SIGP_START";
        SIGP_NAMES[SIGP_STOP] = "SIGP_STOP";
        SIGP_NAMES[SIGP_RESTART] = "SIGP_RESTART";
        SIGP_NAMES[SIGP_STOP_AND_STORE_STATUS] = "SIGP_STOP_AND_STORE_STATUS";
        SIGP_NAMES[SIGP_INITIAL_CPU_RESET] = "SIGP_INITIAL_CPU_RESET";
        SIGP_NAMES[SIGP_CPU_RESET] = "SIGP_CPU_RESET";
        SIGP_NAMES[SIGP_SET_PREFIX] = "SIGP_SET_PREFIX";
        SIGP_NAMES[SIGP_STORE_STATUS_AT_ADDRESS] = "SIGP_STORE_STATUS_AT_ADDRESS";
        SIGP_NAMES[SIGP_SET_ARCHITECTURE] = "SIGP_SET_ARCHITECTURE";
        SIGP_NAMES[SIGP_COND_EMERGENCY_SIGNAL] = "SIGP_COND_EMERGENCY_SIGNAL";
        SIGP_NAMES[SIGP_SENSE_RUNNING] = "SIGP_SENSE_RUNNING";
    }

    /**
     * SIGNAL PROCESSOR: order = low 8 bits of the second-operand address, CPU address = low 16 bits
     * of GPR[R3], parameter = GPR[R1+1] (GPR[R1] when R1 is odd); the condition code is set and a
     * status goes to the low word of GPR[R1] (arch/s390/kvm/sigp.c kvm_s390_handle_sigp; the orders
     * QEMU takes with KVM_CAP_S390_USER_SIGP follow target/s390x/sigp.c).
     */
    void sigp(Trap t) {
        RegisterAccess r = t.registers();
        int order = (int) (operand2(t) & 0xFF);
        t.callName(SIGP_NAMES[order]);
        if (problemState(r)) {
            owner.program(t, S390Status.PGM_PRIVILEGED_OP, false);
            return;
        }
        int r1 = t.insnByte(1) >>> 4;
        int r3 = t.insnByte(1) & 0xF;
        long parameter = ((r1 & 1) != 0 ? r.get(r1) : r.get(r1 + 1)) & 0xFFFF_FFFFL;
        int cpuAddr = (int) (r.get(r3) & 0xFFFF);
        int cc;
        if (order == SIGP_SET_ARCHITECTURE) {
            cc = status(r, r1, owner.othersDown(control(t), t.vcpu()) ? SIGP_STATUS_INVALID_PARAMETER : SIGP_STATUS_INCORRECT_STATE);
        } else {
            int target = owner.vm().vcpuIndex(cpuAddr);
            cc = target < 0 ? 3 : sigpTo(t, r, r1, order, target, parameter);
        }
        setCc(r, cc);
        if (owner.selfRestart[t.vcpu()]) {
            owner.selfRestart[t.vcpu()] = false;
            // SIGP RESTART to itself: the old PSW (with this cc, after the SIGP) goes to 0x120 and the restart new PSW
            // is loaded (QEMU target/s390x/sigp.c sigp_restart on an operating CPU: cpu_inject_restart).
            long lc = r.get(PREFIX) & PREFIX_MASK;
            try {
                if (!lowcoreInMemory(t.memory(), lc)) {
                    throw new GuestFault(lc, LOWCORE_FIELDS_END, true);
                }
                t.memory().write(lc + LC_RESTART_OLD_PSW, 8, r.get(PSWM));
                t.memory().write(lc + LC_RESTART_OLD_PSW + 8, 8, t.pc() + 4);
                long mask = t.memory().read64(lc + LC_RESTART_PSW);
                long addr = t.memory().read64(lc + LC_RESTART_PSW + 8);
                r.set(PSWM, mask);
                t.resumeAt(addr);
            } catch (GuestFault f) {
                // no lowcore: the restart cannot be delivered; the SIGP itself completed
            }
        }
        finish(t);
    }

    private static VcpuControl control(Trap t) {
        return t.control(); // never null: the engine stands in VcpuControl.NONE for an embedder that passes none
    }

    /** Stores a SIGP status in the low word of GPR[R1] and returns cc 1 ("status stored"). */
    private static int status(RegisterAccess r, int r1, long status) {
        r.set(r1, (r.get(r1) & 0xFFFF_FFFF_0000_0000L) | status);
        return 1;
    }

    private static boolean stopped(VcpuState s) {
        return s == VcpuState.OFF || s == VcpuState.STOPPED || s == VcpuState.EXITED;
    }

    private int sigpTo(Trap t, RegisterAccess r, int r1, int order, int target, long parameter) {
        VcpuControl c = control(t);
        boolean self = target == t.vcpu();
        VcpuState state = self ? VcpuState.RUNNING : c.state(target);
        switch (order) {
            case SIGP_SENSE -> {
                // __sigp_sense: cc 0 when operating; else status "stopped" (external-call-pending is not tracked).
                return stopped(state) ? status(r, r1, SIGP_STATUS_STOPPED) : 0;
            }
            case SIGP_EXTERNAL_CALL -> {
                deliverExternal(t, c, target, EXT_EXTERNAL_CALL);
                c.interrupt(target, EXT_EXTERNAL_CALL);
                return 0;
            }
            case SIGP_EMERGENCY_SIGNAL, SIGP_COND_EMERGENCY_SIGNAL -> {
                // __sigp_conditional_emergency tests is_vcpu_stopped(vcpu) on the *sending* vCPU, which is
                // never stopped while it executes SIGP: the signal is always injected (sigp.c, as of today).
                deliverExternal(t, c, target, EXT_EMERGENCY_SIGNAL);
                c.interrupt(target, EXT_EMERGENCY_SIGNAL);
                return 0;
            }
            case SIGP_START -> {
                if (state == VcpuState.OFF) {
                    // QEMU sigp_start (run_on_cpu): the target continues where it stopped; its PC is read in its own context
                    long[] pc = {owner.vm().architecture().defaultEntry()};
                    c.onVcpu(target, tr -> pc[0] = tr.pc());
                    owner.keepStateOnStart[target] = true;
                    c.start(target, pc[0], -1, 0);
                    owner.keepStateOnStart[target] = false;
                }
                return 0;
            }
            case SIGP_STOP, SIGP_STOP_AND_STORE_STATUS -> {
                if (order == SIGP_STOP_AND_STORE_STATUS) {
                    onTarget(t, target, tr -> storeStatus(t.memory(), tr, tr.get(PREFIX) & PREFIX_MASK, self ? t.pc() + 4 : tr.pc(), 0x1200));
                }
                if (self) {
                    t.stop();
                } else if (!stopped(state)) {
                    c.stop(target);
                }
                return 0;
            }
            case SIGP_RESTART -> {
                if (self) {
                    // The restart interruption is taken after SIGP completes: see sigp().
                    owner.selfRestart[t.vcpu()] = true;
                    return 0;
                }
                return restart(t, c, target, state) ? 0 : SIGP_CC_BUSY;
            }
            case SIGP_INITIAL_CPU_RESET, SIGP_CPU_RESET -> {
                // The reset orders put the target in the stopped state and cancel its pfault handshake
                // (kvm-s390.c kvm_arch_vcpu_ioctl_normal_reset / initial_reset; QEMU sigp_(initial_)cpu_reset).
                boolean initial = order == SIGP_INITIAL_CPU_RESET && !self;
                if (!onTarget(t, target, tr -> {
                    owner.pfaultToken[target] = PFAULT_TOKEN_INVALID;
                    if (initial) {
                        tr.set(PSWM, 0);
                        tr.set(PREFIX, 0);
                    }
                })) {
                    return SIGP_CC_BUSY;
                }
                if (!self && !stopped(state)) {
                    c.stop(target);
                }
                return 0;
            }
            case SIGP_SET_PREFIX -> {
                // QEMU sigp_set_prefix (user SIGP): the target must be stopped, then the new lowcore must be memory.
                if (!stopped(state)) {
                    return status(r, r1, SIGP_STATUS_INCORRECT_STATE);
                }
                long address = parameter & PREFIX_MASK;
                if (!t.memory().readable(address, 1) || !t.memory().readable(address + 0x1FFF, 1)) {
                    return status(r, r1, SIGP_STATUS_INVALID_PARAMETER);
                }
                return onTarget(t, target, tr -> tr.set(PREFIX, address)) ? 0 : SIGP_CC_BUSY;
            }
            case SIGP_STORE_STATUS_AT_ADDRESS -> {
                if (!stopped(state)) {
                    return status(r, r1, SIGP_STATUS_INCORRECT_STATE);
                }
                long address = parameter & 0x7FFF_FE00L;
                if (!t.memory().readable(address, 512)) {
                    return status(r, r1, SIGP_STATUS_INVALID_PARAMETER);
                }
                return onTarget(t, target, tr -> storeStatus(t.memory(), tr, address, tr.pc(), 0)) ? 0 : SIGP_CC_BUSY;
            }
            case SIGP_SENSE_RUNNING -> {
                if (!owner.senseRunning) {
                    return status(r, r1, SIGP_STATUS_INVALID_ORDER);
                }
                return owner.running[target] || self ? 0 : status(r, r1, SIGP_STATUS_NOT_RUNNING);
            }
            default -> {
                // QEMU handle_sigp_single_dst: unknown order, status "invalid order", cc 1.
                return status(r, r1, SIGP_STATUS_INVALID_ORDER);
            }
        }
    }

    /**
     * A target owner.waiting in an enabled wait takes the external interruption at once, as
     * arch/s390/kvm/interrupt.c __deliver_external_call / __deliver_emergency_signal store it: the
     * interruption code at lowcore 0x86, the sending CPU's address at 0x84, the wait PSW as the
     * external old PSW at 0x130, and the external new PSW from 0x1B0 is loaded. A guest that installed
     * no external new PSW (all zero) simply continues after its wait. A target that is not owner.waiting,
     * stopped ones included, keeps the interruption pending (the scheduler counts it) and takes it at its
     * next enabled wait.
     */
    private void deliverExternal(Trap t, VcpuControl c, int target, int code) {
        long from = owner.vm().vcpuId(t.vcpu());
        boolean delivered = owner.waiting[target] && c.state(target) == VcpuState.HALTED
                && onTarget(t, target, tr -> {
                    if (swapExternal(t.memory(), tr, code, from, owner.waitPswMask[target], tr.pc())) {
                        owner.waiting[target] = false;
                    }
                });
        if (!delivered) {
            // kvm_s390_inject_vcpu queues it whatever the target's state (sigp.c __sigp_external_call): a stopped CPU
            // takes it after it is started, at its next enabled wait (lpswe); a CPU reset clears it (resetVcpu)
            owner.pendingExternal[target] = code;
            owner.pendingExternalFrom[target] = from;
        }
    }

    /**
     * SIGP RESTART: the restart old PSW (0x120) gets the target's PSW, the restart new PSW (0x1A0) of
     * the target's lowcore is loaded, and a stopped target starts (QEMU target/s390x/sigp.c
     * sigp_restart, do_restart_interrupt).
     */
    private boolean restart(Trap t, VcpuControl c, int target, VcpuState state) {
        MemoryAccess m = t.memory();
        long[] addr = {-1};
        boolean reached = c.onVcpu(target, tr -> {
            long lc = tr.get(PREFIX) & PREFIX_MASK;
            try {
                if (!lowcoreInMemory(m, lc)) {
                    return;
                }
                m.write(lc + LC_RESTART_OLD_PSW, 8, tr.get(PSWM));
                m.write(lc + LC_RESTART_OLD_PSW + 8, 8, tr.pc());
                tr.set(PSWM, m.read64(lc + LC_RESTART_PSW));
                addr[0] = m.read64(lc + LC_RESTART_PSW + 8);
                if (!stopped(state)) { // stopped() includes OFF
                    tr.pc(addr[0]);
                }
            } catch (GuestFault f) {
                // no lowcore: the restart cannot be delivered
            }
        });
        if (!reached) {
            return false;
        }
        if (addr[0] == -1) {
            return true;
        }
        if (state == VcpuState.OFF) {
            owner.keepStateOnStart[target] = true;
            c.start(target, addr[0], -1, 0);
            owner.keepStateOnStart[target] = false;
        } else if (!stopped(state)) {
            c.kick(target);
        }
        return true;
    }

    /**
     * Runs {@code action} on vCPU {@code target}'s registers: the caller's own directly, another's through
     * {@link VcpuControl#onVcpu} in that vCPU's context (QEMU run_on_cpu), never from this thread.
     * @return false when the control cannot reach the target (the order answers busy)
     */
    private static boolean onTarget(Trap t, int target, java.util.function.Consumer<RegisterAccess> action) {
        if (target == t.vcpu()) {
            action.accept(t.registers());
            return true;
        }
        return control(t).onVcpu(target, action);
    }

    /** Stores the status (GPRs, PSW, prefix) of a CPU at {@code base} + the save-area offsets (z/Architecture store status). */
    private static void storeStatus(MemoryAccess m, RegisterAccess tr, long base, long pc, long lowcoreBias) {
        try {
            long gprs = base + LC_GPREGS_SAVE_AREA - 0x1200 + lowcoreBias;
            if (!m.readable(gprs, LC_PREFIX_SAVE_AREA + 4 - LC_GPREGS_SAVE_AREA)) {
                return; // the save area is stored whole or not at all
            }
            for (int i = 0; i < 16; i++) {
                m.write(gprs + 8L * i, 8, tr.get(i));
            }
            m.write(base + LC_PSW_SAVE_AREA - 0x1200 + lowcoreBias, 8, tr.get(PSWM));
            m.write(base + LC_PSW_SAVE_AREA - 0x1200 + lowcoreBias + 8, 8, pc);
            m.write(base + LC_PREFIX_SAVE_AREA - 0x1200 + lowcoreBias, 4, tr.get(PREFIX));
        } catch (GuestFault ignored) {
            // the kernel ignores a failed store for STOP AND STORE STATUS of an unreadable lowcore
        }
    }
}
