package dev.hcsim.arch.arm64;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.asm.AsmContext;
import dev.hcsim.core.asm.Statement;
import dev.hcsim.core.spi.WordCodec;
import dev.hcsim.core.spi.Instruction;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;

/**
 * Assembler and decoder of the A64 guest subset, byte for byte as GNU {@code as} and {@code objdump}
 * (binutils 2.40) encode and print it: MOVZ/MOVN/MOVK and MOV (wide immediate, register, to/from SP),
 * ADD/ADDS/SUB/SUBS immediate and register (unshifted) with CMP/CMN, B, B.cond, CBZ/CBNZ, LDR/STR/LDRB/STRB/LDRH/STRH with an
 * unsigned immediate offset, HVC, SMC, SVC (which the trap gate reports as not a hypercall), WFI, NOP and {@code mrs xN, mpidr_el1}. A64 instructions are
 * always little-endian. Disassembly text is objdump's with one space after the mnemonic, without
 * objdump's trailing {@code //} comment, and with branch targets written {@code 0x<address>} so that the
 * text assembles back to the same word.
 */
public final class Arm64Codec extends WordCodec {
    /** The one instance (A64 instruction fetch is little-endian in either data endianness). */
    public static final Arm64Codec INSTANCE = new Arm64Codec();

    static final String[] CONDITIONS = {"eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"};

    private static final int REG_64 = 1 << 8;
    private static final int REG_SP = 1 << 9;
    private static final int REG_ZR = 1 << 10;

    private Arm64Codec() {
        super(ByteOrder.LITTLE_ENDIAN, "//");
    }

    // ---------------------------------------------------------------- decoder

    @Override
    protected Instruction decodeInSubset(int word, long pc) {
        return decodeWord(word, pc);
    }

    /**
     * Decodes one A64 word at {@code pc}; null when it is outside the subset. Never throws.
     * @param w the 32-bit instruction word, already in host order
     * @param pc the guest address of the word, for PC-relative targets
     * @return the decoded instruction, or null for a word outside the subset
     */
    public static Instruction decodeWord(int w, long pc) {
        if ((w & 0xFFE0001F) == 0xD4000002) {
            return new Arm64Interpreter.Trap("hvc #0x" + Integer.toHexString((w >>> 5) & 0xFFFF));
        }
        if ((w & 0xFFE0001F) == 0xD4000003) {
            return new Arm64Interpreter.Trap("smc #0x" + Integer.toHexString((w >>> 5) & 0xFFFF));
        }
        if ((w & 0xFFE0001F) == 0xD4000001) {
            // SVC is a system call, not a hypercall: it reaches the trap gate, which says so (Outcome.NOT_A_HYPERCALL).
            return new Arm64Interpreter.Trap("svc #0x" + Integer.toHexString((w >>> 5) & 0xFFFF));
        }
        if (w == 0xD503207F) {
            return new Arm64Interpreter.WaitForInterrupt("wfi");
        }
        if (w == 0xD503201F) {
            return new Arm64Interpreter.Nop("nop");
        }
        if ((w & 0xFFFFFFE0) == 0xD53800A0) {
            int rt = w & 31;
            return new Arm64Interpreter.ReadMpidr("mrs " + name(rt, true, false) + ", mpidr_el1", index(rt, false));
        }
        if ((w & 0xFFFFFFE0) == 0xD518CBA0) {
            int rt = w & 31;
            return new Arm64Interpreter.SendSgi("msr icc_sgi1r_el1, " + name(rt, true, false), index(rt, false));
        }
        if ((w & 0x1F800000) == 0x12800000) {
            return moveWide(w);
        }
        if ((w & 0x1F800000) == 0x11000000) {
            return addSub(w);
        }
        if ((w & 0x1FE0FC00) == 0x0B000000 && ((w >>> 5) & 31) != 31) {
            return addSubRegister(w);
        }
        if ((w & 0x7FE0FFE0) == 0x2A0003E0) {
            boolean sf = w < 0;
            int rd = w & 31;
            int rm = (w >>> 16) & 31;
            return new Arm64Interpreter.MoveRegister("mov " + name(rd, sf, false) + ", " + name(rm, sf, false), sf, index(rd, false),
                    index(rm, false));
        }
        if ((w & 0xFF000010) == 0x54000000) {
            int cond = w & 15;
            long target = pc + ((long) (w << 8 >> 13) << 2);
            return new Arm64Interpreter.Branch("b." + CONDITIONS[cond] + " 0x" + Long.toHexString(target), cond, target);
        }
        if ((w & 0xFC000000) == 0x14000000) {
            long target = pc + ((long) (w << 6 >> 6) << 2);
            return new Arm64Interpreter.Branch("b 0x" + Long.toHexString(target), -1, target);
        }
        if ((w & 0x7E000000) == 0x34000000) {
            boolean sf = w < 0;
            boolean nz = (w & (1 << 24)) != 0;
            int rt = w & 31;
            long target = pc + ((long) (w << 8 >> 13) << 2);
            return new Arm64Interpreter.CompareBranch((nz ? "cbnz " : "cbz ") + name(rt, sf, false) + ", 0x" + Long.toHexString(target), sf, nz,
                    index(rt, false), target);
        }
        if ((w & 0x3F800000) == 0x39000000) {
            return loadStore(w);
        }
        return null;
    }

    private static Instruction moveWide(int w) {
        boolean sf = w < 0;
        int opc = (w >>> 29) & 3;
        int hw = (w >>> 21) & 3;
        if (opc == 1 || (!sf && hw >= 2)) {
            return null;
        }
        long imm16 = (w >>> 5) & 0xFFFF;
        int shift = hw * 16;
        int rd = w & 31;
        String rn = name(rd, sf, false);
        String text;
        boolean zeroShifted = imm16 == 0 && hw != 0;
        if (opc == 2 && !zeroShifted) {
            long v = imm16 << shift;
            text = "mov " + rn + ", #0x" + Long.toHexString(sf ? v : v & 0xFFFF_FFFFL);
        } else if (opc == 0 && !zeroShifted && (sf || imm16 != 0xFFFF)) {
            long v = ~(imm16 << shift);
            text = "mov " + rn + ", #0x" + Long.toHexString(sf ? v : v & 0xFFFF_FFFFL);
        } else {
            text = (opc == 0 ? "movn " : opc == 2 ? "movz " : "movk ") + rn + ", #0x" + Long.toHexString(imm16) + (hw != 0 ? ", lsl #" + shift : "");
        }
        return new Arm64Interpreter.MoveWide(text, index(rd, false), sf, opc, imm16, shift);
    }

    private static Instruction addSub(int w) {
        boolean sf = w < 0;
        boolean sub = (w & (1 << 30)) != 0;
        boolean s = (w & (1 << 29)) != 0;
        boolean sh = (w & (1 << 22)) != 0;
        int imm12 = (w >>> 10) & 0xFFF;
        int rn = (w >>> 5) & 31;
        int rd = w & 31;
        long imm = sh ? (long) imm12 << 12 : imm12;
        String immText = "#0x" + Integer.toHexString(imm12) + (sh ? ", lsl #12" : "");
        String text;
        if (s && rd == 31) {
            text = (sub ? "cmp " : "cmn ") + name(rn, sf, true) + ", " + immText;
        } else if (!s && !sub && !sh && imm12 == 0 && (rd == 31 || rn == 31)) {
            text = "mov " + name(rd, sf, true) + ", " + name(rn, sf, true);
        } else {
            text = (sub ? "sub" : "add") + (s ? "s " : " ") + name(rd, sf, !s) + ", " + name(rn, sf, true) + ", " + immText;
        }
        return new Arm64Interpreter.AddSubImmediate(text, sf, sub, s, index(rd, !s), index(rn, true), imm);
    }

    private static Instruction addSubRegister(int w) {
        boolean sf = w < 0;
        boolean sub = (w & (1 << 30)) != 0;
        boolean s = (w & (1 << 29)) != 0;
        int rm = (w >>> 16) & 31;
        int rn = (w >>> 5) & 31;
        int rd = w & 31;
        String ops = name(rn, sf, false) + ", " + name(rm, sf, false);
        String text = s && rd == 31 ? (sub ? "cmp " : "cmn ") + ops
                : (sub ? "sub" : "add") + (s ? "s " : " ") + name(rd, sf, false) + ", " + ops;
        return new Arm64Interpreter.AddSubRegister(text, sf, sub, s, index(rd, false), index(rn, false), index(rm, false));
    }

    private static Instruction loadStore(int w) {
        int size = (w >>> 30) & 3;
        int opc = (w >>> 22) & 3;
        if (opc > 1) {
            return null; // LDRS* and PRFM are outside the subset
        }
        boolean load = opc == 1;
        int imm12 = (w >>> 10) & 0xFFF;
        long offset = (long) imm12 << size;
        int rn = (w >>> 5) & 31;
        int rt = w & 31;
        String mnemonic = (load ? "ldr" : "str") + (size == 0 ? "b" : size == 1 ? "h" : "");
        String text = mnemonic + " " + name(rt, size == 3, false) + ", [" + name(rn, true, true) + (offset != 0 ? ", #" + offset : "") + "]";
        return new Arm64Interpreter.LoadStore(text, load, size, index(rt, false), index(rn, true), offset);
    }

    /** The layout index of register field {@code r}: 31 is {@code sp} when {@code sp}, else {@code xzr}. */
    static int index(int r, boolean sp) {
        return r != 31 ? r : sp ? Arm64Registers.SP : Arm64Registers.XZR;
    }

    static String name(int r, boolean sf, boolean sp) {
        if (r == 31) {
            return sp ? (sf ? "sp" : "wsp") : (sf ? "xzr" : "wzr");
        }
        return (sf ? "x" : "w") + r;
    }

    // ---------------------------------------------------------------- assembler

    @Override
    public byte[] encode(Statement s, AsmContext ctx) {
        int w = encodeWord(s, ctx);
        byte[] out = new byte[4];
        Bytes.put(out, 0, 4, w, false);
        return out;
    }

    /**
     * Encodes one statement to its 32-bit word.
     * @param s the parsed assembly statement
     * @param ctx the assembler context that resolves labels and the statement's address
     * @return the 32-bit instruction word
     * @throws dev.hcsim.core.asm.AsmException when the mnemonic or an operand is not in the subset (a one-line message)
     */
    public static int encodeWord(Statement s, AsmContext ctx) {
        String m = s.mnemonic();
        if (m.startsWith("b.")) {
            int cond = condition(m.substring(2));
            if (cond < 0) {
                throw s.error("unknown condition '" + m.substring(2) + "'");
            }
            s.expectOperands(1);
            return 0x54000000 | (int) (branchOffset(s, ctx, s.operand(0), 19) << 5) | cond;
        }
        switch (m) {
            case "nop" -> {
                s.expectOperands(0);
                return 0xD503201F;
            }
            case "wfi" -> {
                s.expectOperands(0);
                return 0xD503207F;
            }
            case "hvc", "smc", "svc" -> {
                s.expectOperands(1);
                long imm = immediate(s, ctx, s.operand(0));
                if (imm < 0 || imm > 0xFFFF) {
                    throw s.error("immediate must be 0..0xffff");
                }
                return (m.equals("hvc") ? 0xD4000002 : m.equals("smc") ? 0xD4000003 : 0xD4000001) | (int) imm << 5;
            }
            case "mrs" -> {
                s.expectOperands(2);
                int rt = register(s, s.operand(0));
                if ((rt & REG_64) == 0 || (rt & REG_SP) != 0) {
                    throw s.error("mrs needs an X register");
                }
                if (!s.operand(1).trim().equalsIgnoreCase("mpidr_el1")) {
                    throw s.error("only mpidr_el1 is in the guest subset");
                }
                return 0xD53800A0 | (rt & 31);
            }
            case "msr" -> {
                s.expectOperands(2);
                if (!s.operand(0).trim().equalsIgnoreCase("icc_sgi1r_el1")) {
                    throw s.error("only msr icc_sgi1r_el1 (GICv3 SGI) is in the guest subset");
                }
                int rt = register(s, s.operand(1));
                if ((rt & REG_64) == 0 || (rt & REG_SP) != 0) {
                    throw s.error("msr needs an X register");
                }
                return 0xD518CBA0 | (rt & 31);
            }
            case "movz", "movn", "movk" -> {
                return moveWide(s, ctx, m.equals("movn") ? 0 : m.equals("movz") ? 2 : 3);
            }
            case "mov" -> {
                return mov(s, ctx);
            }
            case "add", "adds", "sub", "subs" -> {
                s.expectOperands(s.operands().size() == 4 ? 4 : 3);
                int rd = register(s, s.operand(0));
                int rn = register(s, s.operand(1));
                boolean setFlags = m.endsWith("s");
                return addSub(s, ctx, m.startsWith("sub"), setFlags, rd, rn, s.operand(2), s.operands().size() == 4 ? s.operand(3) : null);
            }
            case "cmp", "cmn" -> {
                s.expectOperands(s.operands().size() == 3 ? 3 : 2);
                int rn = register(s, s.operand(0));
                int zr = 31 | REG_ZR | (rn & REG_64);
                return addSub(s, ctx, m.equals("cmp"), true, zr, rn, s.operand(1), s.operands().size() == 3 ? s.operand(2) : null);
            }
            case "b" -> {
                s.expectOperands(1);
                return 0x14000000 | (int) branchOffset(s, ctx, s.operand(0), 26);
            }
            case "cbz", "cbnz" -> {
                s.expectOperands(2);
                int rt = register(s, s.operand(0));
                if ((rt & REG_SP) != 0) {
                    throw s.error("sp is not allowed here");
                }
                return ((rt & REG_64) != 0 ? 0x80000000 : 0) | (m.equals("cbz") ? 0x34000000 : 0x35000000)
                        | (int) (branchOffset(s, ctx, s.operand(1), 19) << 5) | (rt & 31);
            }
            case "ldr", "str", "ldrb", "strb", "ldrh", "strh" -> {
                return loadStore(s, ctx, m);
            }
            default -> throw s.error("'" + m + "' is not in the arm64 guest subset (movz movn movk mov add adds sub subs cmp cmn b b.cond "
                    + "cbz cbnz ldr str ldrb strb ldrh strh hvc smc svc wfi nop mrs msr)");
        }
    }

    private static int moveWide(Statement s, AsmContext ctx, int opc) {
        if (s.operands().size() != 2 && s.operands().size() != 3) {
            s.expectOperands(2);
        }
        int rd = register(s, s.operand(0));
        if ((rd & REG_SP) != 0) {
            throw s.error("sp is not allowed here");
        }
        boolean sf = (rd & REG_64) != 0;
        long imm = immediate(s, ctx, s.operand(1));
        if (imm < 0 || imm > 0xFFFF) {
            throw s.error("immediate must be 0..0xffff");
        }
        int shift = s.operands().size() == 3 ? shift(s, ctx, s.operand(2)) : 0;
        if (shift % 16 != 0 || shift < 0 || shift > (sf ? 48 : 16)) {
            throw s.error("shift must be lsl #0, #16" + (sf ? ", #32 or #48" : ""));
        }
        return (sf ? 0x80000000 : 0) | opc << 29 | 0x12800000 | (shift / 16) << 21 | (int) imm << 5 | (rd & 31);
    }

    private static int mov(Statement s, AsmContext ctx) {
        s.expectOperands(2);
        int rd = register(s, s.operand(0));
        boolean sf = (rd & REG_64) != 0;
        String src = s.operand(1).trim();
        int rm = register(src);
        if (rm >= 0) {
            if (((rm & REG_64) != 0) != sf) {
                throw s.error("registers must both be X or both be W");
            }
            if ((rd & REG_SP) != 0 || (rm & REG_SP) != 0) {
                if ((rd & REG_ZR) != 0 || (rm & REG_ZR) != 0) {
                    throw s.error("cannot move between sp and the zero register");
                }
                return (sf ? 0x91000000 : 0x11000000) | (rm & 31) << 5 | (rd & 31);
            }
            return (sf ? 0xAA0003E0 : 0x2A0003E0) | (rm & 31) << 16 | (rd & 31);
        }
        if ((rd & REG_SP) != 0) {
            throw s.error("mov to sp takes a register (an immediate would need orr)");
        }
        long v = immediate(s, ctx, src);
        if (!sf) {
            if (v < -0x8000_0000L || v > 0xFFFF_FFFFL) {
                throw s.error("immediate does not fit in 32 bits");
            }
            v &= 0xFFFF_FFFFL;
        }
        int hw = singleChunk(v, sf);
        if (hw >= 0) {
            return (sf ? 0xD2800000 : 0x52800000) | hw << 21 | (int) ((v >>> (hw * 16)) & 0xFFFF) << 5 | (rd & 31);
        }
        long inv = sf ? ~v : ~v & 0xFFFF_FFFFL;
        hw = singleChunk(inv, sf);
        if (hw >= 0) {
            return (sf ? 0x92800000 : 0x12800000) | hw << 21 | (int) ((inv >>> (hw * 16)) & 0xFFFF) << 5 | (rd & 31);
        }
        throw s.error("0x" + Long.toHexString(v) + " needs more than one MOVZ/MOVN; build it with movz + movk (ORR bitmask immediates "
                + "are outside the guest subset)");
    }

    /** The 16-bit chunk index holding every set bit of {@code v} (0 for zero), or -1. */
    private static int singleChunk(long v, boolean sf) {
        for (int hw = 0; hw < (sf ? 4 : 2); hw++) {
            if ((v & ~(0xFFFFL << (hw * 16))) == 0) {
                return hw;
            }
        }
        return -1;
    }

    private static int addSub(Statement s, AsmContext ctx, boolean sub, boolean setFlags, int rd, int rn, String immText, String shiftText) {
        boolean sf = (rd & REG_64) != 0;
        if (((rn & REG_64) != 0) != sf) {
            throw s.error("registers must both be X or both be W");
        }
        int rm = register(immText);
        if (rm >= 0) {
            if (shiftText != null) {
                throw s.error("shifted register operands are outside the subset");
            }
            if (((rm & REG_64) != 0) != sf || ((rn | rm | rd) & REG_SP) != 0 || (rn & REG_ZR) != 0) {
                throw s.error("register form: X or W registers, no sp, first source not the zero register (neg is outside the subset)");
            }
            return (sf ? 0x80000000 : 0) | (sub ? 1 << 30 : 0) | (setFlags ? 1 << 29 : 0) | 0x0B000000 | (rm & 31) << 16 | (rn & 31) << 5
                    | (rd & 31);
        }
        if ((rn & REG_ZR) != 0 || (setFlags ? (rd & REG_SP) != 0 : (rd & REG_ZR) != 0)) {
            throw s.error("operand 1 must be " + (setFlags ? "an integer register" : "an integer or stack pointer register"));
        }
        long imm = immediate(s, ctx, immText);
        int sh = shiftText == null ? -1 : shift(s, ctx, shiftText);
        if (sh != -1 && sh != 0 && sh != 12) {
            throw s.error("shift must be lsl #0 or lsl #12");
        }
        if (imm < 0 && sh == -1) {
            // GNU as turns add #-n into sub #n (and cmp #-n into cmn #n).
            imm = -imm;
            sub = !sub;
        }
        if (sh == -1) {
            if (imm > 0xFFF && (imm & 0xFFF) == 0 && imm <= 0xFFF000L) {
                sh = 12;
                imm >>>= 12;
            } else {
                sh = 0;
            }
        }
        if (imm < 0 || imm > 0xFFF) {
            throw s.error("immediate out of range: 0..4095, or a multiple of 4096 up to 0xfff000");
        }
        return (sf ? 0x80000000 : 0) | (sub ? 1 << 30 : 0) | (setFlags ? 1 << 29 : 0) | 0x11000000 | (sh == 12 ? 1 << 22 : 0)
                | (int) imm << 10 | (rn & 31) << 5 | (rd & 31);
    }

    private static int loadStore(Statement s, AsmContext ctx, String m) {
        s.expectOperands(2);
        int rt = register(s, s.operand(0));
        if ((rt & REG_SP) != 0) {
            throw s.error("sp is not allowed as the transfer register");
        }
        boolean x = (rt & REG_64) != 0;
        int size = m.length() == 3 ? (x ? 3 : 2) : m.endsWith("b") ? 0 : 1;
        if (m.length() == 4 && x) {
            throw s.error(m + " transfers a W register");
        }
        String mem = s.operand(1).trim();
        if (!mem.startsWith("[") || !mem.endsWith("]")) {
            throw s.error("expected [xN] or [xN, #offset] (pre/post-index and literal forms are outside the subset)");
        }
        String inner = mem.substring(1, mem.length() - 1);
        int comma = inner.indexOf(',');
        String base = comma < 0 ? inner : inner.substring(0, comma);
        int rn = register(s, base.trim());
        if ((rn & REG_64) == 0 || (rn & REG_ZR) != 0) {
            throw s.error("the base must be an X register or sp");
        }
        long off = comma < 0 ? 0 : immediate(s, ctx, inner.substring(comma + 1));
        long max = 0xFFFL << size;
        if (off < 0 || off > max || (off & ((1L << size) - 1)) != 0) {
            throw s.error("offset must be a multiple of " + (1 << size) + " in 0.." + max + " (ldur/stur are outside the subset)");
        }
        int opc = m.startsWith("ldr") ? 1 : 0;
        return size << 30 | 0x39000000 | opc << 22 | (int) (off >>> size) << 10 | (rn & 31) << 5 | (rt & 31);
    }

    private static long branchOffset(Statement s, AsmContext ctx, String operand, int bits) {
        String t = operand.trim();
        long target;
        if (t.equals(".")) {
            target = ctx.pc();
        } else if (t.startsWith(".+") || t.startsWith(".-")) {
            target = ctx.pc() + (t.charAt(1) == '-' ? -1 : 1) * ctx.evaluate(t.substring(2), s);
        } else {
            target = ctx.evaluate(t, s);
        }
        long delta = target - ctx.pc();
        if ((delta & 3) != 0) {
            throw s.error("branch target 0x" + Long.toHexString(target) + " is not 4-byte aligned");
        }
        long words = delta >> 2;
        long limit = 1L << (bits - 1);
        if (words < -limit || words >= limit) {
            throw s.error("branch target out of range (±" + (limit * 4) + " bytes)");
        }
        return words & ((1L << bits) - 1);
    }

    private static int condition(String c) {
        String n = c.toLowerCase(Locale.ROOT);
        n = switch (n) {
            case "hs" -> "cs";
            case "lo" -> "cc";
            default -> n;
        };
        for (int i = 0; i < CONDITIONS.length; i++) {
            if (CONDITIONS[i].equals(n)) {
                return i;
            }
        }
        return -1;
    }

    private static long immediate(Statement s, AsmContext ctx, String operand) {
        String t = operand.trim();
        if (t.startsWith("#")) {
            t = t.substring(1).trim();
        }
        if (t.isEmpty()) {
            throw s.error("missing immediate");
        }
        return ctx.evaluate(t, s);
    }

    private static int shift(Statement s, AsmContext ctx, String operand) {
        String t = operand.trim().toLowerCase(Locale.ROOT);
        if (!t.startsWith("lsl")) {
            throw s.error("expected 'lsl #n'");
        }
        return (int) immediate(s, ctx, t.substring(3));
    }

    private static int register(Statement s, String text) {
        int r = register(text);
        if (r < 0) {
            throw s.error("'" + text.trim() + "' is not an arm64 register");
        }
        return r;
    }

    /** Parses a register name: bits 4:0 the field value, then the 64-bit, SP and ZR flags; -1 for none. */
    static int register(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "sp":
                return 31 | REG_64 | REG_SP;
            case "wsp":
                return 31 | REG_SP;
            case "xzr":
                return 31 | REG_64 | REG_ZR;
            case "wzr":
                return 31 | REG_ZR;
            case "fp":
                return 29 | REG_64;
            case "lr":
                return 30 | REG_64;
            default:
                break;
        }
        if (t.length() < 2 || (t.charAt(0) != 'x' && t.charAt(0) != 'w')) {
            return -1;
        }
        int n = 0;
        for (int i = 1; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9' || i > 2) {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        if (n > 30 || (t.length() == 3 && t.charAt(1) == '0')) {
            return -1;
        }
        return n | (t.charAt(0) == 'x' ? REG_64 : 0);
    }
}
