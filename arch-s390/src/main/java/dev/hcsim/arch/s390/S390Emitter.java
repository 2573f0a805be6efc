package dev.hcsim.arch.s390;

import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.Emitter.Condition;

/**
 * The plain instructions of the s390x subset as code of a translated block ({@link dev.hcsim.core.spi.Instruction#emit}):
 * the register-immediate and register-register forms and BRANCH RELATIVE ON CONDITION, with the same results as
 * {@link S390Interpreter}'s {@code execute}, on the block's register locals. The condition code is arithmetic
 * without branches into the PSW mask's local, built on the mask as the block found it ({@link Emitter#getSynced}: no
 * emitted instruction changes its other bits), so that the JIT computes only a condition code something reads (a
 * branch, the register file at the block's exits): a lazy condition code. The storage forms compute the effective
 * address and prefixing as arithmetic. Left to {@code execute}: the privileged and intercepted instructions.
 */
final class S390Emitter {
    private static final long CC_MASK = 3L << S390Registers.CC_SHIFT;

    private S390Emitter() {
    }

    /** {@code cc ->}: PSWM = (the PSW mask as the block found it, without its cc) | cc << 44. */
    static void setCc(Emitter e) {
        e.constant(S390Registers.CC_SHIFT);
        e.shl();
        e.getSynced(S390Registers.PSWM);
        e.constant(~CC_MASK);
        e.and();
        e.or();
        e.set(S390Registers.PSWM);
    }

    /** {@code v -> } the condition code of a signed result: 0 zero, 1 negative, 2 positive. */
    static void signCc(Emitter e) {
        e.dup();
        e.constant(0);
        e.compare(Condition.LT);
        e.swap();
        e.constant(0);
        e.compare(Condition.GT);
        e.constant(1);
        e.shl();
        e.or();
    }

    /** {@code a, b -> } the condition code of a signed comparison: 0 equal, 1 first low, 2 first high. */
    static void compareCc(Emitter e) {
        int b = e.temporary();
        int a = e.temporary();
        e.store(b);
        e.store(a);
        e.load(a);
        e.load(b);
        e.compare(Condition.LT);
        e.load(a);
        e.load(b);
        e.compare(Condition.GT);
        e.constant(1);
        e.shl();
        e.or();
    }

    /**
     * {@code r1 = a + b} or {@code a - b} with its condition code: 3 on signed overflow, else by the sign of the result
     * (ADD and SUBTRACT, z/Architecture Principles of Operation).
     * @param sub false for an addition, true for a subtraction
     */
    static void addSubtract(Emitter e, int r1, boolean sub) {
        int b = e.temporary();
        int a = e.temporary();
        int res = e.temporary();
        e.store(b);
        e.store(a);
        e.load(a);
        e.load(b);
        if (sub) {
            e.sub();
        } else {
            e.add();
        }
        e.store(res);
        e.load(res);
        e.set(r1);
        // signed overflow: cc 3
        e.signedOverflow(sub, a, b, res, 63);
        e.constant(3);
        e.mul();
        e.load(res);
        signCc(e);
        e.or();
        setCc(e);
    }

    /** brc: taken when mask bit {@code 8 >> cc} is set; a taken branch sets the BEAR to its own address. */
    static void branch(Emitter e, int mask, long target, long address) {
        if (mask == 0) {
            return;
        }
        if (mask == 15) {
            e.constant(address);
            e.set(S390Registers.BEAR);
            e.jump(target);
            return;
        }
        int taken = e.temporary();
        // taken = (mask >>> (3 - cc)) & 1
        e.constant(mask);
        e.constant(3);
        e.get(S390Registers.PSWM);
        e.constant(S390Registers.CC_SHIFT);
        e.ushr();
        e.constant(3);
        e.and();
        e.sub();
        e.ushr();
        e.constant(1);
        e.and();
        e.store(taken);
        // BEAR = taken ? address : BEAR, without a branch: BEAR ^ ((BEAR ^ address) & -taken)
        e.get(S390Registers.BEAR);
        e.dup();
        e.constant(address);
        e.xor();
        e.load(taken);
        e.negate();
        e.and();
        e.xor();
        e.set(S390Registers.BEAR);
        e.load(taken);
        e.constant(0);
        e.branchIf(Condition.NE, target);
    }

    /**
     * {@code ->} the absolute address of D2(X2,B2) on this vCPU: the effective (real) address, then prefixing as
     * {@link S390Registers#realToAbsolute} does it, without branches: real 0..0x1FFF moves up by the prefix, the prefix
     * area moves down to 0, everything else stays.
     */
    static void absolute(Emitter e, long d2, int x2, int b2) {
        int real = e.temporary();
        int prefix = e.temporary();
        int low = e.temporary();
        e.constant(d2);
        if (x2 != 0) {
            e.get(x2);
            e.add();
        }
        if (b2 != 0) {
            e.get(b2);
            e.add();
        }
        e.store(real);
        e.get(S390Registers.PREFIX);
        e.constant(S390Registers.PREFIX_MASK);
        e.and();
        e.store(prefix);
        // low = 0 <= real < 0x2000
        e.load(real);
        e.constant(0x2000);
        e.compare(Condition.LTU);
        e.store(low);
        // real + prefix * low - prefix * (prefix <= real < prefix + 0x2000) * (1 - low)
        e.load(real);
        e.load(prefix);
        e.load(low);
        e.mul();
        e.add();
        e.load(real);
        e.load(prefix);
        e.sub();
        e.constant(0x2000);
        e.compare(Condition.LTU);
        e.constant(1);
        e.load(low);
        e.sub();
        e.mul();
        e.load(prefix);
        e.mul();
        e.sub();
    }
}
