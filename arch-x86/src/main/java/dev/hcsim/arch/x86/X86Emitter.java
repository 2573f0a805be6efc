package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.X86Registers.CF;
import static dev.hcsim.arch.x86.X86Registers.OF;
import static dev.hcsim.arch.x86.X86Registers.RFLAGS;
import static dev.hcsim.arch.x86.X86Registers.SF;
import static dev.hcsim.arch.x86.X86Registers.ZF;

import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.Emitter.Condition;

/**
 * The plain instructions of the x86-64 subset as code of a translated block ({@link dev.hcsim.core.spi.Instruction#emit}):
 * moves, the ALU forms, loads, stores and jumps, with the same results as {@link X86Interpreter}'s {@code execute}, on
 * the block's register locals. The flags are arithmetic into the RFLAGS local, independent of the flags before
 * ({@link Emitter#getSynced}), so that the JIT computes only the ones something reads: a flags value the next ALU
 * instruction replaces is never computed (lazy flags, at no cost to what reads them: a {@code jcc}, the register file
 * at the block's exits, an instruction left to {@code execute} such as the trap or {@code pushf}).
 * Left to {@code execute}: {@code call}, {@code ret}, {@code cpuid}, {@code rdmsr}, {@code wrmsr}, {@code rdtsc} and
 * the trapping instructions.
 */
final class X86Emitter {
    private static final long ARITHMETIC_FLAGS = CF | ZF | SF | OF | X86Interpreter.PF;

    private X86Emitter() {
    }

    /** {@code value ->}: writes a w-bit result to {@code reg} as {@link X86Interpreter#write} does. */
    static void write(Emitter e, int reg, int w) {
        switch (w) {
            case 64 -> e.set(reg);
            case 32 -> {
                e.zeroExtend(32);
                e.set(reg);
            }
            default -> {
                long m = X86Interpreter.mask(w);
                e.constant(m);
                e.and();
                e.get(reg);
                e.constant(~m);
                e.and();
                e.or();
                e.set(reg);
            }
        }
    }

    /** add (0), or (1), and (4), sub (5), xor (6), cmp (7) of {@code dst} and {@code src} (or {@code imm} when src is negative). */
    static boolean alu(Emitter e, int op, int dst, int src, long imm, int w) {
        if (op != 0 && op != 1 && op != 4 && op != 5 && op != 6 && op != 7) {
            return false;
        }
        long m = X86Interpreter.mask(w);
        int a = e.temporary();
        int b = e.temporary();
        int res = e.temporary();
        e.get(dst);
        masked(e, m);
        e.store(a);
        if (src >= 0) {
            e.get(src);
            masked(e, m);
        } else {
            e.constant(imm & m);
        }
        e.store(b);
        e.load(a);
        e.load(b);
        switch (op) {
            case 0 -> e.add();
            case 5, 7 -> e.sub();
            case 1 -> e.or();
            case 4 -> e.and();
            default -> e.xor();
        }
        masked(e, m);
        e.store(res);
        // RFLAGS = RFLAGS & ~(CF|ZF|SF|OF|PF) | CF | OF | ZF | SF | PF, each from the operands and the result; the
        // other bits as the block found them (no emitted instruction changes them), so that this value does not
        // depend on the previous instruction's flags and the JIT drops it when the next ALU instruction replaces it
        e.getSynced(RFLAGS);
        e.constant(~ARITHMETIC_FLAGS);
        e.and();
        if (op == 0 || op == 5 || op == 7) {
            // CF: the add wrapped (res < a unsigned), the subtraction borrowed (a < b unsigned)
            if (op == 0) {
                e.load(res);
                e.load(a);
            } else {
                e.load(a);
                e.load(b);
            }
            e.compare(Condition.LTU);
            e.or();
            // OF: signed overflow at the width's sign bit
            e.signedOverflow(op != 0, a, b, res, w - 1);
            e.constant(11);
            e.shl();
            e.or();
        }
        e.load(res);
        e.constant(0);
        e.compare(Condition.EQ);
        e.constant(6);
        e.shl();
        e.or();
        e.load(res);
        bit(e, w - 1, 7);
        e.or();
        // PF: an even number of ones in the low byte
        e.load(res);
        e.constant(0xFF);
        e.and();
        e.bitCount();
        e.constant(1);
        e.and();
        e.constant(1);
        e.xor();
        e.constant(2);
        e.shl();
        e.or();
        e.set(RFLAGS);
        if (op != 7) {
            e.load(res);
            write(e, dst, w);
        }
        return true;
    }

    private static void masked(Emitter e, long m) {
        if (m != -1L) {
            e.constant(m);
            e.and();
        }
    }

    /** {@code v -> ((v >>> from) & 1) << to}. */
    private static void bit(Emitter e, int from, int to) {
        e.constant(from);
        e.ushr();
        e.constant(1);
        e.and();
        e.constant(to);
        e.shl();
    }

    /** {@code f ->} flag {@code at} of f, as 0 or 1. */
    private static void flag(Emitter e, long flag) {
        e.constant(Long.numberOfTrailingZeros(flag));
        e.ushr();
    }

    /** jcc (cc 0..15) to {@code target}, as {@link X86Interpreter#condition} decides; jmp when cc is negative. */
    static void branch(Emitter e, int cc, long target) {
        if (cc < 0) {
            e.jump(target);
            return;
        }
        e.get(RFLAGS);
        switch (cc >> 1) {
            case 0 -> flag(e, OF);
            case 1 -> flag(e, CF);
            case 2 -> flag(e, ZF);
            case 3 -> {
                e.dup();
                flag(e, ZF);
                e.or(); // CF is bit 0
            }
            case 4 -> flag(e, SF);
            case 5 -> flag(e, X86Interpreter.PF);
            case 6 -> signNotOverflow(e);
            default -> {
                e.dup();
                flag(e, ZF);
                e.swap();
                signNotOverflow(e);
                e.or();
            }
        }
        e.constant(1);
        e.and();
        e.constant(0);
        e.branchIf((cc & 1) == 0 ? Condition.NE : Condition.EQ, target);
    }

    /** {@code f -> (f >>> SF bit) ^ (f >>> OF bit)}: bit 0 is SF != OF. */
    private static void signNotOverflow(Emitter e) {
        e.dup();
        flag(e, SF);
        e.swap();
        flag(e, OF);
        e.xor();
    }

}
