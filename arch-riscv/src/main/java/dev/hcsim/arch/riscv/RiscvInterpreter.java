package dev.hcsim.arch.riscv;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.spi.Arithmetic;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.WordInstruction;

/**
 * Executes the RV64IM + Zicsr guest subset: one pre-decoded {@link Op} with its register fields and
 * its immediate already sign-extended (the byte offset for branches and jumps, the shifted value for
 * lui and auipc), so that {@code Instruction.execute} is a switch without allocation. Semantics follow the RISC-V
 * Unprivileged ISA (20191213) chapters 2, 5 and 7 and the M extension; CSRs the Privileged ISA.
 */
public final class RiscvInterpreter {
    private RiscvInterpreter() {
    }

    /** CSR numbers the interpreter simulates (Privileged ISA table 2.2-2.3). */
    public static final int CSR_SSTATUS = 0x100;
    /** sscratch. */
    public static final int CSR_SSCRATCH = 0x140;
    /** sip. */
    public static final int CSR_SIP = 0x144;
    /** cycle (read-only user counter). */
    public static final int CSR_CYCLE = 0xC00;
    /** time (read-only user counter: the platform timer, KVM passes it through with htimedelta). */
    public static final int CSR_TIME = 0xC01;
    /** instret. */
    public static final int CSR_INSTRET = 0xC02;

    /** The operations of the subset. */
    enum Op {
        LUI, AUIPC, JAL, JALR,
        BEQ, BNE, BLT, BGE, BLTU, BGEU,
        LB, LH, LW, LD, LBU, LHU, LWU, SB, SH, SW, SD,
        ADDI, SLTI, SLTIU, XORI, ORI, ANDI, SLLI, SRLI, SRAI,
        ADD, SUB, SLL, SLT, SLTU, XOR, SRL, SRA, OR, AND,
        ADDIW, SLLIW, SRLIW, SRAIW, ADDW, SUBW, SLLW, SRLW, SRAW,
        MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU, MULW, DIVW, DIVUW, REMW, REMUW,
        CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI,
        ECALL, EBREAK, WFI, FENCE
    }

    /**
     * One decoded instruction.
     *
     * @param op  the operation
     * @param rd  destination
     * @param rs1 first source (the 5-bit immediate of the CSR immediate forms)
     * @param rs2 second source
     * @param imm the immediate: sign-extended, the byte offset of branches and jumps, {@code imm20 << 12}
     *            (sign-extended) for lui and auipc, the shift amount, or the CSR number
     * @param pc  the address it was decoded at
     */
    record Insn(Op op, int rd, int rs1, int rs2, long imm, long pc) implements WordInstruction {
        @Override
        public String text() {
            return RiscvCodec.disassemble(this);
        }

        @Override
        public int effects() {
            return switch (op) {
                case CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI, ECALL, EBREAK, WFI -> EFFECTS_UNKNOWN;
                case LB, LH, LW, LD, LBU, LHU, LWU -> EFFECTS_READS_MEMORY;
                case SB, SH, SW, SD -> EFFECTS_WRITES_MEMORY;
                default -> EFFECTS_REGISTERS; // PC-relative forms use the decoded pc
            };
        }

        @Override
        public boolean emit(Emitter out) {
            return RiscvEmitter.emit(this, out);
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long a = r.get(rs1);
            long b = r.get(rs2);
            switch (op) {
                case LUI -> r.set(rd, imm);
                case AUIPC -> r.set(rd, pc + imm);
                case JAL -> {
                    r.set(rd, pc + 4);
                    r.pc(pc + imm);
                    return Cpu.JUMP;
                }
                case JALR -> {
                    long target = (a + imm) & ~1L;
                    r.set(rd, pc + 4);
                    r.pc(target);
                    return Cpu.JUMP;
                }
                case BEQ -> {
                    return branch(r, a == b);
                }
                case BNE -> {
                    return branch(r, a != b);
                }
                case BLT -> {
                    return branch(r, a < b);
                }
                case BGE -> {
                    return branch(r, a >= b);
                }
                case BLTU -> {
                    return branch(r, Long.compareUnsigned(a, b) < 0);
                }
                case BGEU -> {
                    return branch(r, Long.compareUnsigned(a, b) >= 0);
                }
                case LB -> r.set(rd, (byte) cpu.memory().read8(a + imm));
                case LH -> r.set(rd, (short) cpu.memory().read16(a + imm));
                case LW -> r.set(rd, (int) cpu.memory().read32(a + imm));
                case LD -> r.set(rd, cpu.memory().read64(a + imm));
                case LBU -> r.set(rd, cpu.memory().read8(a + imm) & 0xFFL);
                case LHU -> r.set(rd, cpu.memory().read16(a + imm) & 0xFFFFL);
                case LWU -> r.set(rd, cpu.memory().read32(a + imm) & 0xFFFF_FFFFL);
                case SB -> cpu.memory().write(a + imm, 1, b);
                case SH -> cpu.memory().write(a + imm, 2, b);
                case SW -> cpu.memory().write(a + imm, 4, b);
                case SD -> cpu.memory().write(a + imm, 8, b);
                case ADDI -> r.set(rd, a + imm);
                case SLTI -> r.set(rd, a < imm ? 1 : 0);
                case SLTIU -> r.set(rd, Long.compareUnsigned(a, imm) < 0 ? 1 : 0);
                case XORI -> r.set(rd, a ^ imm);
                case ORI -> r.set(rd, a | imm);
                case ANDI -> r.set(rd, a & imm);
                case SLLI -> r.set(rd, a << imm);
                case SRLI -> r.set(rd, a >>> imm);
                case SRAI -> r.set(rd, a >> imm);
                case ADD -> r.set(rd, a + b);
                case SUB -> r.set(rd, a - b);
                case SLL -> r.set(rd, a << (b & 63));
                case SLT -> r.set(rd, a < b ? 1 : 0);
                case SLTU -> r.set(rd, Long.compareUnsigned(a, b) < 0 ? 1 : 0);
                case XOR -> r.set(rd, a ^ b);
                case SRL -> r.set(rd, a >>> (b & 63));
                case SRA -> r.set(rd, a >> (b & 63));
                case OR -> r.set(rd, a | b);
                case AND -> r.set(rd, a & b);
                case ADDIW -> r.set(rd, (int) (a + imm));
                case SLLIW -> r.set(rd, (int) a << imm);
                case SRLIW -> r.set(rd, (int) ((int) a >>> imm));
                case SRAIW -> r.set(rd, (int) a >> imm);
                case ADDW -> r.set(rd, (int) (a + b));
                case SUBW -> r.set(rd, (int) (a - b));
                case SLLW -> r.set(rd, (int) a << (b & 31));
                case SRLW -> r.set(rd, (int) a >>> (b & 31));
                case SRAW -> r.set(rd, (int) a >> (b & 31));
                case MUL -> r.set(rd, a * b);
                case MULH -> r.set(rd, Arithmetic.multiplyHigh(a, b));
                case MULHSU -> r.set(rd, Arithmetic.multiplyHigh(a, b) + (b < 0 ? a : 0));
                case MULHU -> r.set(rd, Arithmetic.multiplyHigh(a, b) + (a < 0 ? b : 0) + (b < 0 ? a : 0));
                case DIV -> r.set(rd, b == 0 ? -1 : a == Long.MIN_VALUE && b == -1 ? a : a / b);
                case DIVU -> r.set(rd, b == 0 ? -1 : Long.divideUnsigned(a, b));
                case REM -> r.set(rd, b == 0 ? a : a == Long.MIN_VALUE && b == -1 ? 0 : a % b);
                case REMU -> r.set(rd, b == 0 ? a : Long.remainderUnsigned(a, b));
                case MULW -> r.set(rd, (int) a * (int) b);
                case DIVW -> {
                    int x = (int) a;
                    int y = (int) b;
                    r.set(rd, y == 0 ? -1 : x == Integer.MIN_VALUE && y == -1 ? x : x / y);
                }
                case DIVUW -> r.set(rd, (int) b == 0 ? -1 : (int) Integer.divideUnsigned((int) a, (int) b));
                case REMW -> {
                    int x = (int) a;
                    int y = (int) b;
                    r.set(rd, y == 0 ? x : x == Integer.MIN_VALUE && y == -1 ? 0 : x % y);
                }
                case REMUW -> r.set(rd, (int) b == 0 ? (int) a : Integer.remainderUnsigned((int) a, (int) b));
                case CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI -> {
                    return csr(cpu, r);
                }
                case ECALL -> {
                    // From VS-mode: EXC_SUPERVISOR_SYSCALL to KVM (vcpu_exit.c); from VU-mode the guest's own
                    // handler (hedeleg). RiscvVm.trap decides.
                    return Cpu.TRAP;
                }
                case WFI -> {
                    return Cpu.HALT;
                }
                case EBREAK -> {
                    return cpu.fault(String.format(java.util.Locale.ROOT, "ebreak at 0x%x: a breakpoint exception (not simulated)", pc));
                }
                case FENCE -> {
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

        /** Zicsr: read the old value (unless csrrw/csrrwi with rd = zero), then write, set or clear (unless the source is zero). */
        private int csr(Cpu cpu, RegisterFile r) {
            int n = (int) imm;
            int reg = switch (n) {
                case CSR_SSTATUS -> RiscvRegisters.SSTATUS;
                case CSR_SSCRATCH -> RiscvRegisters.SSCRATCH;
                case CSR_SIP -> RiscvRegisters.SIP;
                case CSR_TIME -> -2;
                default -> -1;
            };
            if (reg == -1) {
                return cpu.fault(String.format(java.util.Locale.ROOT, "csr 0x%x at 0x%x: only sstatus, sscratch, sip and time are simulated", n, pc));
            }
            boolean immediate = op == Op.CSRRWI || op == Op.CSRRSI || op == Op.CSRRCI;
            long src = immediate ? rs1 : r.get(rs1);
            boolean writes = op == Op.CSRRW || op == Op.CSRRWI || rs1 != 0;
            long old = reg == -2 ? time(cpu) : r.get(reg);
            if (writes && (reg == -2 || reg == RiscvRegisters.SIP)) {
                return cpu.fault(String.format(java.util.Locale.ROOT, "csr 0x%x at 0x%x: a write to a read-only CSR is an illegal instruction", n, pc));
            }
            if (writes) {
                long v = switch (op) {
                    case CSRRW, CSRRWI -> src;
                    case CSRRS, CSRRSI -> old | src;
                    default -> old & ~src;
                };
                r.set(reg, v);
            }
            r.set(rd, old);
            return Cpu.NEXT;
        }
    }

    /** The time CSR: virtual nanoseconds at the VM's timebase (config tscHz; QEMU virt's timebase is 10 MHz). */
    static long time(Cpu cpu) {
        long now = cpu.control().nowNanos();
        long hz = cpu.vm().config().tscHz();
        return (now / 1_000_000_000L) * hz + (now % 1_000_000_000L) * hz / 1_000_000_000L;
    }
}
