package dev.hcsim.arch.loongarch;

import dev.hcsim.arch.loongarch.LoongArchInterpreter.Insn;
import dev.hcsim.arch.loongarch.LoongArchInterpreter.Op;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.asm.AsmContext;
import dev.hcsim.core.asm.Statement;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.WordCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;

/**
 * Assembler and decoder of the LoongArch64 guest subset, little-endian 32-bit words, bytes and
 * text as GNU binutils 2.40 gives them (opcodes/loongarch-opc.c, opcodes/loongarch-dis.c,
 * gas/config/tc-loongarch.c): {@code lu12i.w lu32i.d lu52i.d ori andi addi.w addi.d or move beq
 * bne blt bge beqz bnez b ld.{b,h,w,d} st.{b,h,w,d} hvcl cpucfg idle csrrd}, the {@code nop} macro
 * and the {@code li.w} / {@code li.d} macros expanded exactly as GNU {@code as} expands them.
 * {@code hvcl} is newer than binutils 2.40; its text follows the reg0i15 format of its neighbours
 * ({@code syscall 0x7fff}).
 */
public final class LoongArchCodec extends WordCodec {
    /** The one instance (LoongArch is little-endian only). */
    public static final LoongArchCodec INSTANCE = new LoongArchCodec();

    /** HVCL: format reg0i15, bits 31:15 = 0x57 (asm/inst.h hvcl_op). */
    public static final int HVCL = 0x002B_8000;
    /** CPUCFG: format reg2, bits 31:10 = 0x1b (asm/inst.h cpucfg_op). */
    public static final int CPUCFG = 0x0000_6C00;
    /** IDLE: format reg0i15, bits 31:15 = 0xc91. */
    public static final int IDLE = 0x0648_8000;
    /** SYSCALL, the neighbour below HVCL. */
    public static final int SYSCALL = 0x002B_0000;
    /** BREAK. */
    public static final int BREAK = 0x002A_0000;
    /** DBCL. */
    public static final int DBCL = 0x002A_8000;
    /** Mask of the 17-bit opcode of the reg0i15 format. */
    public static final int REG0I15_MASK = 0xFFFF_8000;
    /** Mask of the 22-bit opcode of the reg2 format. */
    public static final int REG2_MASK = 0xFFFF_FC00;


    private LoongArchCodec() {
        super(ByteOrder.LITTLE_ENDIAN, "#", "//");
    }

    // ---------------------------------------------------------------- decoding

    @Override
    protected Instruction decodeInSubset(int word, long pc) {
        return decodeWord(word, pc);
    }

    /** Decodes one instruction word, or returns null when it is outside the subset. Never throws. */
    static Insn decodeWord(int w, long pc) {
        int rd = w & 31;
        int rj = (w >>> 5) & 31;
        int rk = (w >>> 10) & 31;
        if ((w & REG0I15_MASK) == HVCL) {
            return new Insn(Op.HVCL, 0, 0, 0, w & 0x7FFF, w & 0x7FFF, pc);
        }
        if ((w & REG0I15_MASK) == IDLE) {
            return new Insn(Op.IDLE, 0, 0, 0, w & 0x7FFF, w & 0x7FFF, pc);
        }
        if ((w & REG2_MASK) == CPUCFG) {
            return new Insn(Op.CPUCFG, rd, rj, 0, 0, 0, pc);
        }
        // "move" precedes "or" in the opcode table: or with rk = $zero prints as move.
        if ((w & 0xFFFF_FC00) == 0x0015_0000) {
            return new Insn(Op.MOVE, rd, rj, 0, 0, 0, pc);
        }
        if ((w & 0xFFFF_8000) == 0x0015_0000) {
            return new Insn(Op.OR, rd, rj, rk, 0, 0, pc);
        }
        int si12raw = (w >>> 10) & 0xFFF;
        long si12 = (si12raw << 20) >> 20;
        switch (w & 0xFFC0_0000) {
            case 0x0280_0000:
                return new Insn(Op.ADDI_W, rd, rj, 0, si12, si12raw, pc);
            case 0x02C0_0000:
                return new Insn(Op.ADDI_D, rd, rj, 0, si12, si12raw, pc);
            case 0x0300_0000:
                return new Insn(Op.LU52I_D, rd, rj, 0, si12, si12raw, pc);
            case 0x0340_0000:
                return new Insn(Op.ANDI, rd, rj, 0, si12raw, si12raw, pc);
            case 0x0380_0000:
                return new Insn(Op.ORI, rd, rj, 0, si12raw, si12raw, pc);
            case 0x2800_0000:
                return new Insn(Op.LD_B, rd, rj, 0, si12, si12raw, pc);
            case 0x2840_0000:
                return new Insn(Op.LD_H, rd, rj, 0, si12, si12raw, pc);
            case 0x2880_0000:
                return new Insn(Op.LD_W, rd, rj, 0, si12, si12raw, pc);
            case 0x28C0_0000:
                return new Insn(Op.LD_D, rd, rj, 0, si12, si12raw, pc);
            case 0x2900_0000:
                return new Insn(Op.ST_B, rd, rj, 0, si12, si12raw, pc);
            case 0x2940_0000:
                return new Insn(Op.ST_H, rd, rj, 0, si12, si12raw, pc);
            case 0x2980_0000:
                return new Insn(Op.ST_W, rd, rj, 0, si12, si12raw, pc);
            case 0x29C0_0000:
                return new Insn(Op.ST_D, rd, rj, 0, si12, si12raw, pc);
            default:
                break;
        }
        int si20raw = (w >>> 5) & 0xF_FFFF;
        long si20 = (si20raw << 12) >> 12;
        switch (w & 0xFE00_0000) {
            case 0x1400_0000:
                return new Insn(Op.LU12I_W, rd, 0, 0, (long) (int) (si20raw << 12), si20raw, pc);
            case 0x1600_0000:
                return new Insn(Op.LU32I_D, rd, 0, 0, si20, si20raw, pc);
            default:
                break;
        }
        if ((w & 0xFF00_03E0) == 0x0400_0000) {
            int csr = (w >>> 10) & 0x3FFF;
            return new Insn(Op.CSRRD, rd, 0, 0, csr, csr, pc);
        }
        int offs16 = (w >>> 10) & 0xFFFF;
        long b16 = ((long) (offs16 << 16) >> 16) << 2;
        switch (w & 0xFC00_0000) {
            case 0x5800_0000:
                return new Insn(Op.BEQ, rd, rj, 0, b16, b16 & 0x3FFFF, pc);
            case 0x5C00_0000:
                return new Insn(Op.BNE, rd, rj, 0, b16, b16 & 0x3FFFF, pc);
            case 0x6000_0000:
                return new Insn(Op.BLT, rd, rj, 0, b16, b16 & 0x3FFFF, pc);
            case 0x6400_0000:
                return new Insn(Op.BGE, rd, rj, 0, b16, b16 & 0x3FFFF, pc);
            case 0x4000_0000:
            case 0x4400_0000: {
                int offs21 = (rd << 16) | offs16;
                long b21 = ((long) (offs21 << 11) >> 11) << 2;
                return new Insn((w & 0xFC00_0000) == 0x4000_0000 ? Op.BEQZ : Op.BNEZ, 0, rj, 0, b21, b21 & 0x7F_FFFF, pc);
            }
            case 0x5000_0000: {
                int offs26 = ((w & 0x3FF) << 16) | offs16;
                long b26 = ((long) (offs26 << 6) >> 6) << 2;
                return new Insn(Op.B, 0, 0, 0, b26, b26 & 0xFFF_FFFF, pc);
            }
            default:
                return null;
        }
    }

    /** The GNU objdump 2.40 text of {@code i} (whitespace collapsed to one space). */
    static String disassemble(Insn i) {
        String rd = LoongArchRegisters.disassemblyName(i.rd());
        String rj = LoongArchRegisters.disassemblyName(i.rj());
        String m = i.op().mnemonic;
        return switch (i.op()) {
            case ADDI_W, ADDI_D, LU52I_D, LD_B, LD_H, LD_W, LD_D, ST_B, ST_H, ST_W, ST_D -> m + " " + rd + ", " + rj + ", " + signed(i);
            case ANDI, ORI -> m + " " + rd + ", " + rj + ", 0x" + Long.toHexString(i.raw());
            case LU12I_W, LU32I_D -> m + " " + rd + ", " + signed(i);
            case OR -> m + " " + rd + ", " + rj + ", " + LoongArchRegisters.disassemblyName(i.rk());
            case MOVE, CPUCFG -> m + " " + rd + ", " + rj;
            case HVCL, IDLE -> m + " 0x" + Long.toHexString(i.raw());
            case CSRRD -> m + " " + rd + ", 0x" + Long.toHexString(i.raw());
            case BEQ, BNE, BLT, BGE -> m + " " + rj + ", " + rd + ", " + signed(i) + target(i);
            case BEQZ, BNEZ -> m + " " + rj + ", " + signed(i) + target(i);
            case B -> m + " " + signed(i) + target(i);
        };
    }

    /** loongarch-dis.c dis_one_arg 's': "%d" for 0, else "%d(0x%x)" with the raw field. */
    private static String signed(Insn i) {
        long v = i.op() == Op.LU12I_W ? (i.imm() >> 12) : i.imm();
        return v == 0 ? "0" : v + "(0x" + Long.toHexString(i.raw()) + ")";
    }

    /** objdump's branch comment: the target address as 0x%llx. */
    private static String target(Insn i) {
        return " # 0x" + Long.toHexString(i.pc() + i.imm());
    }

    // ---------------------------------------------------------------- encoding

    @Override
    public byte[] encode(Statement s, AsmContext ctx) {
        String m = s.mnemonic();
        switch (m) {
            case "nop" -> {
                s.expectOperands(0);
                return word(0x0340_0000);
            }
            case "move" -> {
                s.expectOperands(2);
                return word(0x0015_0000 | reg(s, 1) << 5 | reg(s, 0));
            }
            case "or" -> {
                s.expectOperands(3);
                return word(0x0015_0000 | reg(s, 2) << 10 | reg(s, 1) << 5 | reg(s, 0));
            }
            case "addi.w", "addi.d", "lu52i.d", "ld.b", "ld.h", "ld.w", "ld.d", "st.b", "st.h", "st.w", "st.d" -> {
                s.expectOperands(3);
                long v = imm(s, 2, ctx);
                check(s, v, -2048, 2047, "s 10:12");
                return word(opcodeOf(m) | ((int) v & 0xFFF) << 10 | reg(s, 1) << 5 | reg(s, 0));
            }
            case "andi", "ori" -> {
                s.expectOperands(3);
                long v = imm(s, 2, ctx);
                check(s, v, 0, 0xFFF, "u 10:12");
                return word(opcodeOf(m) | (int) v << 10 | reg(s, 1) << 5 | reg(s, 0));
            }
            case "lu12i.w", "lu32i.d" -> {
                s.expectOperands(2);
                long v = imm(s, 1, ctx);
                check(s, v, -524288, 524287, "s 5:20");
                return word((m.equals("lu12i.w") ? 0x1400_0000 : 0x1600_0000) | ((int) v & 0xF_FFFF) << 5 | reg(s, 0));
            }
            case "hvcl", "idle" -> {
                s.expectOperands(1);
                long v = imm(s, 0, ctx);
                check(s, v, 0, 0x7FFF, "u 0:15");
                return word((m.equals("hvcl") ? HVCL : IDLE) | (int) v);
            }
            case "cpucfg" -> {
                s.expectOperands(2);
                return word(CPUCFG | reg(s, 1) << 5 | reg(s, 0));
            }
            case "csrrd" -> {
                s.expectOperands(2);
                long v = imm(s, 1, ctx);
                check(s, v, 0, 0x3FFF, "u 10:14");
                return word(0x0400_0000 | (int) v << 10 | reg(s, 0));
            }
            case "beq", "bne", "blt", "bge" -> {
                s.expectOperands(3);
                long off = branchOffset(s, 2, ctx, 16);
                return word(opcodeOf(m) | ((int) (off >> 2) & 0xFFFF) << 10 | reg(s, 0) << 5 | reg(s, 1));
            }
            case "beqz", "bnez" -> {
                s.expectOperands(2);
                long off = branchOffset(s, 1, ctx, 21) >> 2;
                return word((m.equals("beqz") ? 0x4000_0000 : 0x4400_0000) | ((int) off & 0xFFFF) << 10 | reg(s, 0) << 5
                        | ((int) (off >> 16) & 31));
            }
            case "b" -> {
                s.expectOperands(1);
                long off = branchOffset(s, 0, ctx, 26) >> 2;
                return word(0x5000_0000 | ((int) off & 0xFFFF) << 10 | ((int) (off >> 16) & 0x3FF));
            }
            case "li.w", "li.d" -> {
                s.expectOperands(2);
                return li(s, reg(s, 0), imm(s, 1, ctx), m.equals("li.w"));
            }
            default -> throw s.error("not in the LoongArch guest subset (lu12i.w lu32i.d lu52i.d ori andi addi.w addi.d or move "
                    + "beq bne blt bge beqz bnez b ld.{b,h,w,d} st.{b,h,w,d} hvcl cpucfg idle csrrd nop li.w li.d)");
        }
    }

    private static int opcodeOf(String m) {
        return switch (m) {
            case "addi.w" -> 0x0280_0000;
            case "addi.d" -> 0x02C0_0000;
            case "lu52i.d" -> 0x0300_0000;
            case "andi" -> 0x0340_0000;
            case "ori" -> 0x0380_0000;
            case "ld.b" -> 0x2800_0000;
            case "ld.h" -> 0x2840_0000;
            case "ld.w" -> 0x2880_0000;
            case "ld.d" -> 0x28C0_0000;
            case "st.b" -> 0x2900_0000;
            case "st.h" -> 0x2940_0000;
            case "st.w" -> 0x2980_0000;
            case "st.d" -> 0x29C0_0000;
            case "beq" -> 0x5800_0000;
            case "bne" -> 0x5C00_0000;
            case "blt" -> 0x6000_0000;
            case "bge" -> 0x6400_0000;
            default -> throw new IllegalArgumentException(m);
        };
    }

    private static byte[] word(int w) {
        byte[] out = new byte[4];
        Bytes.put(out, 0, 4, w, false);
        return out;
    }

    private static int reg(Statement s, int i) {
        int r = LoongArchRegisters.general(s.operand(i));
        if (r < 0) {
            throw s.error("'" + s.operand(i) + "' is not a general register ($zero, $ra, $sp, $a0..$a7, $t0..$t8, $fp, $s0..$s8, "
                    + "$r0..$r31)");
        }
        return r;
    }

    /** A number or label expression; also objdump's {@code -1(0xfff)} form, so that its output assembles again. */
    private static long imm(Statement s, int i, AsmContext ctx) {
        String op = s.operand(i).trim();
        op = objdumpImm(op);
        return ctx.evaluate(op, s);
    }

    /** ByteArrayOutputStream.writeBytes(b), which not every runtime has (the Explorer page compiled to JavaScript). */
    private static void emit(ByteArrayOutputStream out, byte[] b) {
        out.write(b, 0, b.length);
    }

    /**
     * objdump's {@code -1(0xfff)}: the decimal before the parenthesis (the form {@code -?[0-9]+\(0x[0-9a-fA-F]+\)});
     * anything else unchanged. By hand, as the Explorer page compiled to JavaScript runs it.
     */
    static String objdumpImm(String op) {
        int open = op.indexOf('(');
        if (open < 0 || !op.endsWith(")") || !op.startsWith("0x", open + 1)) {
            return op;
        }
        String dec = op.substring(op.startsWith("-") ? 1 : 0, open);
        String hex = op.substring(open + 3, op.length() - 1);
        return Bytes.isAsciiDigits(dec, 10) && Bytes.isAsciiDigits(hex, 16) ? op.substring(0, open) : op;
    }

    private static void check(Statement s, long v, long min, long max, String format) {
        if (v < min || v > max) {
            throw s.error("immediate overflow: " + v + " does not fit format " + format + " (" + min + ".." + max + ")");
        }
    }

    /**
     * A branch target: a label expression is relative to the branch, a plain number is the byte
     * offset itself (as GNU as reads {@code beq $a0, $a1, 0x20}). Range is checked on the final pass.
     */
    private static long branchOffset(Statement s, int i, AsmContext ctx, int bits) {
        String op = s.operand(i).trim();
        op = objdumpImm(op);
        boolean number = !op.isEmpty() && (Character.isDigit(op.charAt(0)) || op.charAt(0) == '-' || op.charAt(0) == '+');
        long off = number ? ctx.evaluate(op, s) : ctx.evaluate(op, s) - ctx.pc();
        long limit = 1L << (bits + 1);
        if (ctx.finalPass() || number) {
            if ((off & 3) != 0) {
                throw s.error("branch offset " + off + " is not a multiple of 4 (require imm low 2 bit is 0)");
            }
            if (off < -limit || off >= limit) {
                throw s.error("branch offset " + off + " does not fit " + bits + " bits << 2 (" + -limit + ".." + (limit - 4) + ")");
            }
        }
        return off;
    }

    /**
     * The li.w / li.d expansion of gas/config/tc-loongarch.c (binutils 2.40,
     * assember_macro_helper): the value is cut into the fields lu52i.d [63:52], lu32i.d [51:32],
     * lu12i.w [31:12], ori [11:0], and a field is skipped when it is the sign extension of the
     * field below it, so that small and sign-extended values take fewer instructions.
     */
    static byte[] li(Statement s, int rd, long value, boolean word) {
        long lo32 = value & 0xFFFF_FFFFL;
        long hi32 = value >>> 32;
        if (word) {
            if (hi32 != 0 && hi32 != 0xFFFF_FFFFL) {
                throw s.error(String.format(Locale.ROOT, "li overflow: hi32:0x%x lo32:0x%x", hi32, lo32));
            }
            hi32 = (lo32 & 0x8000_0000L) != 0 ? 0xFFFF_FFFFL : 0;
        }
        int f1 = (int) ((hi32 >> 20) & 0xFFF);
        int f2 = (int) (hi32 & 0xF_FFFF);
        int f3 = (int) ((lo32 >> 12) & 0xF_FFFF);
        int f4 = (int) (lo32 & 0xFFF);
        int all0 = bit((hi32 & 0xFFF0_0000L) == 0, 3) | bit((hi32 & 0xF_FFFFL) == 0, 2) | bit((lo32 & 0xFFFF_F000L) == 0, 1)
                | bit((lo32 & 0xFFFL) == 0, 0);
        int sign = bit((hi32 & 0x8000_0000L) != 0, 3) | bit((hi32 & 0x8_0000L) != 0, 2) | bit((lo32 & 0x8000_0000L) != 0, 1)
                | bit((lo32 & 0x800L) != 0, 0);
        int allf = bit((hi32 & 0xFFF0_0000L) == 0xFFF0_0000L, 3) | bit((hi32 & 0xF_FFFFL) == 0xF_FFFFL, 2)
                | bit((lo32 & 0xFFFF_F000L) == 0xFFFF_F000L, 1) | bit((lo32 & 0xFFFL) == 0xFFFL, 0);
        int partialIsSextOfPrev = (all0 ^ allf) & (all0 ^ (sign << 1)) & 0xF;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (partialIsSextOfPrev == 0x7) {
            emit(out, word(0x0300_0000 | f1 << 10 | rd)); // lu52i.d rd, $zero, f1
            return out.toByteArray();
        }
        if ((all0 & 0x3) == 0x2) {
            emit(out, word(0x0380_0000 | f4 << 10 | rd)); // ori rd, $zero, f4
        } else {
            switch (partialIsSextOfPrev & 0x3) {
                case 0 -> {
                    emit(out, word(0x1400_0000 | f3 << 5 | rd)); // lu12i.w rd, f3
                    emit(out, word(0x0380_0000 | f4 << 10 | rd << 5 | rd)); // ori rd, rd, f4
                }
                case 1 -> emit(out, word(0x1400_0000 | f3 << 5 | rd));
                case 2 -> emit(out, word(0x0280_0000 | f4 << 10 | rd)); // addi.w rd, $zero, f4
                default -> emit(out, word(0x0015_0000 | rd)); // or rd, $zero, $zero
            }
        }
        switch (partialIsSextOfPrev >> 2) {
            case 0 -> {
                emit(out, word(0x1600_0000 | f2 << 5 | rd)); // lu32i.d rd, f2
                emit(out, word(0x0300_0000 | f1 << 10 | rd << 5 | rd)); // lu52i.d rd, rd, f1
            }
            case 1 -> emit(out, word(0x0300_0000 | f1 << 10 | rd << 5 | rd));
            case 2 -> emit(out, word(0x1600_0000 | f2 << 5 | rd));
            default -> {
            }
        }
        return out.toByteArray();
    }

    private static int bit(boolean b, int n) {
        return b ? 1 << n : 0;
    }
}
