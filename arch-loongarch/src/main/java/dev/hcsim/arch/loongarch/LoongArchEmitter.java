package dev.hcsim.arch.loongarch;

import dev.hcsim.arch.loongarch.LoongArchInterpreter.Insn;
import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.Emitter.Condition;

/**
 * The plain instructions of the subset as code of a translated block ({@link dev.hcsim.core.spi.Instruction#emit}):
 * the same arithmetic as {@link LoongArchInterpreter}'s {@code execute}, on the block's register locals. Left to
 * {@code execute}: {@code hvcl}, {@code cpucfg}, {@code idle} and {@code csrrd}.
 */
final class LoongArchEmitter {
    private LoongArchEmitter() {
    }

    static boolean emit(Insn i, Emitter e) {
        long imm = i.imm();
        switch (i.op()) {
            case ADDI_W -> {
                e.get(i.rj());
                e.constant(imm);
                e.add();
                e.signExtend(32);
                e.set(i.rd());
            }
            case ADDI_D -> immediate(i, e, 0, Emitter::add);
            case LU52I_D -> immediate(i, e, 0x000F_FFFF_FFFF_FFFFL, Emitter::or);
            case ANDI -> immediate(i, e, 0, Emitter::and);
            case ORI -> immediate(i, e, 0, Emitter::or);
            case LU12I_W -> {
                e.constant(imm);
                e.set(i.rd());
            }
            case LU32I_D -> {
                // rd keeps its low word: (rd & 0xFFFF_FFFF) | (si20 << 32)
                e.get(i.rd());
                e.zeroExtend(32);
                e.constant(imm << 32);
                e.or();
                e.set(i.rd());
            }
            case OR, MOVE -> {
                e.get(i.rj());
                e.get(i.rk());
                e.or();
                e.set(i.rd());
            }
            case BEQ -> branch(i, e, Condition.EQ, true);
            case BNE -> branch(i, e, Condition.NE, true);
            case BLT -> branch(i, e, Condition.LT, true);
            case BGE -> branch(i, e, Condition.GE, true);
            case BEQZ -> branch(i, e, Condition.EQ, false);
            case BNEZ -> branch(i, e, Condition.NE, false);
            case B -> e.jump(i.pc() + imm);
            case LD_B -> e.loadMemory(i.rd(), i.rj(), imm, 1, true);
            case LD_H -> e.loadMemory(i.rd(), i.rj(), imm, 2, true);
            case LD_W -> e.loadMemory(i.rd(), i.rj(), imm, 4, true);
            case LD_D -> e.loadMemory(i.rd(), i.rj(), imm, 8, false);
            case ST_B -> e.storeMemory(i.rd(), i.rj(), imm, 1);
            case ST_H -> e.storeMemory(i.rd(), i.rj(), imm, 2);
            case ST_W -> e.storeMemory(i.rd(), i.rj(), imm, 4);
            case ST_D -> e.storeMemory(i.rd(), i.rj(), imm, 8);
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code rd = op(rj & keep, imm)}, or {@code op(rj, imm)} when {@code keep} is 0; lu52i.d's immediate goes to bits
     * 63..52.
     */
    private static void immediate(Insn i, Emitter e, long keep, java.util.function.Consumer<Emitter> op) {
        e.get(i.rj());
        if (keep != 0) {
            e.constant(keep);
            e.and();
            e.constant(i.imm() << 52);
        } else {
            e.constant(i.imm());
        }
        op.accept(e);
        e.set(i.rd());
    }

    /** beq/bne/blt/bge compare rj with rd; beqz/bnez rj with zero. */
    private static void branch(Insn i, Emitter e, Condition c, boolean withRd) {
        e.get(i.rj());
        if (withRd) {
            e.get(i.rd());
        } else {
            e.constant(0);
        }
        e.branchIf(c, i.pc() + i.imm());
    }
}
