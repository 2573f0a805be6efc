package dev.hcsim.arch.riscv;

import dev.hcsim.arch.riscv.RiscvInterpreter.Insn;
import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.Emitter.Condition;

/**
 * The plain RV64IM instructions as code of a translated block ({@link dev.hcsim.core.spi.Instruction#emit}): the same
 * arithmetic as {@link RiscvInterpreter}'s {@code execute}, on the block's register locals. Left to {@code execute}:
 * {@code jalr} (its target is a register), the high multiplies and the divisions, the CSR accesses, {@code ecall},
 * {@code ebreak} and {@code wfi}.
 */
final class RiscvEmitter {
    private RiscvEmitter() {
    }

    static boolean emit(Insn i, Emitter e) {
        long pc = i.pc();
        long imm = i.imm();
        switch (i.op()) {
            case LUI -> {
                e.constant(imm);
                e.set(i.rd());
            }
            case AUIPC -> {
                e.constant(pc + imm);
                e.set(i.rd());
            }
            case JAL -> {
                e.constant(pc + 4);
                e.set(i.rd());
                e.jump(pc + imm);
            }
            case BEQ -> branch(i, e, Condition.EQ);
            case BNE -> branch(i, e, Condition.NE);
            case BLT -> branch(i, e, Condition.LT);
            case BGE -> branch(i, e, Condition.GE);
            case BLTU -> branch(i, e, Condition.LTU);
            case BGEU -> branch(i, e, Condition.GEU);
            case LB -> e.loadMemory(i.rd(), i.rs1(), imm, 1, true);
            case LH -> e.loadMemory(i.rd(), i.rs1(), imm, 2, true);
            case LW -> e.loadMemory(i.rd(), i.rs1(), imm, 4, true);
            case LD -> e.loadMemory(i.rd(), i.rs1(), imm, 8, false);
            case LBU -> e.loadMemory(i.rd(), i.rs1(), imm, 1, false);
            case LHU -> e.loadMemory(i.rd(), i.rs1(), imm, 2, false);
            case LWU -> e.loadMemory(i.rd(), i.rs1(), imm, 4, false);
            case SB -> e.storeMemory(i.rs2(), i.rs1(), imm, 1);
            case SH -> e.storeMemory(i.rs2(), i.rs1(), imm, 2);
            case SW -> e.storeMemory(i.rs2(), i.rs1(), imm, 4);
            case SD -> e.storeMemory(i.rs2(), i.rs1(), imm, 8);
            case ADDI -> immediate(i, e, Emitter::add);
            case SLTI -> immediate(i, e, x -> x.compare(Condition.LT));
            case SLTIU -> immediate(i, e, x -> x.compare(Condition.LTU));
            case XORI -> immediate(i, e, Emitter::xor);
            case ORI -> immediate(i, e, Emitter::or);
            case ANDI -> immediate(i, e, Emitter::and);
            case SLLI -> immediate(i, e, Emitter::shl);
            case SRLI -> immediate(i, e, Emitter::ushr);
            case SRAI -> immediate(i, e, Emitter::shr);
            case ADD -> registers(i, e, Emitter::add);
            case SUB -> registers(i, e, Emitter::sub);
            case SLL -> registers(i, e, Emitter::shl);
            case SLT -> registers(i, e, x -> x.compare(Condition.LT));
            case SLTU -> registers(i, e, x -> x.compare(Condition.LTU));
            case XOR -> registers(i, e, Emitter::xor);
            case SRL -> registers(i, e, Emitter::ushr);
            case SRA -> registers(i, e, Emitter::shr);
            case OR -> registers(i, e, Emitter::or);
            case AND -> registers(i, e, Emitter::and);
            case MUL -> registers(i, e, Emitter::mul);
            // the W forms: 32-bit results, sign-extended (the low 32 bits of a 64-bit add, shift left or product are the 32-bit ones)
            case ADDIW -> immediate(i, e, x -> word(x, Emitter::add));
            case SLLIW -> immediate(i, e, x -> word(x, RiscvEmitter::shl32));
            case SRLIW -> immediate(i, e, x -> word(x, RiscvEmitter::srl32));
            case SRAIW -> immediate(i, e, x -> word(x, RiscvEmitter::sra32));
            case ADDW -> registers(i, e, x -> word(x, Emitter::add));
            case SUBW -> registers(i, e, x -> word(x, Emitter::sub));
            case MULW -> registers(i, e, x -> word(x, Emitter::mul));
            case SLLW -> registers(i, e, x -> word(x, RiscvEmitter::shl32));
            case SRLW -> registers(i, e, x -> word(x, RiscvEmitter::srl32));
            case SRAW -> registers(i, e, x -> word(x, RiscvEmitter::sra32));
            case FENCE -> {
                // one hart's view of its own memory: nothing to order
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void branch(Insn i, Emitter e, Condition c) {
        e.get(i.rs1());
        e.get(i.rs2());
        e.branchIf(c, i.pc() + i.imm());
    }

    private static void immediate(Insn i, Emitter e, java.util.function.Consumer<Emitter> op) {
        e.get(i.rs1());
        e.constant(i.imm());
        op.accept(e);
        e.set(i.rd());
    }

    private static void registers(Insn i, Emitter e, java.util.function.Consumer<Emitter> op) {
        e.get(i.rs1());
        e.get(i.rs2());
        op.accept(e);
        e.set(i.rd());
    }

    /** The operation, then its low 32 bits sign-extended. */
    private static void word(Emitter e, java.util.function.Consumer<Emitter> op) {
        op.accept(e);
        e.signExtend(32);
    }

    /** {@code a, n -> a << (n & 31)} (the low 32 bits are {@code (int) a << n}). */
    private static void shl32(Emitter e) {
        e.constant(31);
        e.and();
        e.shl();
    }

    /** {@code a, n -> (a & 0xFFFF_FFFF) >>> (n & 31)}. */
    private static void srl32(Emitter e) {
        e.constant(31);
        e.and();
        e.swap();
        e.zeroExtend(32);
        e.swap();
        e.ushr();
    }

    /** {@code a, n -> (int) a >> (n & 31)}. */
    private static void sra32(Emitter e) {
        e.constant(31);
        e.and();
        e.swap();
        e.signExtend(32);
        e.swap();
        e.shr();
    }
}
