package dev.hcsim.arch.ppc;

import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.Emitter.Condition;

/**
 * The plain Power ISA instructions of the subset as code of a translated block
 * ({@link dev.hcsim.core.spi.Instruction#emit}): addi/addis, ori/oris, or, rldicr, cmpwi/cmpdi, b, bl, beq/bne and
 * mtctr, with the same results as {@link PpcInterpreter}'s {@code execute}, on the block's register locals. Left to
 * {@code execute}: the loads and stores (the magic page and 32-bit mode decide the address), blr/bctr (a register
 * target), sc, msgsnd, mfspr and the trap.
 */
final class PpcEmitter {
    private PpcEmitter() {
    }

    /** {@code -> (RA|0)}: register 0 reads as 0 in the RA field of an address or an addi. */
    static void raOrZero(Emitter e, int ra) {
        if (ra == 0) {
            e.constant(0);
        } else {
            e.get(ra);
        }
    }

    /** RA = ROTL64(RS, SH) &amp; MASK(0, ME). */
    static void rotateLeftClearRight(Emitter e, int ra, int rs, int sh, int me) {
        e.get(rs);
        e.dup();
        e.constant(sh);
        e.shl();
        e.swap();
        e.constant(64 - sh); // a shift by 64 is one by 0 in Java: x | x when sh is 0
        e.ushr();
        e.or();
        e.constant(-1L << (63 - me));
        e.and();
        e.set(ra);
    }

    /** CR field BF = LT (8), GT (4) or EQ (2) of RA against SI, signed; SO stays 0. */
    static void compareImmediate(Emitter e, int bf, int ra, long imm, boolean doubleword) {
        int a = e.temporary();
        e.get(ra);
        if (!doubleword) {
            e.signExtend(32);
        }
        e.store(a);
        e.load(a);
        e.constant(imm);
        e.compare(Condition.LT);
        e.constant(3);
        e.shl();
        e.load(a);
        e.constant(imm);
        e.compare(Condition.GT);
        e.constant(2);
        e.shl();
        e.or();
        e.load(a);
        e.constant(imm);
        e.compare(Condition.EQ);
        e.constant(1);
        e.shl();
        e.or();
        int shift = 28 - 4 * bf;
        e.constant(shift);
        e.shl();
        e.get(PpcRegisters.CR);
        e.constant(~(0xFL << shift));
        e.and();
        e.or();
        e.zeroExtend(32);
        e.set(PpcRegisters.CR);
    }

    /** b / bl: LR = the address after a bl, which the emitter knows. */
    static void branch(Emitter e, long target, boolean link) {
        if (link) {
            e.constant(e.pc() + 4);
            e.set(PpcRegisters.LR);
        }
        e.jump(target);
    }

    /** beq / bne: taken when CR bit BI is set (or clear). */
    static void branchConditional(Emitter e, long target, int bi, boolean whenSet) {
        e.get(PpcRegisters.CR);
        e.constant(31 - bi);
        e.ushr();
        e.constant(1);
        e.and();
        e.constant(0);
        e.branchIf(whenSet ? Condition.NE : Condition.EQ, target);
    }
}
