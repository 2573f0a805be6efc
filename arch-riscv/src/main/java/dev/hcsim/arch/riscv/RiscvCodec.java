package dev.hcsim.arch.riscv;

import dev.hcsim.arch.riscv.RiscvInterpreter.Insn;
import dev.hcsim.arch.riscv.RiscvInterpreter.Op;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.asm.AsmContext;
import dev.hcsim.core.asm.Statement;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.WordCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Map;

/**
 * Assembler and decoder of the RV64IM + Zicsr guest subset, little-endian 32-bit words (no compressed
 * instructions: GNU {@code as -march=rv64im_zicsr}), bytes and text as GNU binutils 2.40 gives them
 * (opcodes/riscv-opc.c, opcodes/riscv-dis.c, gas/config/tc-riscv.c). The disassembly follows objdump's
 * default alias table, including its 2.40 habits: {@code addi} with a non-zero source prints as
 * {@code add rd,rs1,imm}, {@code slli} as {@code sll rd,rs1,0xSH}, {@code addiw} as {@code addw}, and the
 * CSR immediate forms under the register forms' names; the assembler accepts those forms back. {@code li}
 * expands as gas's load_const does (addi for 12-bit values, else lui/addiw, and slli/addi above 32 bits).
 */
public final class RiscvCodec extends WordCodec {
    /** The one instance (RISC-V is little-endian here, as every Linux RISC-V platform). */
    public static final RiscvCodec INSTANCE = new RiscvCodec();

    /** ecall. */
    public static final int ECALL = 0x0000_0073;
    /** ebreak. */
    public static final int EBREAK = 0x0010_0073;
    /** wfi. */
    public static final int WFI = 0x1050_0073;
    /** fence iorw,iorw, the only fence of the subset. */
    public static final int FENCE = 0x0FF0_000F;

    /**
     * CSR names objdump 2.40 prints for the CSRs the subset names (include/opcode/riscv-opc.h DECLARE_CSR);
     * other CSR numbers print as numbers, which objdump also does for senvcfg (0x10a) under its default
     * privileged-spec version.
     */
    static final Map<Integer, String> CSR_NAMES = Map.ofEntries(
            Map.entry(0x100, "sstatus"), Map.entry(0x104, "sie"), Map.entry(0x105, "stvec"), Map.entry(0x106, "scounteren"),
Map.entry(0x140, "sscratch"), Map.entry(0x141, "sepc"), Map.entry(0x142, "scause"),
            Map.entry(0x143, "stval"), Map.entry(0x144, "sip"), Map.entry(0x180, "satp"), Map.entry(0xc00, "cycle"),
            Map.entry(0xc01, "time"), Map.entry(0xc02, "instret"));
    private static final Map<String, Integer> CSR_NUMBERS = inverse();


    private RiscvCodec() {
        super(ByteOrder.LITTLE_ENDIAN, "#");
    }

    private static Map<String, Integer> inverse() {
        java.util.HashMap<String, Integer> m = new java.util.HashMap<>();
        CSR_NAMES.forEach((k, v) -> m.put(v, k));
        return Map.copyOf(m);
    }

    // ---------------------------------------------------------------- decoding

    @Override
    protected Instruction decodeInSubset(int word, long pc) {
        return decodeWord(word, pc);
    }

    /** Decodes one instruction word, or returns null when it is outside the subset. Never throws. */
    static Insn decodeWord(int w, long pc) {
        int opcode = w & 0x7F;
        int rd = (w >>> 7) & 31;
        int f3 = (w >>> 12) & 7;
        int rs1 = (w >>> 15) & 31;
        int rs2 = (w >>> 20) & 31;
        int f7 = w >>> 25;
        long immI = w >> 20;
        switch (opcode) {
            case 0x37:
                return new Insn(Op.LUI, rd, 0, 0, (long) (w & 0xFFFF_F000), pc);
            case 0x17:
                return new Insn(Op.AUIPC, rd, 0, 0, (long) (w & 0xFFFF_F000), pc);
            case 0x6F: {
                long imm = ((long) (w >> 31) << 20) | (((w >>> 12) & 0xFF) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3FF) << 1);
                return new Insn(Op.JAL, rd, 0, 0, imm, pc);
            }
            case 0x67:
                return f3 == 0 ? new Insn(Op.JALR, rd, rs1, 0, immI, pc) : null;
            case 0x63: {
                Op op = switch (f3) {
                    case 0 -> Op.BEQ;
                    case 1 -> Op.BNE;
                    case 4 -> Op.BLT;
                    case 5 -> Op.BGE;
                    case 6 -> Op.BLTU;
                    case 7 -> Op.BGEU;
                    default -> null;
                };
                long imm = ((long) (w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3F) << 5) | (((w >>> 8) & 0xF) << 1);
                return op == null ? null : new Insn(op, 0, rs1, rs2, imm, pc);
            }
            case 0x03: {
                Op op = switch (f3) {
                    case 0 -> Op.LB;
                    case 1 -> Op.LH;
                    case 2 -> Op.LW;
                    case 3 -> Op.LD;
                    case 4 -> Op.LBU;
                    case 5 -> Op.LHU;
                    case 6 -> Op.LWU;
                    default -> null;
                };
                return op == null ? null : new Insn(op, rd, rs1, 0, immI, pc);
            }
            case 0x23: {
                Op op = switch (f3) {
                    case 0 -> Op.SB;
                    case 1 -> Op.SH;
                    case 2 -> Op.SW;
                    case 3 -> Op.SD;
                    default -> null;
                };
                long imm = ((long) (w >> 25) << 5) | ((w >>> 7) & 31);
                return op == null ? null : new Insn(op, 0, rs1, rs2, imm, pc);
            }
            case 0x13: {
                int sh = (w >>> 20) & 63;
                int f6 = w >>> 26;
                return switch (f3) {
                    case 0 -> new Insn(Op.ADDI, rd, rs1, 0, immI, pc);
                    case 2 -> new Insn(Op.SLTI, rd, rs1, 0, immI, pc);
                    case 3 -> new Insn(Op.SLTIU, rd, rs1, 0, immI, pc);
                    case 4 -> new Insn(Op.XORI, rd, rs1, 0, immI, pc);
                    case 6 -> new Insn(Op.ORI, rd, rs1, 0, immI, pc);
                    case 7 -> new Insn(Op.ANDI, rd, rs1, 0, immI, pc);
                    case 1 -> f6 == 0 ? new Insn(Op.SLLI, rd, rs1, 0, sh, pc) : null;
                    case 5 -> f6 == 0 ? new Insn(Op.SRLI, rd, rs1, 0, sh, pc) : f6 == 0x10 ? new Insn(Op.SRAI, rd, rs1, 0, sh, pc) : null;
                    default -> null;
                };
            }
            case 0x1B: {
                int sh = (w >>> 20) & 31;
                return switch (f3) {
                    case 0 -> new Insn(Op.ADDIW, rd, rs1, 0, immI, pc);
                    case 1 -> f7 == 0 ? new Insn(Op.SLLIW, rd, rs1, 0, sh, pc) : null;
                    case 5 -> f7 == 0 ? new Insn(Op.SRLIW, rd, rs1, 0, sh, pc) : f7 == 0x20 ? new Insn(Op.SRAIW, rd, rs1, 0, sh, pc) : null;
                    default -> null;
                };
            }
            case 0x33: {
                Op op = switch (f7 << 3 | f3) {
                    case 0 -> Op.ADD;
                    case 1 -> Op.SLL;
                    case 2 -> Op.SLT;
                    case 3 -> Op.SLTU;
                    case 4 -> Op.XOR;
                    case 5 -> Op.SRL;
                    case 6 -> Op.OR;
                    case 7 -> Op.AND;
                    case 0x20 << 3 -> Op.SUB;
                    case 0x20 << 3 | 5 -> Op.SRA;
                    case 8 -> Op.MUL;
                    case 9 -> Op.MULH;
                    case 10 -> Op.MULHSU;
                    case 11 -> Op.MULHU;
                    case 12 -> Op.DIV;
                    case 13 -> Op.DIVU;
                    case 14 -> Op.REM;
                    case 15 -> Op.REMU;
                    default -> null;
                };
                return op == null ? null : new Insn(op, rd, rs1, rs2, 0, pc);
            }
            case 0x3B: {
                Op op = switch (f7 << 3 | f3) {
                    case 0 -> Op.ADDW;
                    case 1 -> Op.SLLW;
                    case 5 -> Op.SRLW;
                    case 0x20 << 3 -> Op.SUBW;
                    case 0x20 << 3 | 5 -> Op.SRAW;
                    case 8 -> Op.MULW;
                    case 12 -> Op.DIVW;
                    case 13 -> Op.DIVUW;
                    case 14 -> Op.REMW;
                    case 15 -> Op.REMUW;
                    default -> null;
                };
                return op == null ? null : new Insn(op, rd, rs1, rs2, 0, pc);
            }
            case 0x73: {
                if (w == ECALL) {
                    return new Insn(Op.ECALL, 0, 0, 0, 0, pc);
                }
                if (w == EBREAK) {
                    return new Insn(Op.EBREAK, 0, 0, 0, 0, pc);
                }
                if (w == WFI) {
                    return new Insn(Op.WFI, 0, 0, 0, 0, pc);
                }
                long csr = (w >>> 20) & 0xFFF;
                Op op = switch (f3) {
                    case 1 -> Op.CSRRW;
                    case 2 -> Op.CSRRS;
                    case 3 -> Op.CSRRC;
                    case 5 -> Op.CSRRWI;
                    case 6 -> Op.CSRRSI;
                    case 7 -> Op.CSRRCI;
                    default -> null;
                };
                return op == null ? null : new Insn(op, rd, rs1, 0, csr, pc);
            }
            case 0x0F:
                return w == FENCE ? new Insn(Op.FENCE, 0, 0, 0, 0, pc) : null;
            default:
                return null;
        }
    }

    private static String x(int r) {
        return RiscvRegisters.NAMES[r];
    }

    private static String csrName(long csr) {
        String n = CSR_NAMES.get((int) csr);
        return n != null ? n : "0x" + Long.toHexString(csr);
    }

    private static String target(Insn i) {
        return "0x" + Long.toHexString(i.pc() + i.imm());
    }

    /** The GNU objdump 2.40 text of {@code i}, with objdump's default aliases, one space after the mnemonic. */
    static String disassemble(Insn i) {
        int rd = i.rd();
        int rs1 = i.rs1();
        int rs2 = i.rs2();
        long imm = i.imm();
        String d = x(rd);
        String s1 = x(rs1);
        String s2 = x(rs2);
        return switch (i.op()) {
            case LUI -> "lui " + d + ",0x" + Long.toHexString((imm >>> 12) & 0xFFFFF);
            case AUIPC -> "auipc " + d + ",0x" + Long.toHexString((imm >>> 12) & 0xFFFFF);
            case JAL -> rd == 0 ? "j " + target(i) : rd == 1 ? "jal " + target(i) : "jal " + d + "," + target(i);
            case JALR -> {
                if (rd == 0 && rs1 == 1 && imm == 0) {
                    yield "ret";
                }
                String where = imm == 0 ? s1 : imm + "(" + s1 + ")";
                yield rd == 0 ? "jr " + where : rd == 1 ? "jalr " + where : "jalr " + d + "," + where;
            }
            case BEQ -> rs2 == 0 ? "beqz " + s1 + "," + target(i) : "beq " + s1 + "," + s2 + "," + target(i);
            case BNE -> rs2 == 0 ? "bnez " + s1 + "," + target(i) : "bne " + s1 + "," + s2 + "," + target(i);
            case BLT -> rs2 == 0 ? "bltz " + s1 + "," + target(i) : rs1 == 0 ? "bgtz " + s2 + "," + target(i)
                    : "blt " + s1 + "," + s2 + "," + target(i);
            case BGE -> rs1 == 0 ? "blez " + s2 + "," + target(i) : rs2 == 0 ? "bgez " + s1 + "," + target(i)
                    : "bge " + s1 + "," + s2 + "," + target(i);
            case BLTU -> "bltu " + s1 + "," + s2 + "," + target(i);
            case BGEU -> "bgeu " + s1 + "," + s2 + "," + target(i);
            case LB, LH, LW, LD, LBU, LHU, LWU -> name(i) + " " + d + "," + imm + "(" + s1 + ")";
            case SB, SH, SW, SD -> name(i) + " " + s2 + "," + imm + "(" + s1 + ")";
            case ADDI -> rd == 0 && rs1 == 0 && imm == 0 ? "nop" : rs1 == 0 ? "li " + d + "," + imm : imm == 0 ? "mv " + d + "," + s1
                    : "add " + d + "," + s1 + "," + imm;
            case ADDIW -> imm == 0 ? "sext.w " + d + "," + s1 : "addw " + d + "," + s1 + "," + imm;
            case ANDI -> "and " + d + "," + s1 + "," + imm;
            case ORI -> "or " + d + "," + s1 + "," + imm;
            case XORI -> imm == -1 ? "not " + d + "," + s1 : "xor " + d + "," + s1 + "," + imm;
            case SLTI -> "slti " + d + "," + s1 + "," + imm;
            case SLTIU -> imm == 1 ? "seqz " + d + "," + s1 : "sltiu " + d + "," + s1 + "," + imm;
            case SLLI, SRLI, SRAI, SLLIW, SRLIW, SRAIW -> shiftName(i.op()) + " " + d + "," + s1 + ",0x" + Long.toHexString(imm);
            case SUB -> rs1 == 0 ? "neg " + d + "," + s2 : "sub " + d + "," + s1 + "," + s2;
            case SUBW -> rs1 == 0 ? "negw " + d + "," + s2 : "subw " + d + "," + s1 + "," + s2;
            case SLTU -> rs1 == 0 ? "snez " + d + "," + s2 : "sltu " + d + "," + s1 + "," + s2;
            case SLT -> rs2 == 0 ? "sltz " + d + "," + s1 : rs1 == 0 ? "sgtz " + d + "," + s2 : "slt " + d + "," + s1 + "," + s2;
            case ADD, SLL, XOR, SRL, SRA, OR, AND, ADDW, SLLW, SRLW, SRAW, MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU, MULW, DIVW,
                    DIVUW, REMW, REMUW -> name(i) + " " + d + "," + s1 + "," + s2;
            case CSRRS -> {
                if (rs1 == 0) {
                    String counter = switch ((int) imm) {
                        case RiscvInterpreter.CSR_CYCLE -> "rdcycle";
                        case RiscvInterpreter.CSR_TIME -> "rdtime";
                        case RiscvInterpreter.CSR_INSTRET -> "rdinstret";
                        default -> null;
                    };
                    yield counter != null ? counter + " " + d : "csrr " + d + "," + csrName(imm);
                }
                yield rd == 0 ? "csrs " + csrName(imm) + "," + s1 : "csrrs " + d + "," + csrName(imm) + "," + s1;
            }
            case CSRRW -> rd == 0 ? "csrw " + csrName(imm) + "," + s1 : "csrrw " + d + "," + csrName(imm) + "," + s1;
            case CSRRC -> rd == 0 ? "csrc " + csrName(imm) + "," + s1 : "csrrc " + d + "," + csrName(imm) + "," + s1;
            case CSRRWI -> rd == 0 ? "csrw " + csrName(imm) + "," + rs1 : "csrrw " + d + "," + csrName(imm) + "," + rs1;
            case CSRRSI -> rd == 0 ? "csrs " + csrName(imm) + "," + rs1 : "csrrs " + d + "," + csrName(imm) + "," + rs1;
            case CSRRCI -> rd == 0 ? "csrc " + csrName(imm) + "," + rs1 : "csrrc " + d + "," + csrName(imm) + "," + rs1;
            case ECALL -> "ecall";
            case EBREAK -> "ebreak";
            case WFI -> "wfi";
            case FENCE -> "fence";
        };
    }

    private static String name(Insn i) {
        return i.op().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String shiftName(Op op) {
        return switch (op) {
            case SLLI -> "sll";
            case SRLI -> "srl";
            case SRAI -> "sra";
            case SLLIW -> "sllw";
            case SRLIW -> "srlw";
            default -> "sraw";
        };
    }

    // ---------------------------------------------------------------- encoding

    private static int r(int f7, int rs2, int rs1, int f3, int rd, int opcode) {
        return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    private static int i(long imm, int rs1, int f3, int rd, int opcode) {
        return ((int) imm & 0xFFF) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    private static int s(long imm, int rs2, int rs1, int f3) {
        int v = (int) imm;
        return ((v >> 5) & 0x7F) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (v & 31) << 7 | 0x23;
    }

    private static int b(long off, int rs2, int rs1, int f3) {
        int v = (int) off;
        return ((v >> 12) & 1) << 31 | ((v >> 5) & 0x3F) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | ((v >> 1) & 0xF) << 8
                | ((v >> 11) & 1) << 7 | 0x63;
    }

    private static int j(long off, int rd) {
        int v = (int) off;
        return ((v >> 20) & 1) << 31 | ((v >> 1) & 0x3FF) << 21 | ((v >> 11) & 1) << 20 | ((v >> 12) & 0xFF) << 12 | rd << 7 | 0x6F;
    }

    @Override
    public byte[] encode(Statement st, AsmContext ctx) {
        String m = st.mnemonic();
        int n = st.operands().size();
        switch (m) {
            case "nop":
                st.expectOperands(0);
                return bytes(i(0, 0, 0, 0, 0x13));
            case "ecall":
                st.expectOperands(0);
                return bytes(ECALL);
            case "ebreak":
                st.expectOperands(0);
                return bytes(EBREAK);
            case "wfi":
                st.expectOperands(0);
                return bytes(WFI);
            case "fence":
                st.expectOperands(0);
                return bytes(FENCE);
            case "ret":
                st.expectOperands(0);
                return bytes(i(0, 1, 0, 0, 0x67));
            case "lui":
            case "auipc": {
                st.expectOperands(2);
                long v = imm(st, 1, ctx);
                check(st, v, 0, 0xFFFFF, "lui expression not in range 0..1048575");
                return bytes((int) v << 12 | reg(st, 0) << 7 | (m.equals("lui") ? 0x37 : 0x17));
            }
            case "li": {
                st.expectOperands(2);
                return li(reg(st, 0), imm(st, 1, ctx));
            }
            case "mv":
                st.expectOperands(2);
                return bytes(i(0, reg(st, 1), 0, reg(st, 0), 0x13));
            case "not":
                st.expectOperands(2);
                return bytes(i(-1, reg(st, 1), 4, reg(st, 0), 0x13));
            case "neg":
                st.expectOperands(2);
                return bytes(r(0x20, reg(st, 1), 0, 0, reg(st, 0), 0x33));
            case "negw":
                st.expectOperands(2);
                return bytes(r(0x20, reg(st, 1), 0, 0, reg(st, 0), 0x3B));
            case "sext.w":
                st.expectOperands(2);
                return bytes(i(0, reg(st, 1), 0, reg(st, 0), 0x1B));
            case "seqz":
                st.expectOperands(2);
                return bytes(i(1, reg(st, 1), 3, reg(st, 0), 0x13));
            case "snez":
                st.expectOperands(2);
                return bytes(r(0, reg(st, 1), 0, 3, reg(st, 0), 0x33));
            case "sltz":
                st.expectOperands(2);
                return bytes(r(0, 0, reg(st, 1), 2, reg(st, 0), 0x33));
            case "sgtz":
                st.expectOperands(2);
                return bytes(r(0, reg(st, 1), 0, 2, reg(st, 0), 0x33));
            case "j":
                st.expectOperands(1);
                return bytes(j(jumpOffset(st, 0, ctx), 0));
            case "jal":
                if (n == 1) {
                    return bytes(j(jumpOffset(st, 0, ctx), 1));
                }
                st.expectOperands(2);
                return bytes(j(jumpOffset(st, 1, ctx), reg(st, 0)));
            case "jr":
            case "jalr": {
                int rd = m.equals("jr") ? 0 : 1;
                int at = 0;
                if (n == 2) {
                    if (m.equals("jr")) {
                        st.expectOperands(1);
                    }
                    rd = reg(st, 0);
                    at = 1;
                } else if (n == 3) {
                    // jalr rd,rs1,imm (the spec's three-operand form)
                    long v = imm(st, 2, ctx);
                    check(st, v, -2048, 2047, "illegal operands");
                    return bytes(i(v, reg(st, 1), 0, reg(st, 0), 0x67));
                } else {
                    st.expectOperands(1);
                }
                long[] mem = memOperand(st, at, ctx, true);
                return bytes(i(mem[0], (int) mem[1], 0, rd, 0x67));
            }
            case "beqz", "bnez", "bltz", "bgez", "blez", "bgtz": {
                st.expectOperands(2);
                long off = branchOffset(st, 1, ctx);
                int rs = reg(st, 0);
                return bytes(switch (m) {
                    case "beqz" -> b(off, 0, rs, 0);
                    case "bnez" -> b(off, 0, rs, 1);
                    case "bltz" -> b(off, 0, rs, 4);
                    case "bgez" -> b(off, 0, rs, 5);
                    case "blez" -> b(off, rs, 0, 5);
                    default -> b(off, rs, 0, 4);
                });
            }
            case "beq", "bne", "blt", "bge", "bltu", "bgeu", "bgt", "ble", "bgtu", "bleu": {
                st.expectOperands(3);
                long off = branchOffset(st, 2, ctx);
                int a = reg(st, 0);
                int c = reg(st, 1);
                return bytes(switch (m) {
                    case "beq" -> b(off, c, a, 0);
                    case "bne" -> b(off, c, a, 1);
                    case "blt" -> b(off, c, a, 4);
                    case "bge" -> b(off, c, a, 5);
                    case "bltu" -> b(off, c, a, 6);
                    case "bgeu" -> b(off, c, a, 7);
                    case "bgt" -> b(off, a, c, 4);
                    case "ble" -> b(off, a, c, 5);
                    case "bgtu" -> b(off, a, c, 6);
                    default -> b(off, a, c, 7);
                });
            }
            case "lb", "lh", "lw", "ld", "lbu", "lhu", "lwu": {
                st.expectOperands(2);
                long[] mem = memOperand(st, 1, ctx, false);
                int f3 = switch (m) {
                    case "lb" -> 0;
                    case "lh" -> 1;
                    case "lw" -> 2;
                    case "ld" -> 3;
                    case "lbu" -> 4;
                    case "lhu" -> 5;
                    default -> 6;
                };
                return bytes(i(mem[0], (int) mem[1], f3, reg(st, 0), 0x03));
            }
            case "sb", "sh", "sw", "sd": {
                st.expectOperands(2);
                long[] mem = memOperand(st, 1, ctx, false);
                int f3 = switch (m) {
                    case "sb" -> 0;
                    case "sh" -> 1;
                    case "sw" -> 2;
                    default -> 3;
                };
                return bytes(s(mem[0], reg(st, 0), (int) mem[1], f3));
            }
            case "addi", "slti", "sltiu", "xori", "ori", "andi", "addiw":
                st.expectOperands(3);
                return bytes(immediateForm(st, m, ctx));
            case "slli", "srli", "srai", "slliw", "srliw", "sraiw":
                st.expectOperands(3);
                return bytes(shiftForm(st, m, ctx));
            case "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "addw", "subw", "sllw", "srlw", "sraw", "mul",
                    "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu", "mulw", "divw", "divuw", "remw", "remuw": {
                st.expectOperands(3);
                if (RiscvRegisters.general(st.operand(2)) < 0) {
                    // objdump prints addi as "add rd,rs1,imm" and slli as "sll rd,rs1,0xSH"; gas takes them back.
                    String immForm = switch (m) {
                        case "add" -> "addi";
                        case "xor" -> "xori";
                        case "or" -> "ori";
                        case "and" -> "andi";
                        case "slt" -> "slti";
                        case "sltu" -> "sltiu";
                        case "addw" -> "addiw";
                        default -> null;
                    };
                    if (immForm != null) {
                        return bytes(immediateForm(st, immForm, ctx));
                    }
                    String shiftForm = switch (m) {
                        case "sll", "srl", "sra", "sllw", "srlw", "sraw" -> m.substring(0, 3) + "i" + m.substring(3);
                        default -> null;
                    };
                    if (shiftForm != null) {
                        return bytes(shiftForm(st, shiftForm, ctx));
                    }
                }
                return bytes(register(m, reg(st, 0), reg(st, 1), reg(st, 2)));
            }
            case "csrrw", "csrrs", "csrrc", "csrrwi", "csrrsi", "csrrci": {
                st.expectOperands(3);
                return bytes(csr(st, m, reg(st, 0), csrNumber(st, 1), 2, ctx));
            }
            case "csrr": {
                st.expectOperands(2);
                return bytes(csr(st, "csrrs", reg(st, 0), csrNumber(st, 1), -1, ctx));
            }
            case "csrw", "csrs", "csrc", "csrwi", "csrsi", "csrci": {
                st.expectOperands(2);
                String base = "csrr" + m.substring(3);
                return bytes(csr(st, base, 0, csrNumber(st, 0), 1, ctx));
            }
            case "rdcycle", "rdtime", "rdinstret": {
                st.expectOperands(1);
                int csr = m.equals("rdcycle") ? RiscvInterpreter.CSR_CYCLE : m.equals("rdtime") ? RiscvInterpreter.CSR_TIME
                        : RiscvInterpreter.CSR_INSTRET;
                return bytes(i(csr, 0, 2, reg(st, 0), 0x73));
            }
            default:
                throw st.error("not in the RISC-V guest subset (RV64IM + Zicsr: lui auipc jal jalr b* l* s* addi.. add.. *w mul.. "
                        + "div.. rem.. csrr* ecall ebreak wfi fence, and li mv not neg negw sext.w seqz snez sltz sgtz j jr ret "
                        + "beqz bnez bltz bgez blez bgtz bgt ble bgtu bleu csrr csrw csrs csrc rdtime rdcycle rdinstret nop)");
        }
    }

    private static int immediateForm(Statement st, String m, AsmContext ctx) {
        long v = imm(st, 2, ctx);
        check(st, v, -2048, 2047, "illegal operands");
        int f3 = switch (m) {
            case "addi", "addiw" -> 0;
            case "slti" -> 2;
            case "sltiu" -> 3;
            case "xori" -> 4;
            case "ori" -> 6;
            default -> 7;
        };
        return i(v, reg(st, 1), f3, reg(st, 0), m.equals("addiw") ? 0x1B : 0x13);
    }

    private static int shiftForm(Statement st, String m, AsmContext ctx) {
        boolean word = m.endsWith("w");
        long v = imm(st, 2, ctx);
        check(st, v, 0, word ? 31 : 63, "improper shift amount");
        int f3 = m.startsWith("sll") ? 1 : 5;
        int hi = m.startsWith("sra") ? (word ? 0x20 << 5 : 0x10 << 6) : 0;
        return (hi | (int) v) << 20 | reg(st, 1) << 15 | f3 << 12 | reg(st, 0) << 7 | (word ? 0x1B : 0x13);
    }

    private static int register(String m, int rd, int rs1, int rs2) {
        boolean word = m.endsWith("w") && !m.equals("mulhsu");
        String base = word ? m.substring(0, m.length() - 1) : m;
        int code = switch (base) {
            case "add" -> 0;
            case "sll" -> 1;
            case "slt" -> 2;
            case "sltu" -> 3;
            case "xor" -> 4;
            case "srl" -> 5;
            case "or" -> 6;
            case "and" -> 7;
            case "sub" -> 0x20 << 3;
            case "sra" -> 0x20 << 3 | 5;
            case "mul" -> 8;
            case "mulh" -> 9;
            case "mulhsu" -> 10;
            case "mulhu" -> 11;
            case "div" -> 12;
            case "divu" -> 13;
            case "rem" -> 14;
            default -> 15; // remu
        };
        return r(code >> 3, rs2, rs1, code & 7, rd, word ? 0x3B : 0x33);
    }

    /** A CSR instruction; {@code src} is the operand index of rs1 / uimm (-1: zero). The register form takes an immediate back. */
    private static int csr(Statement st, String m, int rd, int csr, int src, AsmContext ctx) {
        boolean immediate = m.endsWith("i");
        String base = immediate ? m.substring(0, m.length() - 1) : m;
        int value = 0;
        if (src >= 0) {
            int reg = RiscvRegisters.general(st.operand(src));
            if (reg >= 0 && !immediate) {
                value = reg;
            } else {
                long v = imm(st, src, ctx);
                check(st, v, 0, 31, "improper CSR immediate");
                value = (int) v;
                immediate = true;
            }
        }
        int f3 = switch (base) {
            case "csrrw" -> 1;
            case "csrrs" -> 2;
            default -> 3;
        };
        return csr << 20 | value << 15 | (f3 | (immediate ? 4 : 0)) << 12 | rd << 7 | 0x73;
    }

    private static int csrNumber(Statement st, int i) {
        String op = st.operand(i).trim();
        Integer known = CSR_NUMBERS.get(op.toLowerCase(java.util.Locale.ROOT));
        if (known != null) {
            return known;
        }
        try {
            long v = dev.hcsim.core.Bytes.parseNumber(op);
            if (v >= 0 && v <= 0xFFF) {
                return (int) v;
            }
        } catch (RuntimeException e) {
            // fall through to the error
        }
        throw st.error("'" + op + "' is not a CSR of the subset (" + String.join(" ", new java.util.TreeSet<>(CSR_NUMBERS.keySet()))
                + ") or a number 0..0xfff");
    }

    /** {@code imm(reg)} or {@code (reg)}; with {@code bare}, also a register alone (jalr's short form). Returns {imm, reg}. */
    /** ByteArrayOutputStream.writeBytes(b), which not every runtime has (the Explorer page compiled to JavaScript). */
    private static void emit(ByteArrayOutputStream out, byte[] b) {
        out.write(b, 0, b.length);
    }

    private static long[] memOperand(Statement st, int i, AsmContext ctx, boolean bare) {
        String op = st.operand(i).trim();
        if (bare) {
            int r = RiscvRegisters.general(op);
            if (r >= 0) {
                return new long[] {0, r};
            }
        }
        // offset(register), by hand (the form ^(.*)\(\s*([A-Za-z0-9]+)\s*\)$): the Explorer page runs this as JavaScript
        int open = op.lastIndexOf('(');
        String base = open < 0 || !op.endsWith(")") ? "" : op.substring(open + 1, op.length() - 1).trim();
        if (base.isEmpty() || !Bytes.isAsciiDigits(base.toLowerCase(Locale.ROOT), 36)) {
            throw st.error("'" + op + "' is not a memory operand offset(register)");
        }
        int r = RiscvRegisters.general(base);
        if (r < 0) {
            throw st.error("'" + base + "' is not a general register (zero, ra, sp, gp, tp, t0..t6, s0..s11, fp, a0..a7, x0..x31)");
        }
        String off = op.substring(0, open).trim();
        long v = off.isEmpty() ? 0 : ctx.evaluate(off, st);
        check(st, v, -2048, 2047, "illegal operands");
        return new long[] {v, r};
    }

    private static int reg(Statement st, int i) {
        int r = RiscvRegisters.general(st.operand(i));
        if (r < 0) {
            throw st.error("'" + st.operand(i) + "' is not a general register (zero, ra, sp, gp, tp, t0..t6, s0..s11, fp, a0..a7, "
                    + "x0..x31)");
        }
        return r;
    }

    private static long imm(Statement st, int i, AsmContext ctx) {
        return ctx.evaluate(st.operand(i).trim(), st);
    }

    private static void check(Statement st, long v, long min, long max, String what) {
        if (v < min || v > max) {
            throw st.error(what + ": " + v + " is outside " + min + ".." + max);
        }
    }

    /** A branch or jump target: a label or an absolute address (what objdump prints), as an offset from the statement. */
    private static long targetOffset(Statement st, int i, AsmContext ctx, int bits) {
        long off = ctx.evaluate(st.operand(i).trim(), st) - ctx.pc();
        if (ctx.finalPass()) {
            long limit = 1L << bits;
            if ((off & 1) != 0 || off < -limit || off >= limit) {
                throw st.error("branch or jump target offset " + off + " is odd or does not fit " + (bits + 1) + " bits");
            }
        }
        return off;
    }

    private static long branchOffset(Statement st, int i, AsmContext ctx) {
        return targetOffset(st, i, ctx, 12);
    }

    private static long jumpOffset(Statement st, int i, AsmContext ctx) {
        return targetOffset(st, i, ctx, 20);
    }

    /**
     * gas/config/tc-riscv.c: a value that fits 12 signed bits is the {@code li} alias of {@code addi rd,zero,imm}
     * (riscv-opc.c); anything else is load_const: lui and/or addiw for a sign-extended 32-bit value, else the
     * upper part shifted right to its lowest set bit, built the same way, then slli and an addi of the low 12 bits.
     */
    byte[] li(int rd, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (value >= -2048 && value <= 2047) {
            emit(out, bytes(i(value, 0, 0, rd, 0x13)));
        } else {
            loadConst(out, rd, value);
        }
        return out.toByteArray();
    }

    private void loadConst(ByteArrayOutputStream out, int rd, long v) {
        long lower = ((v & 0xFFF) ^ 0x800) - 0x800;
        long upper = v - lower;
        if (v != (int) v) {
            int shift = 12;
            while (((upper >> shift) & 1) == 0) {
                shift++;
            }
            loadConst(out, rd, upper >> shift);
            emit(out, bytes(shift << 20 | rd << 15 | 1 << 12 | rd << 7 | 0x13));
            if (lower != 0) {
                emit(out, bytes(i(lower, rd, 0, rd, 0x13)));
            }
        } else {
            int hi = 0;
            if (upper != 0) {
                emit(out, bytes((int) (upper & 0xFFFF_F000L) | rd << 7 | 0x37));
                hi = rd;
            }
            if (lower != 0 || hi == 0) {
                emit(out, bytes(i(lower, hi, 0, rd, 0x1B)));
            }
        }
    }
}
