package dev.hcsim.arch.arm64;

import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.Emitter.Condition;

/**
 * The plain A64 instructions of the subset as code of a translated block ({@link dev.hcsim.core.spi.Instruction#emit}):
 * MOVZ/MOVN/MOVK, ADD/ADDS/SUB/SUBS (immediate and register), MOV, B, B.cond, CBZ/CBNZ, LDR/STR and the MPIDR read,
 * with the same results as {@link Arm64Interpreter}'s {@code execute}, on the block's register locals. NZCV is
 * replaced whole by a flag-setting instruction, so the JIT computes only flags something reads (lazy flags). Left to
 * {@code execute}: HVC/SMC, WFI and the SGI write.
 */
final class Arm64Emitter {
    private Arm64Emitter() {
    }

    /** {@code v ->}: rd = v, or its low 32 bits zero-extended when not {@code sf}. */
    static void write(Emitter e, int rd, boolean sf) {
        if (!sf) {
            e.zeroExtend(32);
        }
        e.set(rd);
    }

    /** {@code ->} reg, or its low 32 bits when not {@code sf}. */
    static void read(Emitter e, int reg, boolean sf) {
        e.get(reg);
        if (!sf) {
            e.zeroExtend(32);
        }
    }

    static void moveWide(Emitter e, int rd, boolean sf, int opc, long imm16, int shift) {
        long imm = imm16 << shift;
        switch (opc) {
            case 0 -> e.constant(~imm);
            case 2 -> e.constant(imm);
            default -> {
                e.get(rd);
                e.constant(~(0xFFFFL << shift));
                e.and();
                e.constant(imm);
                e.or();
            }
        }
        write(e, rd, sf);
    }

    /**
     * {@code a, b ->}: rd = a + b or a - b, NZCV as ADDS/SUBS set it when asked. In 32 bits the operands and the result
     * are taken sign-extended, so that the 64-bit tests of the flags below give the 32-bit ones (bit 63 is bit 31;
     * unsigned order is kept).
     */
    static void addSub(Emitter e, boolean sf, boolean sub, boolean setFlags, int rd) {
        int b = e.temporary();
        int a = e.temporary();
        int res = e.temporary();
        if (!sf) {
            e.signExtend(32);
        }
        e.store(b);
        if (!sf) {
            e.signExtend(32);
        }
        e.store(a);
        e.load(a);
        e.load(b);
        if (sub) {
            e.sub();
        } else {
            e.add();
        }
        if (!sf) {
            e.signExtend(32);
        }
        e.store(res);
        if (setFlags) {
            // N
            e.load(res);
            e.constant(63);
            e.ushr();
            e.constant(31);
            e.shl();
            // Z
            e.load(res);
            e.constant(0);
            e.compare(Condition.EQ);
            e.constant(30);
            e.shl();
            e.or();
            // C: no borrow (a >= b unsigned) for a subtraction, a carry out (res < a unsigned) for an addition
            if (sub) {
                e.load(a);
                e.load(b);
                e.compare(Condition.GEU);
            } else {
                e.load(res);
                e.load(a);
                e.compare(Condition.LTU);
            }
            e.constant(29);
            e.shl();
            e.or();
            // V: signed overflow (bit 63 of the sign-extended values is bit 31 of the 32-bit ones)
            e.signedOverflow(sub, a, b, res, 63);
            e.constant(28);
            e.shl();
            e.or();
            e.set(Arm64Registers.NZCV);
        }
        e.load(res);
        write(e, rd, sf);
    }

    /** B.cond as {@link Arm64Interpreter#conditionHolds} decides; B when cond is negative. */
    static void branch(Emitter e, int cond, long target) {
        if (cond < 0 || cond >= 14) {
            e.jump(target); // b, and b.al / b.nv (which always hold)
            return;
        }
        int f = e.temporary();
        e.get(Arm64Registers.NZCV);
        e.store(f);
        switch (cond >> 1) {
            case 0 -> flag(e, f, 30);
            case 1 -> flag(e, f, 29);
            case 2 -> flag(e, f, 31);
            case 3 -> flag(e, f, 28);
            case 4 -> {
                // c && !z
                flag(e, f, 29);
                flag(e, f, 30);
                e.constant(1);
                e.xor();
                e.and();
            }
            case 5 -> {
                // n == v
                flag(e, f, 31);
                flag(e, f, 28);
                e.xor();
                e.constant(1);
                e.xor();
            }
            default -> {
                // n == v && !z
                flag(e, f, 31);
                flag(e, f, 28);
                e.xor();
                flag(e, f, 30);
                e.or();
                e.constant(1);
                e.xor();
            }
        }
        e.constant(0);
        e.branchIf((cond & 1) != 0 ? Condition.EQ : Condition.NE, target);
    }

    /** {@code -> (f >>> bit) & 1}. */
    private static void flag(Emitter e, int f, int bit) {
        e.load(f);
        e.constant(bit);
        e.ushr();
        e.constant(1);
        e.and();
    }

    static void compareBranch(Emitter e, boolean sf, boolean nonZero, int rt, long target) {
        read(e, rt, sf);
        e.constant(0);
        e.branchIf(nonZero ? Condition.NE : Condition.EQ, target);
    }

    static void loadStore(Emitter e, boolean load, int size, int rt, int rn, long offset) {
        if (load) {
            e.loadMemory(rt, rn, offset, 1 << size, false);
        } else {
            e.storeMemory(rt, rn, offset, 1 << size);
        }
    }
}
