package dev.hcsim.arch.mips;

import dev.hcsim.arch.mips.MipsInterpreter.Branch;
import dev.hcsim.arch.mips.MipsInterpreter.Immediate;
import dev.hcsim.arch.mips.MipsInterpreter.Lui;
import dev.hcsim.arch.mips.MipsInterpreter.Memory;
import dev.hcsim.arch.mips.MipsInterpreter.MfEbase;
import dev.hcsim.arch.mips.MipsInterpreter.Nop;
import dev.hcsim.arch.mips.MipsInterpreter.Or;
import dev.hcsim.arch.mips.MipsInterpreter.Shift;
import dev.hcsim.arch.mips.MipsInterpreter.Trapping;
import dev.hcsim.arch.mips.MipsInterpreter.Wait;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.asm.AsmContext;
import dev.hcsim.core.asm.Statement;
import dev.hcsim.core.spi.WordCodec;
import dev.hcsim.core.spi.Instruction;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;

/**
 * Assembler and decoder of the MIPS64 guest subset in one byte order, byte for byte as GNU as
 * ({@code mips64[el]-linux-gnuabi64-as -march=mips64r2 -mvirt}, under {@code .set noreorder}: delay
 * slots are what the source says) and GNU objdump ({@code -d -M virt} of the n64 ELF object it
 * writes, so n64 register names, see {@link MipsRegisters}) produce them. Subset: lui, ori, andi,
 * addiu, daddiu, li, dli, dsll, dsll32, dsrl, dsrl32, move, or, beq, bne, beqz, bnez, b, ld, sd, lw,
 * sw, lb, sb, hypcall, wait, syscall, nop and mfc0 of EBase.
 */
public final class MipsCodec extends WordCodec {
    /** The HYPCALL word with code 0 (VZ ASE; arch/mips/include/uapi/asm/inst.h hypcall_op = 0x28). */
    public static final int HYPCALL = 0x4200_0028;

    private final ByteOrder order;
    private final boolean bigEndian;

    MipsCodec(ByteOrder order) {
        super(order, "#");
        this.order = order;
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
    }

    /**
     * {@code .set noreorder}, {@code .set noat}, {@code .set mips64r2}, {@code .set virt} and the like are
     * accepted and emit nothing: this assembler always works as GNU as does under {@code .set noreorder}
     * (the delay slot is what the programmer writes).
     */
    @Override
    public byte[] directive(dev.hcsim.core.asm.Statement s, dev.hcsim.core.asm.AsmContext ctx) {
        if (s.mnemonic().equals(".set") && s.operands().size() == 1) {
            String what = s.operand(0);
            if (what.equals("reorder")) {
                throw s.error(".set reorder is not supported: delay slots are filled by hand here (as under .set noreorder)");
            }
            if (java.util.Set.of("noreorder", "noat", "at", "mips64r2", "mips64", "virt", "push", "pop").contains(what)) {
                return new byte[0];
            }
        }
        return null;
    }

    static int iType(int op, int rs, int rt, int imm) {
        return op << 26 | rs << 21 | rt << 16 | (imm & 0xFFFF);
    }

    static int rType(int rs, int rt, int rd, int sa, int func) {
        return rs << 21 | rt << 16 | rd << 11 | sa << 6 | func;
    }

    // ---------------------------------------------------------------- decoding

    @Override
    protected Instruction decodeInSubset(int word, long pc) {
        return decodeWord(word, pc);
    }

    private Instruction bad(int w, long pc) {
        byte[] raw = new byte[4];
        Bytes.put(raw, 0, 4, w, bigEndian);
        return Instruction.undecodable(pc, Bytes.hex(raw), 4);
    }

    private static String reg(int r) {
        return MipsRegisters.name(r);
    }

    /**
     * Decodes one instruction word (already in host order) at {@code pc}. Never throws.
     * @param w the 32-bit instruction word
     * @param pc the guest virtual address of the word, for branch targets
     * @return the decoded instruction; a word outside the guest subset decodes as a bad instruction that faults when
     *   run
     */
    public Instruction decodeWord(int w, long pc) {
        int op = w >>> 26;
        int rs = (w >>> 21) & 31;
        int rt = (w >>> 16) & 31;
        int rd = (w >>> 11) & 31;
        int sa = (w >>> 6) & 31;
        int func = w & 0x3F;
        int imm = w & 0xFFFF;
        int simm = (short) w;
        switch (op) {
            case 0x00 -> {
                if (w == 0) {
                    return new Nop(w, "nop");
                }
                switch (func) {
                    case 0x25 -> {
                        if (sa != 0) {
                            return bad(w, pc);
                        }
                        return new Or(w, rt == 0 ? "move " + reg(rd) + "," + reg(rs) : "or " + reg(rd) + "," + reg(rs) + "," + reg(rt), rd,
                                rs, rt);
                    }
                    case 0x38, 0x3c, 0x3a, 0x3e -> {
                        if (rs != 0) {
                            return bad(w, pc); // rs = 1 on dsrl / dsrl32 is drotr / drotr32 (release 2)
                        }
                        boolean left = func == 0x38 || func == 0x3c;
                        boolean plus32 = func == 0x3c || func == 0x3e;
                        String name = (left ? "dsll" : "dsrl") + (plus32 ? "32" : "");
                        return new Shift(w, name + " " + reg(rd) + "," + reg(rt) + ",0x" + Integer.toHexString(sa), left, rd, rt,
                                sa + (plus32 ? 32 : 0));
                    }
                    case 0x0c -> {
                        int code = (w >>> 6) & 0xFFFFF;
                        return new Trapping(w, code == 0 ? "syscall" : "syscall 0x" + Integer.toHexString(code), code);
                    }
                    default -> {
                        return bad(w, pc);
                    }
                }
            }
            case 0x04, 0x05 -> {
                boolean ne = op == 0x05;
                String target = "0x" + Long.toHexString(pc + 4 + ((long) simm << 2));
                String text;
                if (!ne && rs == 0 && rt == 0) {
                    text = "b " + target;
                } else if (rt == 0) {
                    text = (ne ? "bnez " : "beqz ") + reg(rs) + "," + target;
                } else {
                    text = (ne ? "bne " : "beq ") + reg(rs) + "," + reg(rt) + "," + target;
                }
                return new Branch(w, text, ne, rs, rt, simm, this);
            }
            case 0x09 -> {
                String text = rs == 0 ? "li " + reg(rt) + "," + simm : "addiu " + reg(rt) + "," + reg(rs) + "," + simm;
                return new Immediate(w, text, Immediate.ADDIU, rt, rs, simm);
            }
            case 0x19 -> {
                return new Immediate(w, "daddiu " + reg(rt) + "," + reg(rs) + "," + simm, Immediate.DADDIU, rt, rs, simm);
            }
            case 0x0d -> {
                String hex = "0x" + Integer.toHexString(imm);
                String text = rs == 0 ? "li " + reg(rt) + "," + hex : "ori " + reg(rt) + "," + reg(rs) + "," + hex;
                return new Immediate(w, text, Immediate.ORI, rt, rs, imm);
            }
            case 0x0c -> {
                return new Immediate(w, "andi " + reg(rt) + "," + reg(rs) + ",0x" + Integer.toHexString(imm), Immediate.ANDI, rt, rs, imm);
            }
            case 0x0f -> {
                if (rs != 0) {
                    return bad(w, pc);
                }
                return new Lui(w, "lui " + reg(rt) + ",0x" + Integer.toHexString(imm), rt, imm);
            }
            case 0x37, 0x23, 0x20 -> {
                int size = op == 0x37 ? 8 : op == 0x23 ? 4 : 1;
                String name = op == 0x37 ? "ld " : op == 0x23 ? "lw " : "lb ";
                return new Memory(w, name + reg(rt) + "," + simm + "(" + reg(rs) + ")", false, size, rt, rs, simm);
            }
            case 0x3f, 0x2b, 0x28 -> {
                int size = op == 0x3f ? 8 : op == 0x2b ? 4 : 1;
                String name = op == 0x3f ? "sd " : op == 0x2b ? "sw " : "sb ";
                return new Memory(w, name + reg(rt) + "," + simm + "(" + reg(rs) + ")", true, size, rt, rs, simm);
            }
            case 0x10 -> {
                return cop0(w, pc);
            }
            default -> {
                return bad(w, pc);
            }
        }
    }

    private Instruction cop0(int w, long pc) {
        if ((w & 0xFFE0_07FF) == HYPCALL) {
            // bits 24..21 and 10..6 zero: what objdump calls hypcall (others are "c0 0x...")
            int code = (w >>> 11) & 0x3FF;
            return new Trapping(w, code == 0 ? "hypcall" : "hypcall 0x" + Integer.toHexString(code), code);
        }
        if ((w & 0xFE00_003F) == 0x4200_0020) {
            int code = (w >>> 6) & 0x7FFFF;
            return new Wait(w, code == 0 ? "wait" : "wait 0x" + Integer.toHexString(code));
        }
        if ((w & 0xFFE0_FFFF) == 0x4000_7801) {
            int rt = (w >>> 16) & 31;
            return new MfEbase(w, "mfc0 " + reg(rt) + ",c0_ebase", rt);
        }
        return bad(w, pc);
    }

    // ---------------------------------------------------------------- encoding

    @Override
    public byte[] encode(Statement s, AsmContext ctx) {
        int[] words = words(s, ctx);
        byte[] out = new byte[words.length * 4];
        for (int i = 0; i < words.length; i++) {
            Bytes.put(out, i * 4, 4, words[i], bigEndian);
        }
        return out;
    }

    private static int gpr(Statement s, int i) {
        return register(s, s.operand(i));
    }

    /** A general register operand, or an error that says what n64 calls its registers. */
    private static int register(Statement s, String text) {
        int r = MipsRegisters.general(text);
        if (r < 0 && MipsRegisters.isO32Only(text)) {
            // GNU as for n64 answers "invalid operands": o32's $t4..$t7 are $12..$15, which n64 calls t0..t3.
            throw s.error("'" + text.trim() + "' is an o32 register name; the n64 ABI has no $t4..$t7 "
                    + "($8..$11 are a4..a7 or ta0..ta3, $12..$15 are t0..t3)");
        }
        if (r < 0) {
            throw s.error("'" + text.trim() + "' is not a general register ($0..$31, zero, at, v0, v1, a0..a7, ta0..ta3, t0..t3, s0..s8, "
                    + "t8, t9, k0, k1, gp, sp, fp, ra)");
        }
        return r;
    }

    private static long value(Statement s, AsmContext ctx, int i, long min, long max, String what) {
        long v = ctx.evaluate(s.operand(i), s);
        if (v < min || v > max) {
            throw s.error(what + " " + v + " is out of range " + min + ".." + max);
        }
        return v;
    }

    private static int[] one(int w) {
        return new int[] {w};
    }

    private int[] words(Statement s, AsmContext ctx) {
        String m = s.mnemonic();
        switch (m) {
            case "nop" -> {
                s.expectOperands(0);
                return one(0);
            }
            case "lui" -> {
                s.expectOperands(2);
                return one(iType(0x0f, 0, gpr(s, 0), (int) value(s, ctx, 1, 0, 0xFFFF, "immediate")));
            }
            case "ori", "andi" -> {
                s.expectOperands(3);
                return one(iType(m.equals("ori") ? 0x0d : 0x0c, gpr(s, 1), gpr(s, 0), (int) value(s, ctx, 2, 0, 0xFFFF, "immediate")));
            }
            case "addiu", "daddiu" -> {
                s.expectOperands(3);
                return one(iType(m.equals("addiu") ? 0x09 : 0x19, gpr(s, 1), gpr(s, 0), (int) value(s, ctx, 2, -0x8000, 0x7FFF, "immediate")));
            }
            case "li", "dli" -> {
                s.expectOperands(2);
                int rt = gpr(s, 0);
                long v = ctx.evaluate(s.operand(1), s);
                try {
                    return m.equals("li") ? MipsLoadImmediate.li(rt, v) : MipsLoadImmediate.dli(rt, v);
                } catch (IllegalArgumentException e) {
                    throw s.error(e.getMessage());
                }
            }
            case "dsll", "dsrl", "dsll32", "dsrl32" -> {
                s.expectOperands(3);
                boolean plus32 = m.endsWith("32");
                int amount = (int) value(s, ctx, 2, 0, plus32 ? 31 : 63, "shift amount");
                if (plus32) {
                    amount += 32;
                }
                boolean left = m.startsWith("dsll");
                // GNU as turns dsll / dsrl by 32..63 into dsll32 / dsrl32.
                int func = left ? (amount >= 32 ? 0x3c : 0x38) : (amount >= 32 ? 0x3e : 0x3a);
                return one(rType(0, gpr(s, 1), gpr(s, 0), amount & 31, func));
            }
            case "move" -> {
                s.expectOperands(2);
                return one(rType(gpr(s, 1), 0, gpr(s, 0), 0, 0x25));
            }
            case "or" -> {
                s.expectOperands(3);
                return one(rType(gpr(s, 1), gpr(s, 2), gpr(s, 0), 0, 0x25));
            }
            case "beq", "bne" -> {
                s.expectOperands(3);
                return one(iType(m.equals("beq") ? 0x04 : 0x05, gpr(s, 0), gpr(s, 1), branch(s, ctx, 2)));
            }
            case "beqz", "bnez" -> {
                s.expectOperands(2);
                return one(iType(m.equals("beqz") ? 0x04 : 0x05, gpr(s, 0), 0, branch(s, ctx, 1)));
            }
            case "b" -> {
                s.expectOperands(1);
                return one(iType(0x04, 0, 0, branch(s, ctx, 0)));
            }
            case "ld", "sd", "lw", "sw", "lb", "sb" -> {
                s.expectOperands(2);
                int op = switch (m) {
                    case "ld" -> 0x37;
                    case "sd" -> 0x3f;
                    case "lw" -> 0x23;
                    case "sw" -> 0x2b;
                    case "lb" -> 0x20;
                    default -> 0x28;
                };
                String addr = s.operand(1).trim();
                int open = addr.lastIndexOf('(');
                if (open < 0 || !addr.endsWith(")")) {
                    throw s.error("expected an address offset(base), such as 8($a0)");
                }
                String offText = addr.substring(0, open).trim();
                String baseText = addr.substring(open + 1, addr.length() - 1).trim();
                int base = register(s, baseText);
                long off = offText.isEmpty() ? 0 : ctx.evaluate(offText, s);
                if (off < -0x8000 || off > 0x7FFF) {
                    throw s.error("offset " + off + " is out of range -32768..32767");
                }
                return one(iType(op, base, gpr(s, 0), (int) off));
            }
            case "hypcall" -> {
                return one(HYPCALL | code(s, ctx, 0x3FF) << 11);
            }
            case "wait" -> {
                return one(0x4200_0020 | code(s, ctx, 0x7FFFF) << 6);
            }
            case "syscall" -> {
                return one(0x0000_000C | code(s, ctx, 0xFFFFF) << 6);
            }
            case "mfc0" -> {
                if (s.operands().size() != 2 && s.operands().size() != 3) {
                    throw s.error("expected mfc0 rt,$15,1 (EBase)");
                }
                int rt = gpr(s, 0);
                boolean ebase;
                if (s.operands().size() == 2) {
                    ebase = s.operand(1).trim().equalsIgnoreCase("c0_ebase");
                } else {
                    String rd = s.operand(1).trim();
                    ebase = (rd.equals("$15") || rd.equals("15")) && ctx.evaluate(s.operand(2), s) == 1;
                }
                if (!ebase) {
                    throw s.error("only mfc0 of EBase ($15, select 1) is in the guest subset");
                }
                return one(0x4000_7801 | rt << 16);
            }
            default -> throw s.error("'" + m + "' is not in the MIPS guest subset (lui, ori, andi, addiu, daddiu, li, dli, dsll, dsll32, dsrl, "
                    + "dsrl32, move, or, beq, bne, beqz, bnez, b, ld, sd, lw, sw, lb, sb, hypcall, wait, syscall, nop, mfc0)");
        }
    }

    private static int code(Statement s, AsmContext ctx, int max) {
        if (s.operands().isEmpty()) {
            return 0;
        }
        s.expectOperands(1);
        return (int) value(s, ctx, 0, 0, max, "code");
    }

    private static int branch(Statement s, AsmContext ctx, int i) {
        long target = ctx.evaluate(s.operand(i), s);
        long delta = target - (ctx.pc() + 4);
        if ((delta & 3) != 0) {
            throw s.error(String.format(Locale.ROOT, "branch target 0x%x is not 4-byte aligned", target));
        }
        long words = delta >> 2;
        if (words < -0x8000 || words > 0x7FFF) {
            if (!ctx.finalPass()) {
                return 0;
            }
            throw s.error(String.format(Locale.ROOT, "branch to 0x%x is out of range (at most 128 KiB either way)", target));
        }
        return (int) words;
    }
}
