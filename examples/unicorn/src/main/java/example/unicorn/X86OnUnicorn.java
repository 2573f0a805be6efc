package example.unicorn;

import dev.hcsim.core.RegisterLayout;
import java.util.Map;

/**
 * x86-64 on Unicorn ({@code UC_ARCH_X86}, {@code UC_MODE_64}): long mode, CPL 0. TCG has neither VMX nor SVM, so
 * {@code vmcall}/{@code vmmcall} are {@code #UD} and reach {@code UC_HOOK_INSN_INVALID} with RIP on the instruction;
 * the run then ends even when the hook handled it, and the loop starts it again at the RIP hcsim wrote.
 * {@code hlt} ends a Unicorn run without a hook, so the loop's code hook catches it before it runs.
 */
final class X86OnUnicorn extends UcArch {
    // hcsim's order (X86Registers): rax rcx rdx rbx rsp rbp rsi rdi r8..r15; Unicorn's numbers from unicorn/x86.h.
    private static final String[] NAMES = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    private static final int[] UC = {35, 38, 40, 37, 44, 36, 43, 39, 106, 107, 108, 109, 110, 111, 112, 113};
    private static final int UC_X86_REG_RIP = 41;
    private static final int UC_X86_REG_RFLAGS = 253;
    /** CF PF ZF SF OF: the flags hcsim's subset computes (X86Interpreter); AF it leaves alone, Unicorn computes it. */
    static final long FLAGS = 0x1 | 0x4 | 0x40 | 0x80 | 0x800;

    private int[] ucOf;
    private int rflags = -1;
    private int cpl;
    private int lma;
    private int csl;

    X86OnUnicorn() {
        super("x86-64", "x86", Map.of("mode", "64", "cpl", "0"), UnicornLibrary.UC_ARCH_X86, UnicornLibrary.UC_MODE_64);
    }

    private void resolve(RegisterLayout layout) {
        if (ucOf != null) {
            return;
        }
        int[] m = new int[layout.size()];
        java.util.Arrays.fill(m, -1);
        for (int i = 0; i < NAMES.length; i++) {
            m[layout.require(NAMES[i])] = UC[i];
        }
        rflags = layout.require("rflags");
        cpl = layout.require("cpl");
        lma = layout.require("efer.lma");
        csl = layout.require("cs.l");
        ucOf = m;
    }


    @Override
    public void hookTraps(Unicorn u, Runnable trap) {
        u.onInvalidInstruction(() -> {
            trap.run();
            return true;
        });
    }

    @Override
    long get(UcRegisters r, int reg) {
        resolve(r.layout);
        int uc = ucOf[reg];
        if (uc >= 0) {
            return r.u.reg(uc);
        }
        if (reg == rflags) {
            return r.u.reg(UC_X86_REG_RFLAGS);
        }
        if (reg == cpl) {
            return 0; // UC_MODE_64 starts at CPL 0 and the guests never leave it
        }
        return reg == lma || reg == csl ? 1 : r.shadow[reg];
    }

    @Override
    void set(UcRegisters r, int reg, long value) {
        resolve(r.layout);
        int uc = ucOf[reg];
        if (uc >= 0) {
            r.u.reg(uc, value);
        } else if (reg == rflags) {
            r.u.reg(UC_X86_REG_RFLAGS, value);
        } else if ((reg == cpl && value != 0) || ((reg == lma || reg == csl) && value != 1)) {
            throw new UnsupportedOperationException("this Unicorn vCPU runs in 64-bit mode at CPL 0 only; cannot set "
                    + r.layout.name(reg) + " = " + value);
        } else {
            r.shadow[reg] = value;
        }
    }

    @Override
    int pcRegister() {
        return UC_X86_REG_RIP;
    }

    @Override
    Guest guestInstruction(UcRegisters r, long pc, byte[] insn) {
        if ((insn[0] & 0xFF) == 0xF4) { // hlt
            r.pc(pc + 1);
            return Guest.WAIT;
        }
        return Guest.OWN;
    }

    @Override
    public int[] compared(RegisterLayout layout) {
        resolve(layout);
        int[] out = new int[NAMES.length + 1];
        for (int i = 0; i < NAMES.length; i++) {
            out[i] = layout.require(NAMES[i]);
        }
        out[NAMES.length] = rflags;
        return out;
    }

    @Override
    public long comparedBits(RegisterLayout layout, int reg) {
        return reg == layout.require("rflags") ? FLAGS : -1L;
    }
}
