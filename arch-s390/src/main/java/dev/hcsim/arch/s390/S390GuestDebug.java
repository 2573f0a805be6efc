package dev.hcsim.arch.s390;

import dev.hcsim.core.Errno;
import dev.hcsim.core.Exit;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.spi.Trap;

/**
 * KVM_SET_GUEST_DEBUG single-stepping on s390 across the intercepted instructions (arch/s390/kvm/guestdbg.c,
 * intercept.c should_handle_per_ifetch, kvm-s390.c kvm_arch_vcpu_ioctl_run), and the program interruption a VMM
 * injects with KVM_S390_IRQ after an instruction it emulated (kvm-s390.c kvm_arch_vcpu_async_ioctl).
 *
 * <p>With KVM_GUESTDBG_SINGLESTEP, KVM turns on guest PER instruction-fetch events, so every intercepted instruction
 * carries a PER i-fetch event (icptstatus 0x02). After KVM handled the instruction itself (a DIAGNOSE it owns),
 * kvm_s390_handle_per_ifetch_icpt finds a single-step exit required (debug_exit_required: KVM_SINGLESTEP at the
 * PSW address, which is past the instruction) and KVM_RUN returns KVM_EXIT_DEBUG. A program interruption KVM
 * delivered instead ends the step in its handler (interrupt.c: the exit follows the delivery, with the PSW the new
 * PSW). An instruction handed to user space (KVM_EXIT_S390_SIEIC) leaves KVM_GUESTDBG_EXIT_PENDING set: the next
 * KVM_RUN returns KVM_EXIT_DEBUG at once, unless the VMM injected an interruption first (KVM_S390_IRQ clears the
 * bit), which the next KVM_RUN delivers before the debug exit.
 */
final class S390GuestDebug {
    /** KVM_GUESTDBG_ENABLE (include/uapi/linux/kvm.h). */
    static final long KVM_GUESTDBG_ENABLE = 0x1;
    /** KVM_GUESTDBG_SINGLESTEP. */
    static final long KVM_GUESTDBG_SINGLESTEP = 0x2;
    /** KVM_GUESTDBG_USE_HW_BP (arch/s390/include/uapi/asm/kvm.h). */
    static final long KVM_GUESTDBG_USE_HW_BP = 0x0001_0000L;
    /** KVM_GUESTDBG_EXIT_PENDING. */
    static final long KVM_GUESTDBG_EXIT_PENDING = 0x4000_0000L;
    /** VALID_GUESTDBG_FLAGS (kvm-s390.c). */
    static final long VALID_GUESTDBG_FLAGS = KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_USE_HW_BP | KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_EXIT_PENDING;

    private final S390Vm vm;
    private final long[] control;
    private final int[] injectedPgm;

    S390GuestDebug(S390Vm vm, int vcpus) {
        this.vm = vm;
        this.control = new long[vcpus];
        this.injectedPgm = new int[vcpus];
    }

    /**
     * KVM_SET_GUEST_DEBUG (kvm_arch_vcpu_ioctl_set_guest_debug): -EINVAL for a flag outside VALID_GUESTDBG_FLAGS;
     * without KVM_GUESTDBG_ENABLE every debug state is cleared. Hardware breakpoints are accepted with none set
     * (hcsim's KvmControl passes no kvm_guest_debug_arch), so they never fire.
     */
    void set(int vcpu, long ctl) {
        if ((ctl & ~VALID_GUESTDBG_FLAGS) != 0) {
            throw new KvmException("KVM_SET_GUEST_DEBUG", Errno.EINVAL, "control 0x" + Long.toHexString(ctl)
                    + " has a flag outside VALID_GUESTDBG_FLAGS (kvm-s390.c kvm_arch_vcpu_ioctl_set_guest_debug)");
        }
        control[vcpu] = (ctl & KVM_GUESTDBG_ENABLE) != 0 ? ctl : 0;
    }

    long control(int vcpu) {
        return control[vcpu];
    }

    int injectedPgm(int vcpu) {
        return injectedPgm[vcpu];
    }

    /** Snapshot restore: the KVM_SET_GUEST_DEBUG state (KVM_GUESTDBG_EXIT_PENDING included) and an injected interruption. */
    void restore(int vcpu, long ctl, int pgm) {
        control[vcpu] = ctl;
        injectedPgm[vcpu] = pgm;
    }

    private boolean singleStepping(int vcpu) {
        return (control[vcpu] & (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP)) == (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP);
    }

    /**
     * After the trap gate handled an intercepted instruction: a step KVM completed or ended in a delivered
     * program interruption is a KVM_EXIT_DEBUG now; a step handed to user space leaves the exit pending.
     */
    void afterIntercept(Trap t) {
        int v = t.vcpu();
        if (!singleStepping(v)) {
            return;
        }
        Outcome o = t.outcome();
        if (o == Outcome.RESUME || o == Outcome.YIELD) {
            // debug_exit_required: debug_exit->addr = gpsw.addr, KVM_SINGLESTEP. A directed yield already ran in
            // the kernel (kvm_vcpu_on_spin); the run ends with the debug exit instead of a reschedule here.
            stepExit(t, t.registers().pc());
        } else if (o == Outcome.INTERRUPTED) {
            stepExit(t, t.registers().pc()); // the program new PSW is loaded: the step ends in the handler
        } else if (o == Outcome.EXIT_TO_HOST && t.exit() instanceof Exit.S390Sieic) {
            control[v] |= KVM_GUESTDBG_EXIT_PENDING; // should_handle_per_ifetch also for -EOPNOTSUPP
        }
    }

    private static void stepExit(Trap t, long psw) {
        t.exitToHost(new Exit.Debug(psw), (tt, ret) -> {
            tt.status(null);
            tt.resumeAt(psw); // the next KVM_RUN continues at the PSW the exit showed
        });
        t.resumeAt(psw);
    }

    /**
     * KVM_S390_IRQ of a KVM_S390_PROGRAM_INT while the vCPU is at an exit to user space: clears
     * KVM_GUESTDBG_EXIT_PENDING; the next KVM_RUN delivers the interruption.
     */
    void injectProgram(int vcpu, int code) {
        injectedPgm[vcpu] = code;
        control[vcpu] &= ~KVM_GUESTDBG_EXIT_PENDING;
    }

    /**
     * Re-entry after an instruction handed to user space (KVM_EXIT_S390_SIEIC): r2 as the VMM left it, then what
     * the next KVM_RUN does before the guest runs: deliver an injected program interruption (old PSW = the PSW past
     * the instruction), or return the pending single-step exit at once.
     */
    final Trap.ExitCompletion userspaceReentry = this::reenterAfterUserspace;

    private void reenterAfterUserspace(Trap t, long ret) {
        S390Vm.KEEP_R2.complete(t, ret);
        int v = t.vcpu();
        int code = injectedPgm[v];
        if (code != 0) {
            injectedPgm[v] = 0;
            S390Interrupts.programAt(t, code, false, t.registers().pc(), vm.reportOnly());
            if (t.outcome() == Outcome.INTERRUPTED && singleStepping(v)) {
                stepExit(t, t.registers().pc());
            }
        } else if ((control[v] & KVM_GUESTDBG_EXIT_PENDING) != 0) {
            control[v] &= ~KVM_GUESTDBG_EXIT_PENDING; // kvm_s390_prepare_debug_exit
            stepExit(t, t.registers().pc());
        }
    }
}
