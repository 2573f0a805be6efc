package dev.hcsim.arch.s390;

import static dev.hcsim.arch.s390.S390Registers.PREFIX;
import static dev.hcsim.arch.s390.S390Registers.PREFIX_MASK;
import static dev.hcsim.arch.s390.S390Registers.PSWM;

import dev.hcsim.core.Fault;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.spi.Trap;

/**
 * Interruption delivery through the lowcore, as arch/s390/kvm/interrupt.c does it: the lowcore layout
 * (arch/s390/include/asm/lowcore.h), program interruptions (__deliver_prog) and the external
 * interruptions of the two SIGP IPIs (__deliver_external_call, __deliver_emergency_signal). Stateless:
 * the per-vCPU state of pending interruptions stays in {@link S390Vm}.
 */
final class S390Interrupts {
    private S390Interrupts() {
    }

    // lowcore offsets (arch/s390/include/asm/lowcore.h)
    static final int LC_PGM_ILC = 0x8C;
    static final int LC_PGM_CODE = 0x8E;
    static final int LC_PGM_LAST_BREAK = 0x110;
    static final int LC_RESTART_OLD_PSW = 0x120;
    static final int LC_PGM_OLD_PSW = 0x150;
    static final int LC_RESTART_PSW = 0x1A0;
    static final int LC_PGM_NEW_PSW = 0x1D0;
    static final int LC_EXT_CPU_ADDR = 0x84;
    static final int LC_EXT_INT_CODE = 0x86;
    static final int LC_EXT_OLD_PSW = 0x130;
    static final int LC_EXT_NEW_PSW = 0x1B0;
    static final int LC_GPREGS_SAVE_AREA = 0x1280;
    static final int LC_PSW_SAVE_AREA = 0x1300;
    static final int LC_PREFIX_SAVE_AREA = 0x1318;
    /** The first lowcore byte an interruption stores (the external CPU address at 0x84, rounded down). */
    static final int LOWCORE_FIELDS_START = 0x80;
    /** The end of the last new PSW an interruption reads (the program new PSW at 0x1D0, 16 bytes). */
    static final int LOWCORE_FIELDS_END = 0x1E0;

    /**
     * Program interruption {@code code} (arch/s390/kvm/interrupt.c __deliver_prog): the old PSW points
     * after the instruction (the intercept already moved it), the ILC is 2 (a 4-byte instruction). With
     * a program new PSW in the lowcore, it is delivered here (lowcore written, PSW loaded:
     * {@link dev.hcsim.core.Outcome#INTERRUPTED}); without one, or with program-interruptions=report,
     * nothing is written and the embedder injects it ({@link dev.hcsim.core.Outcome#FAULT}).
     */
    static void program(Trap t, int code, boolean invalidOperand, boolean reportOnly) {
        programAt(t, code, invalidOperand, t.pc() + 4, reportOnly);
    }

    /**
     * Program interruption {@code code} with the old PSW's address {@code next}: what {@link #program} does for the
     * trapping instruction, and what the next KVM_RUN does for one the VMM injected (KVM_S390_IRQ) at an exit, where
     * the PSW already points past the instruction.
     */
    static void programAt(Trap t, int code, boolean invalidOperand, long next, boolean reportOnly) {
        t.status(S390Status.of(code, invalidOperand));
        Fault.S390 what = new Fault.S390(code, 2, next);
        t.resumeAt(next);
        if (reportOnly) {
            t.fault(what, null);
            return;
        }
        RegisterAccess r = t.registers();
        long lc = r.get(PREFIX) & PREFIX_MASK;
        MemoryAccess m = t.memory();
        long mask;
        long addr;
        try {
            if (!lowcoreInMemory(m, lc)) {
                throw new GuestFault(lc, LOWCORE_FIELDS_END, true); // nothing is stored: see lowcoreInMemory
            }
            mask = m.read64(lc + LC_PGM_NEW_PSW);
            addr = m.read64(lc + LC_PGM_NEW_PSW + 8);
        } catch (GuestFault f) {
            t.fault(what, "no lowcore in guest memory");
            return;
        }
        if (mask == 0 && addr == 0) {
            t.fault(what, "no program new PSW installed");
            return;
        }
        m.write(lc + LC_PGM_ILC, 2, what.instructionLength());
        m.write(lc + LC_PGM_LAST_BREAK, 8, r.get(S390Registers.BEAR)); // sie_block->gbea
        m.write(lc + LC_PGM_CODE, 2, code);
        m.write(lc + LC_PGM_OLD_PSW, 8, r.get(PSWM));
        m.write(lc + LC_PGM_OLD_PSW + 8, 8, next);
        r.set(PSWM, mask);
        r.pc(addr);
        t.interrupted(what, "delivered through the program new PSW");
        t.resumeAt(addr);
    }

    /**
     * Takes external interruption {@code code} on the CPU whose registers are {@code tr}: stores the code, the
     * sender's address and the old PSW in its lowcore and loads the external new PSW. False, with nothing written,
     * when the lowcore is not guest memory or holds no external new PSW.
     */
    static boolean swapExternal(MemoryAccess m, RegisterAccess tr, int code, long from, long oldMask, long oldAddr) {
        long lc = tr.get(PREFIX) & PREFIX_MASK;
        try {
            if (!lowcoreInMemory(m, lc)) {
                return false;
            }
            long mask = m.read64(lc + LC_EXT_NEW_PSW);
            long addr = m.read64(lc + LC_EXT_NEW_PSW + 8);
            if (mask == 0 && addr == 0) {
                return false;
            }
            m.write(lc + LC_EXT_INT_CODE, 2, code);
            m.write(lc + LC_EXT_CPU_ADDR, 2, from);
            m.write(lc + LC_EXT_OLD_PSW, 8, oldMask);
            m.write(lc + LC_EXT_OLD_PSW + 8, 8, oldAddr);
            tr.set(PSWM, mask);
            tr.pc(addr);
            return true;
        } catch (GuestFault f) {
            return false; // no lowcore in guest memory: the interruption stays pending only
        }
    }

    /**
     * True when every lowcore field an interruption stores or loads (0x80..0x1e0 past the prefix) is guest memory.
     * KVM's deliveries (interrupt.c __deliver_prog, __deliver_restart, __deliver_external_call) store several
     * fields one after another; hcsim stores them only when all of them can be, so that a guest never finds an
     * interruption code without its old PSW.
     */
    static boolean lowcoreInMemory(MemoryAccess m, long lc) {
        return m.readable(lc + LOWCORE_FIELDS_START, LOWCORE_FIELDS_END - LOWCORE_FIELDS_START);
    }
}
