package dev.hcsim.arch.mips;

import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.Emitter.Condition;
import dev.hcsim.core.spi.Instruction;

/**
 * The plain instructions of the MIPS64 subset as code of a translated block ({@link Instruction#emit}): lui, the
 * immediate ALU forms, the shifts, or, and beq/bne with their delay slot, with the same results as
 * {@link MipsInterpreter}'s {@code execute}, on the block's register locals. A branch reads its condition, runs the
 * instruction in its delay slot (the block's next instruction, decoded from the same bytes the interpreter fetches:
 * a write to them drops the block) and then goes to its target or past the slot; it is emitted only when the slot is
 * one of the plain instructions above. Left to {@code execute}: the loads and stores (alignment faults), a branch whose
 * slot is anything else (a trap sets Cause.BD), hypcall, syscall, wait and mfc0.
 */
final class MipsEmitter {
    private MipsEmitter() {
    }

    /** {@code rt = op(rs, imm)}; addiu keeps 32 bits, sign-extended. */
    static void immediate(Emitter e, int kind, int rt, int rs, long imm) {
        e.get(rs);
        e.constant(imm);
        switch (kind) {
            case MipsInterpreter.Immediate.ORI -> e.or();
            case MipsInterpreter.Immediate.ANDI -> e.and();
            case MipsInterpreter.Immediate.ADDIU -> {
                e.add();
                e.signExtend(32);
            }
            default -> e.add();
        }
        e.set(rt);
    }

    /**
     * beq/bne: the condition first, then the delay slot, then the target or the instruction after the slot.
     * @return false (nothing written) when the slot is not a plain instruction
     */
    static boolean branch(Emitter e, boolean notEqual, int rs, int rt, long offset) {
        Instruction slot = e.next();
        if (!(slot instanceof MipsInterpreter.Op op) || !op.plain()) {
            return false;
        }
        long pc = e.pc();
        int taken = e.temporary();
        e.get(rs);
        e.get(rt);
        e.compare(notEqual ? Condition.NE : Condition.EQ);
        e.store(taken);
        if (!slot.emit(e)) {
            throw new IllegalStateException(slot.text() + " is plain but emits no code");
        }
        e.load(taken);
        e.constant(0);
        e.branchIf(Condition.NE, pc + 4 + offset);
        e.jump(pc + 8);
        return true;
    }
}
