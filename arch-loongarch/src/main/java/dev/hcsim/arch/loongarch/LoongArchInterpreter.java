package dev.hcsim.arch.loongarch;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.Instruction;
import java.util.Locale;

/**
 * Executes the guest subset: one pre-decoded {@link Op} with its register fields and its
 * immediate already scaled and sign-extended, so that {@link Instruction#execute} is a switch
 * without allocation. Semantics follow the LoongArch Reference Manual volume 1 (2.2).
 */
public final class LoongArchInterpreter {
    private LoongArchInterpreter() {
    }

    /** CSR.CPUID, the physical core id KVM maps IPI targets by (asm/loongarch.h LOONGARCH_CSR_CPUID). */
    public static final int CSR_CPUID = 0x20;

    /** The operations of the subset. */
    enum Op {
        ADDI_W("addi.w"), ADDI_D("addi.d"), LU52I_D("lu52i.d"), ANDI("andi"), ORI("ori"), LU12I_W("lu12i.w"), LU32I_D("lu32i.d"),
        OR("or"), MOVE("move"),
        BEQ("beq"), BNE("bne"), BLT("blt"), BGE("bge"), BEQZ("beqz"), BNEZ("bnez"), B("b"),
        LD_B("ld.b"), LD_H("ld.h"), LD_W("ld.w"), LD_D("ld.d"), ST_B("st.b"), ST_H("st.h"), ST_W("st.w"), ST_D("st.d"),
        HVCL("hvcl"), CPUCFG("cpucfg"), IDLE("idle"), CSRRD("csrrd");

        final String mnemonic;

        Op(String mnemonic) {
            this.mnemonic = mnemonic;
        }
    }

    /**
     * One decoded instruction.
     *
     * @param op  the operation
     * @param rd  destination (or, for branches, the second compared register)
     * @param rj  first source
     * @param rk  second source ({@code or})
     * @param imm the immediate: sign-extended for s-fields, the byte offset for branches, the raw
     *            value for u-fields; lu12i.w holds the final value {@code si20 << 12}
     * @param raw the immediate field as encoded (for the disassembly's {@code (0x...)} part)
     * @param pc  the address it was decoded at
     */
    record Insn(Op op, int rd, int rj, int rk, long imm, long raw, long pc) implements Instruction {
        @Override
        public int length() {
            return 4;
        }

        @Override
        public String text() {
            return LoongArchCodec.disassemble(this);
        }

        @Override
        public int effects() {
            return switch (op) {
                case HVCL, CPUCFG, IDLE, CSRRD -> EFFECTS_UNKNOWN;
                case LD_B, LD_H, LD_W, LD_D -> EFFECTS_READS_MEMORY;
                case ST_B, ST_H, ST_W, ST_D -> EFFECTS_WRITES_MEMORY;
                default -> EFFECTS_REGISTERS; // branches use the decoded pc
            };
        }

        @Override
        public boolean emit(Emitter out) {
            return LoongArchEmitter.emit(this, out);
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            switch (op) {
                case ADDI_W -> r.set(rd, (long) (int) (r.get(rj) + imm));
                case ADDI_D -> r.set(rd, r.get(rj) + imm);
                case LU52I_D -> r.set(rd, (r.get(rj) & 0x000F_FFFF_FFFF_FFFFL) | (imm << 52));
                case ANDI -> r.set(rd, r.get(rj) & imm);
                case ORI -> r.set(rd, r.get(rj) | imm);
                case LU12I_W -> r.set(rd, imm);
                case LU32I_D -> r.set(rd, (r.get(rd) & 0xFFFF_FFFFL) | (imm << 32));
                case OR, MOVE -> r.set(rd, r.get(rj) | r.get(rk));
                case BEQ -> {
                    return branch(r, r.get(rj) == r.get(rd));
                }
                case BNE -> {
                    return branch(r, r.get(rj) != r.get(rd));
                }
                case BLT -> {
                    return branch(r, r.get(rj) < r.get(rd));
                }
                case BGE -> {
                    return branch(r, r.get(rj) >= r.get(rd));
                }
                case BEQZ -> {
                    return branch(r, r.get(rj) == 0);
                }
                case BNEZ -> {
                    return branch(r, r.get(rj) != 0);
                }
                case B -> {
                    return branch(r, true);
                }
                case LD_B -> r.set(rd, (byte) cpu.memory().read8(r.get(rj) + imm));
                case LD_H -> r.set(rd, (short) cpu.memory().read16(r.get(rj) + imm));
                case LD_W -> r.set(rd, (int) cpu.memory().read32(r.get(rj) + imm));
                case LD_D -> r.set(rd, cpu.memory().read64(r.get(rj) + imm));
                case ST_B -> cpu.memory().write(r.get(rj) + imm, 1, r.get(rd));
                case ST_H -> cpu.memory().write(r.get(rj) + imm, 2, r.get(rd));
                case ST_W -> cpu.memory().write(r.get(rj) + imm, 4, r.get(rd));
                case ST_D -> cpu.memory().write(r.get(rj) + imm, 8, r.get(rd));
                case HVCL, CPUCFG -> {
                    // HVCL traps with EXCCODE_HVC, CPUCFG with EXCCODE_GSPR (exit.c kvm_fault_tables): both are
                    // answered by the VM's trap gate, LoongArchVm.trap.
                    return Cpu.TRAP;
                }
                case IDLE -> {
                    return Cpu.HALT;
                }
                case CSRRD -> {
                    if (imm != CSR_CPUID) {
                        return cpu.fault(String.format(Locale.ROOT, "csrrd of CSR 0x%x at 0x%x: only CSR.CPUID (0x20) is simulated", imm, pc));
                    }
                    // CSR.CPUID is a hardware guest CSR holding the physical core id the VMM gave the vCPU.
                    r.set(rd, cpu.vm().vcpuId(cpu.vcpu()));
                }
            }
            return Cpu.NEXT;
        }

        private int branch(RegisterFile r, boolean taken) {
            if (!taken) {
                return Cpu.NEXT;
            }
            r.pc(pc + imm);
            return Cpu.JUMP;
        }
    }
}
