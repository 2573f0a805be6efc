package example.unicorn;

import dev.hcsim.core.RegisterLayout;
import java.util.Map;

/**
 * s390x on Unicorn ({@code UC_ARCH_S390X}). In the supervisor state of Unicorn's default PSW, DIAG is a silent
 * no-op (its helper is compiled out in Unicorn's {@code target/s390x/misc_helper.c}), so this vCPU runs the guest in
 * the <em>problem state</em> (PSW bit 15): every privileged instruction, DIAG, STSI, STAP, SIGP and LPSWE among them,
 * then raises a program exception that reaches {@code UC_HOOK_INTR} (intno 3, {@code EXCP_PGM}) with the PSW address
 * on the instruction, and hcsim executes it as the supervisor-state guest would have it executed by KVM. hcsim sees
 * the PSW mask without the problem-state bit; the bit is put back on every write. The prefix register has no Unicorn
 * number and lives beside the engine.
 */
final class S390OnUnicorn extends UcArch {
    private static final int UC_S390X_REG_R0 = 1; // r0..r15 are 1..16
    private static final int UC_S390X_REG_PC = 65;
    private static final int UC_S390X_REG_PSWM = 66;
    /** PSW bit 15, the problem state (z/Architecture Principles of Operation, "Program-Status Word"). */
    static final long PROBLEM_STATE = 1L << (63 - 15);
    /** The condition code, PSW bits 18-19. */
    static final long CC = 3L << (63 - 19);

    private static final long PREFIX_MASK = 0x7FFF_E000L; // the prefix register's bits 1-18 (Principles of Operation, "Prefixing")
    // lowcore offsets (arch/s390/include/asm/lowcore.h)
    private static final int LC_PGM_ILC = 0x8C;
    private static final int LC_PGM_CODE = 0x8E;
    private static final int LC_PGM_LAST_BREAK = 0x110;
    private static final int LC_PGM_OLD_PSW = 0x150;
    private static final int LC_PGM_NEW_PSW = 0x1D0;

    private int pswm = -1;
    private int prefix;
    private int bear;

    S390OnUnicorn() {
        super("s390x", "s390", Map.of(), UnicornLibrary.UC_ARCH_S390X, UnicornLibrary.UC_MODE_BIG_ENDIAN);
    }

    private void resolve(RegisterLayout layout) {
        if (pswm < 0) {
            pswm = layout.require("pswm");
            prefix = layout.require("prefix");
            bear = layout.require("bear");
        }
    }



    @Override
    long get(UcRegisters r, int reg) {
        resolve(r.layout);
        if (reg < 16) {
            return r.u.reg(UC_S390X_REG_R0 + reg);
        }
        if (reg == pswm) {
            return r.u.reg(UC_S390X_REG_PSWM) & ~PROBLEM_STATE;
        }
        return r.shadow[reg];
    }

    @Override
    void set(UcRegisters r, int reg, long value) {
        resolve(r.layout);
        if (reg < 16) {
            r.u.reg(UC_S390X_REG_R0 + reg, value);
        } else if (reg == pswm) {
            r.u.reg(UC_S390X_REG_PSWM, value | PROBLEM_STATE);
        } else {
            r.shadow[reg] = value;
        }
    }

    @Override
    int pcRegister() {
        return UC_S390X_REG_PC;
    }

    @Override
    Guest guestInstruction(UcRegisters r, long pc, byte[] insn) {
        // LPSWE with a wait PSW is privileged: it reaches hcsim through the trap hook. STAP is not a trap in hcsim's
        // model (SIE interprets it; only a problem-state STAP reaches KVM), so the supervisor-state guest's STAP is
        // answered here, with the vCPU's own CPU address (Unicorn's engine is CPU 0).
        if ((insn[0] & 0xFF) == 0xB2 && (insn[1] & 0xFF) == 0x12) {
            int b2 = (insn[2] & 0xFF) >>> 4;
            long address = (b2 == 0 ? 0 : get(r, b2)) + (((insn[2] & 0xF) << 8) | (insn[3] & 0xFF));
            r.u.write(address, new byte[] {(byte) (r.vcpuId >>> 8), (byte) r.vcpuId}, 2);
            r.pc(pc + 4);
            return Guest.EMULATED;
        }
        return Guest.OWN;
    }

    /**
     * A program interruption, as {@code __deliver_prog} ({@code arch/s390/kvm/interrupt.c}) delivers it: the
     * instruction length (ILC times 2) at __LC_PGM_ILC, the breaking-event address (gbea) at __LC_PGM_LAST_BREAK, the
     * interruption code at __LC_PGM_INT_CODE, the current PSW with the record's address as the program old PSW, then
     * the program new PSW is loaded; all in the lowcore the prefix register points at. A guest without a program new
     * PSW (all zero) is not given one: the loop stops it, as hcsim's machine stops it.
     */
    @Override
    String inject(UcRegisters r, dev.hcsim.core.Fault fault) {
        if (!(fault instanceof dev.hcsim.core.Fault.S390 f)) {
            return "not a program interruption: " + fault;
        }
        resolve(r.layout);
        long lc = get(r, prefix) & PREFIX_MASK;
        byte[] newPsw = new byte[16];
        if (!r.u.read(lc + LC_PGM_NEW_PSW, newPsw, 16)) {
            return "no lowcore in guest memory";
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(newPsw); // big-endian, as the lowcore
        long mask = b.getLong(0);
        long addr = b.getLong(8);
        if (mask == 0 && addr == 0) {
            return "no program new PSW installed";
        }
        java.nio.ByteBuffer lowcore = java.nio.ByteBuffer.allocate(0x160);
        lowcore.putShort(LC_PGM_ILC, (short) f.instructionLength());
        lowcore.putShort(LC_PGM_CODE, (short) f.interruptionCode());
        lowcore.putLong(LC_PGM_LAST_BREAK, get(r, bear));
        lowcore.putLong(LC_PGM_OLD_PSW, get(r, pswm));
        lowcore.putLong(LC_PGM_OLD_PSW + 8, f.pc());
        byte[] all = lowcore.array();
        r.u.write(lc + LC_PGM_ILC, java.util.Arrays.copyOfRange(all, LC_PGM_ILC, LC_PGM_ILC + 4), 4);
        r.u.write(lc + LC_PGM_LAST_BREAK, java.util.Arrays.copyOfRange(all, LC_PGM_LAST_BREAK, LC_PGM_LAST_BREAK + 8), 8);
        r.u.write(lc + LC_PGM_OLD_PSW, java.util.Arrays.copyOfRange(all, LC_PGM_OLD_PSW, LC_PGM_OLD_PSW + 16), 16);
        set(r, pswm, mask);
        r.pc(addr);
        return null;
    }

    @Override
    public int[] compared(RegisterLayout layout) {
        resolve(layout);
        return generalThen(16, pswm);
    }

    @Override
    public long comparedBits(RegisterLayout layout, int reg) {
        return reg == layout.require("pswm") ? CC : -1L;
    }
}
