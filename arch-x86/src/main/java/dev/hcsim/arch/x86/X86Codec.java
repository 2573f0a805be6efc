package dev.hcsim.arch.x86;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.asm.AsmContext;
import dev.hcsim.core.asm.Statement;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.Instruction;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Assembler and decoder of the x86-64 guest subset in AT&amp;T syntax, byte for byte as GNU {@code as}
 * and {@code objdump} (binutils 2.40) handle it: {@code mov} (immediate, register, load, store),
 * {@code movabs}, {@code movzbl/movzwl}, {@code add/sub/and/or/xor/cmp} (immediate and register),
 * {@code jcc/jmp} (short, relaxed to near as {@code as} does), {@code vmcall}, {@code vmmcall},
 * {@code cpuid}, {@code hlt}, {@code pause}, {@code nop}, {@code wrmsr}, {@code rdmsr}, {@code rdtsc}.
 * Memory operands are {@code disp(%base)}.
 *
 * <p>One deviation from objdump's text: branch targets print as {@code 0x1017} (objdump prints
 * {@code 1017 <sym>}) so that disassembly re-assembles to the same bytes.
 */
public final class X86Codec implements Codec {
    /** The only instance: x86 is little-endian. */
    public static final X86Codec INSTANCE = new X86Codec();

    static final String[] CC = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};
    private static final Map<String, Integer> CC_ALIASES = Map.ofEntries(Map.entry("c", 2), Map.entry("nae", 2), Map.entry("nb", 3),
            Map.entry("nc", 3), Map.entry("z", 4), Map.entry("nz", 5), Map.entry("na", 6), Map.entry("nbe", 7), Map.entry("pe", 10),
            Map.entry("po", 11), Map.entry("nge", 12), Map.entry("nl", 13), Map.entry("ng", 14), Map.entry("nle", 15));
    /** ALU operations in group-1 order (the /digit of 0x81/0x83); adc, sbb not in the subset. */
    static final String[] ALU = {"add", "or", null, null, "and", "sub", "xor", "cmp"};

    private X86Codec() {
    }

    @Override
    public ByteOrder byteOrder() {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public int minLength() {
        return 1;
    }

    @Override
    public int maxLength() {
        return 15;
    }

    @Override
    public List<String> commentPrefixes() {
        return List.of("#");
    }

    // ================================================================ decoder

    @Override
    public Instruction decode(byte[] b, int off, int len, long pc) {
        try {
            Instruction i = X86Decoder.decode(b, off, len, pc);
            if (i != null) {
                return i;
            }
        } catch (RuntimeException e) {
            // fall through: the decoder is total, a bug in it must not escape either
        }
        int n = Math.max(1, Math.min(len, 1));
        return Instruction.undecodable(pc, Bytes.hex(b, off, Math.min(len, 4)), n);
    }

    // ================================================================ encoder

    /** An operand as written: immediate, register, memory, or a bare expression (a branch target). */
    private sealed interface Operand permits Imm, Reg, Mem, Expr {
    }

    private record Imm(String expr) implements Operand {
    }

    private record Reg(int index, int width, boolean needsRex) implements Operand {
    }

    private record Mem(int base, String disp) implements Operand {
    }

    private record Expr(String expr) implements Operand {
    }

    private static Operand operand(String text, Statement st) {
        String t = text.trim();
        if (t.startsWith("$")) {
            return new Imm(t.substring(1));
        }
        if (t.startsWith("%")) {
            Reg r = reg(t.substring(1));
            if (r == null) {
                throw st.error("unknown register " + t);
            }
            return r;
        }
        int open = t.indexOf('(');
        if (open >= 0) {
            if (!t.endsWith(")")) {
                throw st.error("malformed memory operand " + t);
            }
            String inner = t.substring(open + 1, t.length() - 1).trim();
            if (inner.contains(",")) {
                throw st.error("index registers are not in the subset: use disp(%base)");
            }
            if (!inner.startsWith("%")) {
                throw st.error("memory operand needs a base register: " + t);
            }
            Reg base = reg(inner.substring(1));
            if (base == null || base.width() != 64) {
                throw st.error("the base of " + t + " must be a 64-bit register");
            }
            String disp = t.substring(0, open).trim();
            return new Mem(base.index(), disp.isEmpty() ? "0" : disp);
        }
        return new Expr(t);
    }

    static Reg reg(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < 16; i++) {
            if (X86Registers.NAMES64[i].equals(n)) {
                return new Reg(i, 64, false);
            }
            if (X86Registers.NAMES32[i].equals(n)) {
                return new Reg(i, 32, false);
            }
            if (X86Registers.NAMES16[i].equals(n)) {
                return new Reg(i, 16, false);
            }
            if (X86Registers.NAMES8[i].equals(n)) {
                return new Reg(i, 8, i >= 4 && i < 8);
            }
        }
        return null;
    }

    @Override
    public byte[] encode(Statement st, AsmContext ctx) {
        String m = st.mnemonic();
        switch (m) {
            case "vmcall":
                return simple(st, 0x0F, 0x01, 0xC1);
            case "vmmcall":
                return simple(st, 0x0F, 0x01, 0xD9);
            case "cpuid":
                return simple(st, 0x0F, 0xA2);
            case "hlt":
                return simple(st, 0xF4);
            case "pause":
                return simple(st, 0xF3, 0x90);
            case "nop":
                return simple(st, 0x90);
            case "wrmsr":
                return simple(st, 0x0F, 0x30);
            case "rdtsc":
                return simple(st, 0x0F, 0x31);
            case "rdmsr":
                return simple(st, 0x0F, 0x32);
            case "jmp":
                return branch(st, ctx, -1);
            case "ret":
                return simple(st, 0xC3);
            case "call":
                return callIndirect(st);
            default:
                break;
        }
        if (m.startsWith("j")) {
            String c = m.substring(1);
            for (int i = 0; i < 16; i++) {
                if (CC[i].equals(c)) {
                    return branch(st, ctx, i);
                }
            }
            Integer alias = CC_ALIASES.get(c);
            if (alias != null) {
                return branch(st, ctx, alias);
            }
        }
        if (m.equals("movzbl") || m.equals("movzwl")) {
            st.expectOperands(2);
            Operand src = operand(st.operand(0), st);
            Operand dst = operand(st.operand(1), st);
            if (!(src instanceof Mem mem) || !(dst instanceof Reg r) || r.width() != 32) {
                throw st.error("expected " + m + " disp(%base), %r32");
            }
            return memOp(ctx, st, 32, false, new int[] {0x0F, m.equals("movzbl") ? 0xB6 : 0xB7}, r.index(), mem, 0, 0);
        }
        if (m.equals("movabs")) {
            st.expectOperands(2);
            Operand src = operand(st.operand(0), st);
            Operand dst = operand(st.operand(1), st);
            if (!(src instanceof Imm imm) || !(dst instanceof Reg r) || r.width() != 64) {
                throw st.error("expected movabs $imm64, %r64");
            }
            return movabs(r.index(), ctx.evaluate(imm.expr(), st));
        }
        String base = m;
        int suffixWidth = 0;
        if (!isBase(m) && m.length() > 1 && isBase(m.substring(0, m.length() - 1))) {
            base = m.substring(0, m.length() - 1);
            suffixWidth = switch (m.charAt(m.length() - 1)) {
                case 'q' -> 64;
                case 'l' -> 32;
                case 'w' -> 16;
                case 'b' -> 8;
                default -> throw st.error("unknown suffix in " + m);
            };
        }
        if (base.equals("mov")) {
            return mov(st, ctx, suffixWidth);
        }
        for (int i = 0; i < 8; i++) {
            if (base.equals(ALU[i])) {
                return alu(st, ctx, i, suffixWidth);
            }
        }
        throw st.error("'" + m + "' is not in the x86 guest subset (mov, movabs, movzbl, movzwl, add, sub, and, or, xor, cmp, jcc, jmp, "
                + "vmcall, vmmcall, cpuid, hlt, pause, nop, wrmsr, rdmsr, rdtsc, call *%r64, ret)");
    }

    /** call *%r64: FF /2 with mod 3 (REX.B = 41 for r8..r15), as GNU as encodes it. */
    private static byte[] callIndirect(Statement st) {
        st.expectOperands(1);
        String o = st.operand(0).trim();
        Reg r = o.startsWith("*%") ? reg(o.substring(2)) : null;
        if (r == null || r.width() != 64) {
            throw st.error("the subset's call is indirect through a 64-bit register: call *%r64");
        }
        int modrm = 0xD0 | (r.index() & 7);
        return r.index() >= 8 ? new byte[] {0x41, (byte) 0xFF, (byte) modrm} : new byte[] {(byte) 0xFF, (byte) modrm};
    }

    private static boolean isBase(String m) {
        if (m.equals("mov")) {
            return true;
        }
        for (String a : ALU) {
            if (m.equals(a)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] simple(Statement st, int... bytes) {
        st.expectOperands(0);
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = (byte) bytes[i];
        }
        return out;
    }

    private static byte[] branch(Statement st, AsmContext ctx, int cc) {
        st.expectOperands(1);
        Operand o = operand(st.operand(0), st);
        if (!(o instanceof Expr e)) {
            throw st.error("expected a label or address");
        }
        long target = ctx.evaluate(e.expr(), st);
        long shortRel = target - (ctx.pc() + 2);
        if (shortRel >= -128 && shortRel <= 127) {
            return new byte[] {(byte) (cc < 0 ? 0xEB : 0x70 + cc), (byte) shortRel};
        }
        int len = cc < 0 ? 5 : 6;
        long rel = target - (ctx.pc() + len);
        if (rel < Integer.MIN_VALUE || rel > Integer.MAX_VALUE) {
            throw st.error("branch target out of range");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (cc < 0) {
            out.write(0xE9);
        } else {
            out.write(0x0F);
            out.write(0x80 + cc);
        }
        le(out, rel, 4);
        return out.toByteArray();
    }

    private static byte[] movabs(int reg, long imm) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x48 | (reg >= 8 ? 1 : 0));
        out.write(0xB8 + (reg & 7));
        le(out, imm, 8);
        return out.toByteArray();
    }

    private static int width(Statement st, int suffix, Reg... regs) {
        int w = suffix;
        for (Reg r : regs) {
            if (r == null) {
                continue;
            }
            if (w != 0 && w != r.width()) {
                throw st.error("operand size mismatch");
            }
            w = r.width();
        }
        if (w == 0) {
            throw st.error("operand size is ambiguous: add a suffix (q, l, w, b)");
        }
        return w;
    }

    private static byte[] mov(Statement st, AsmContext ctx, int suffix) {
        st.expectOperands(2);
        Operand src = operand(st.operand(0), st);
        Operand dst = operand(st.operand(1), st);
        if (src instanceof Imm imm && dst instanceof Reg r) {
            int w = width(st, suffix, r);
            long v = ctx.evaluate(imm.expr(), st);
            if (w == 64) {
                if (v == (int) v) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.write(0x48 | (r.index() >= 8 ? 1 : 0));
                    out.write(0xC7);
                    out.write(0xC0 | (r.index() & 7));
                    le(out, v, 4);
                    return out.toByteArray();
                }
                return movabs(r.index(), v);
            }
            if (w == 32) {
                checkImm(st, v, 32);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                if (r.index() >= 8) {
                    out.write(0x41);
                }
                out.write(0xB8 + (r.index() & 7));
                le(out, v, 4);
                return out.toByteArray();
            }
            throw st.error("mov of an immediate to a " + w + "-bit register is not in the subset");
        }
        if (src instanceof Reg s && dst instanceof Reg d) {
            int w = width(st, suffix, s, d);
            if (w < 32) {
                throw st.error("8/16-bit register moves are not in the subset");
            }
            return regReg(0x89, w, s.index(), d.index(), false);
        }
        if (src instanceof Mem mem && dst instanceof Reg r) {
            int w = width(st, suffix, r);
            if (w == 8) {
                return memOp(ctx, st, 8, r.needsRex(), new int[] {0x8A}, r.index(), mem, 0, 0);
            }
            return memOp(ctx, st, w, false, new int[] {0x8B}, r.index(), mem, 0, 0);
        }
        if (src instanceof Reg r && dst instanceof Mem mem) {
            int w = width(st, suffix, r);
            return memOp(ctx, st, w, r.needsRex(), new int[] {w == 8 ? 0x88 : 0x89}, r.index(), mem, 0, 0);
        }
        if (src instanceof Imm imm && dst instanceof Mem mem) {
            if (suffix == 0) {
                throw st.error("operand size is ambiguous: write movq, movl, movw or movb");
            }
            long v = ctx.evaluate(imm.expr(), st);
            int immSize = suffix == 8 ? 1 : suffix == 16 ? 2 : 4;
            if (suffix == 64 && v != (int) v) {
                throw st.error("immediate " + v + " does not fit in a sign-extended 32-bit field");
            }
            if (suffix != 64) {
                checkImm(st, v, suffix);
            }
            return memOp(ctx, st, suffix, false, new int[] {suffix == 8 ? 0xC6 : 0xC7}, 0, mem, immSize, v);
        }
        throw st.error("this form of mov is not in the subset");
    }

    private static void checkImm(Statement st, long v, int bits) {
        long min = -(1L << (bits - 1));
        long max = (1L << bits) - 1;
        if (v < min || v > max) {
            throw st.error("immediate 0x" + Long.toHexString(v) + " does not fit in " + bits + " bits");
        }
    }

    private static byte[] alu(Statement st, AsmContext ctx, int op, int suffix) {
        st.expectOperands(2);
        Operand src = operand(st.operand(0), st);
        Operand dst = operand(st.operand(1), st);
        if (src instanceof Reg s && dst instanceof Reg d) {
            int w = width(st, suffix, s, d);
            if (w < 32) {
                throw st.error("8/16-bit arithmetic is not in the subset");
            }
            return regReg(op * 8 + 1, w, s.index(), d.index(), false);
        }
        if (src instanceof Imm imm && dst instanceof Reg d) {
            int w = width(st, suffix, d);
            if (w < 32) {
                throw st.error("8/16-bit arithmetic is not in the subset");
            }
            long v = ctx.evaluate(imm.expr(), st);
            if (w == 64 && v != (int) v) {
                throw st.error("immediate 0x" + Long.toHexString(v) + " does not fit in a sign-extended 32-bit field");
            }
            if (w == 32) {
                checkImm(st, v, 32);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rex = (w == 64 ? 0x48 : 0x40) | (d.index() >= 8 ? 1 : 0);
            if (rex != 0x40) {
                out.write(rex);
            }
            if (v == (byte) v) {
                out.write(0x83);
                out.write(0xC0 | (op << 3) | (d.index() & 7));
                out.write((int) v);
            } else if (d.index() == 0) {
                out.write(op * 8 + 5);
                le(out, v, 4);
            } else {
                out.write(0x81);
                out.write(0xC0 | (op << 3) | (d.index() & 7));
                le(out, v, 4);
            }
            return out.toByteArray();
        }
        throw st.error("expected " + ALU[op] + " $imm, %reg or " + ALU[op] + " %reg, %reg");
    }

    private static byte[] regReg(int opcode, int w, int reg, int rm, boolean forceRex) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rex = (w == 64 ? 0x48 : 0x40) | (reg >= 8 ? 4 : 0) | (rm >= 8 ? 1 : 0);
        if (rex != 0x40 || forceRex) {
            out.write(rex);
        }
        out.write(opcode);
        out.write(0xC0 | ((reg & 7) << 3) | (rm & 7));
        return out.toByteArray();
    }

    private static byte[] memOp(AsmContext ctx, Statement st, int w, boolean forceRex, int[] opcode, int reg, Mem mem, int immSize, long imm) {
        long disp = ctx.evaluate(mem.disp(), st);
        if (disp != (int) disp) {
            throw st.error("displacement does not fit in 32 bits");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (w == 16) {
            out.write(0x66);
        }
        int rex = (w == 64 ? 0x48 : 0x40) | (reg >= 8 ? 4 : 0) | (mem.base() >= 8 ? 1 : 0);
        if (rex != 0x40 || forceRex) {
            out.write(rex);
        }
        for (int o : opcode) {
            out.write(o);
        }
        int base = mem.base() & 7;
        int mod;
        if (disp == 0 && base != 5) {
            mod = 0;
        } else if (disp == (byte) disp) {
            mod = 1;
        } else {
            mod = 2;
        }
        out.write((mod << 6) | ((reg & 7) << 3) | base);
        if (base == 4) {
            out.write(0x24);
        }
        if (mod == 1) {
            out.write((int) disp);
        } else if (mod == 2) {
            le(out, disp, 4);
        }
        if (immSize > 0) {
            le(out, imm, immSize);
        }
        return out.toByteArray();
    }

    private static void le(ByteArrayOutputStream out, long v, int n) {
        for (int i = 0; i < n; i++) {
            out.write((int) (v >>> (8 * i)) & 0xFF);
        }
    }
}
