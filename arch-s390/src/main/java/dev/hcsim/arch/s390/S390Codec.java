package dev.hcsim.arch.s390;

import dev.hcsim.arch.s390.S390Interpreter.Immediate.Op;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.asm.AsmContext;
import dev.hcsim.core.asm.Statement;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.SignalInstruction;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;

/**
 * Assembler and decoder of the s390x guest subset, big-endian, byte for byte as GNU {@code as} and
 * {@code objdump} (binutils opcodes/s390-opc.txt) encode and print it:
 *
 * <pre>
 * RI-a   lghi aghi cghi        A7 R1|op I2(16)
 * RI-c   brc j jne je ...      A7 M1|4  RI2(16, halfwords from the instruction)
 * RIL-a  lgfi llihf iihf iilf  C0 R1|op I2(32);  agfi  C2 R1|8 I2(32)
 * RRE    lgr cgr sgr           B904 / B920 / B909 00 R1|R2
 * RXY-a  lg stg                E3 R1|X2 B2|DL2 DH2 04 / 24   (20-bit signed displacement)
 * RX-a   l st nop              58 / 50 / 47 R1|X2 B2|D2
 * RR     nopr                  07 0|R2
 * RS-a   diag sigp             83 / AE R1|R3 B2|D2
 * S      stap stsi lpswe       B212 / B27D / B2B2 B2|D2
 * S      stck stpt             B205 / B209 B2|D2              (TOD clock, CPU timer: steal time)
 * </pre>
 */
public final class S390Codec implements Codec {
    private static final List<String> COMMENTS = List.of("#");

    @Override
    public ByteOrder byteOrder() {
        return ByteOrder.BIG_ENDIAN;
    }

    @Override
    public int minLength() {
        return 2;
    }

    @Override
    public int maxLength() {
        return 6;
    }

    @Override
    public List<String> commentPrefixes() {
        return COMMENTS;
    }

    /**
     * The length of an instruction from the two high bits of its first byte (z/Architecture: 00 = 2, 01/10 = 4, 11 = 6
     * bytes).
     * @param firstByte the first instruction byte (only bits 7..6 are read)
     * @return the instruction length in bytes: 2, 4 or 6
     */
    public static int lengthOf(int firstByte) {
        int top = (firstByte & 0xFF) >>> 6;
        return top == 0 ? 2 : top == 3 ? 6 : 4;
    }

    // ---------------------------------------------------------------- decoding

    @Override
    public Instruction decode(byte[] b, int off, int len, long pc) {
        if (b == null || len <= 0 || off < 0 || off >= b.length) {
            return Instruction.undecodable(pc, "", 0);
        }
        int avail = Math.min(len, b.length - off);
        int n = lengthOf(b[off]);
        if (avail < n) {
            return Instruction.undecodable(pc, Bytes.hex(b, off, avail), avail);
        }
        Instruction ins = decodeFull(b, off, n, pc);
        return ins != null ? ins : Instruction.undecodable(pc, Bytes.hex(b, off, n), n);
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static Instruction decodeFull(byte[] b, int o, int n, long pc) {
        int op = u8(b, o);
        int hi = n >= 2 ? u8(b, o + 1) >>> 4 : 0;
        int lo = n >= 2 ? u8(b, o + 1) & 0xF : 0;
        switch (op) {
            case 0x07 -> {
                // BCR with mask 0 is nopr; with another mask it is a real branch, outside the subset.
                if (hi != 0) {
                    return null;
                }
                return new SignalInstruction(2, lo == 0 ? "nopr" : "nopr\t" + S390Interpreter.reg(lo), Cpu.NEXT);
            }
            case 0x47, 0x58, 0x50 -> {
                int b2 = u8(b, o + 2) >>> 4;
                long d2 = ((u8(b, o + 2) & 0xF) << 8) | u8(b, o + 3);
                String addr = S390Interpreter.addressRx(d2, lo, b2);
                if (op == 0x47) {
                    return hi == 0 ? new SignalInstruction(4, "nop\t" + addr, Cpu.NEXT) : null;
                }
                boolean store = op == 0x50;
                return new S390Interpreter.Storage(store, 4, hi, lo, b2, d2, 4, (store ? "st\t" : "l\t") + S390Interpreter.reg(hi) + "," + addr);
            }
            case 0x83, 0xAE -> {
                int b2 = u8(b, o + 2) >>> 4;
                long d2 = ((u8(b, o + 2) & 0xF) << 8) | u8(b, o + 3);
                // DIAGNOSE and SIGNAL PROCESSOR are always intercepted by KVM: the engine takes the trap.
                return new SignalInstruction(4, (op == 0x83 ? "diag\t" : "sigp\t") + S390Interpreter.reg(hi) + ","
                        + S390Interpreter.reg(lo) + "," + S390Interpreter.addressRs(d2, b2), Cpu.TRAP);
            }
            case 0xA7 -> {
                long i2 = (short) ((u8(b, o + 2) << 8) | u8(b, o + 3));
                String r1 = S390Interpreter.reg(hi);
                return switch (lo) {
                    case 0x9 -> new S390Interpreter.Immediate(Op.LGHI, hi, i2, 4, "lghi\t" + r1 + "," + i2);
                    case 0xB -> new S390Interpreter.Immediate(Op.AGHI, hi, i2, 4, "aghi\t" + r1 + "," + i2);
                    case 0xF -> new S390Interpreter.Immediate(Op.CGHI, hi, i2, 4, "cghi\t" + r1 + "," + i2);
                    case 0x4 -> {
                        long target = pc + 2 * i2;
                        yield new S390Interpreter.Branch(hi, target, pc, S390Interpreter.BRANCH_MNEMONICS[hi] + "\t0x" + Long.toHexString(target));
                    }
                    default -> null;
                };
            }
            case 0xB2 -> {
                int sub = u8(b, o + 1);
                int b2 = u8(b, o + 2) >>> 4;
                long d2 = ((u8(b, o + 2) & 0xF) << 8) | u8(b, o + 3);
                String addr = S390Interpreter.addressRs(d2, b2);
                return switch (sub) {
                    case 0x12 -> new S390Interpreter.StoreCpuAddress(b2, d2, "stap\t" + addr);
                    case 0x05 -> new S390Interpreter.StoreClock(false, b2, d2, "stck\t" + addr);
                    case 0x09 -> new S390Interpreter.StoreClock(true, b2, d2, "stpt\t" + addr);
                    case 0x7D -> new SignalInstruction(4, "stsi\t" + addr, Cpu.TRAP); // always intercepted by KVM
                    case 0xB2 -> new S390Interpreter.LoadPsw(b2, d2, "lpswe\t" + addr);
                    default -> null;
                };
            }
            case 0xB9 -> {
                int sub = u8(b, o + 1);
                if (u8(b, o + 2) != 0 || (sub != 0x04 && sub != 0x20 && sub != 0x09)) {
                    return null;
                }
                int r1 = u8(b, o + 3) >>> 4;
                int r2 = u8(b, o + 3) & 0xF;
                S390Interpreter.RegReg.Op rr = sub == 0x20 ? S390Interpreter.RegReg.Op.CGR : sub == 0x09 ? S390Interpreter.RegReg.Op.SGR
                        : S390Interpreter.RegReg.Op.LGR;
                return new S390Interpreter.RegReg(rr, r1, r2, rr.name().toLowerCase(Locale.ROOT) + "\t" + S390Interpreter.reg(r1) + ","
                        + S390Interpreter.reg(r2));
            }
            case 0xC0, 0xC2 -> {
                long u32 = ((long) u8(b, o + 2) << 24) | (u8(b, o + 3) << 16) | (u8(b, o + 4) << 8) | u8(b, o + 5);
                long s32 = (int) u32;
                String r1 = S390Interpreter.reg(hi);
                if (op == 0xC2) {
                    return lo == 0x8 ? new S390Interpreter.Immediate(Op.AGFI, hi, s32, 6, "agfi\t" + r1 + "," + s32) : null;
                }
                return switch (lo) {
                    case 0x1 -> new S390Interpreter.Immediate(Op.LGFI, hi, s32, 6, "lgfi\t" + r1 + "," + s32);
                    case 0xE -> new S390Interpreter.Immediate(Op.LLIHF, hi, u32, 6, "llihf\t" + r1 + "," + u32);
                    case 0x8 -> new S390Interpreter.Immediate(Op.IIHF, hi, u32, 6, "iihf\t" + r1 + "," + u32);
                    case 0x9 -> new S390Interpreter.Immediate(Op.IILF, hi, u32, 6, "iilf\t" + r1 + "," + u32);
                    default -> null;
                };
            }
            case 0xE3 -> {
                int sub = u8(b, o + 5);
                if (sub != 0x04 && sub != 0x24) {
                    return null;
                }
                int b2 = u8(b, o + 2) >>> 4;
                int dl = ((u8(b, o + 2) & 0xF) << 8) | u8(b, o + 3);
                long d2 = ((long) (byte) u8(b, o + 4) << 12) | dl;
                boolean store = sub == 0x24;
                return new S390Interpreter.Storage(store, 8, hi, lo, b2, d2, 6, (store ? "stg\t" : "lg\t") + S390Interpreter.reg(hi) + ","
                        + S390Interpreter.addressRx(d2, lo, b2));
            }
            default -> {
                return null;
            }
        }
    }

    // ---------------------------------------------------------------- encoding

    @Override
    public byte[] encode(Statement s, AsmContext ctx) {
        String m = s.mnemonic().toLowerCase(Locale.ROOT);
        switch (m) {
            case "lghi" -> {
                return ri(s, 0x9, signed(s, ctx, s.operand(1), 16));
            }
            case "aghi" -> {
                return ri(s, 0xB, signed(s, ctx, s.operand(1), 16));
            }
            case "cghi" -> {
                return ri(s, 0xF, signed(s, ctx, s.operand(1), 16));
            }
            case "lgfi" -> {
                return ril(s, 0xC0, 0x1, signed(s, ctx, s.operand(1), 32));
            }
            case "agfi" -> {
                return ril(s, 0xC2, 0x8, signed(s, ctx, s.operand(1), 32));
            }
            case "llihf" -> {
                return ril(s, 0xC0, 0xE, unsigned32(s, ctx, s.operand(1)));
            }
            case "iihf" -> {
                return ril(s, 0xC0, 0x8, unsigned32(s, ctx, s.operand(1)));
            }
            case "iilf" -> {
                return ril(s, 0xC0, 0x9, unsigned32(s, ctx, s.operand(1)));
            }
            case "lgr", "cgr", "sgr" -> {
                s.expectOperands(2);
                int r1 = register(s, s.operand(0));
                int r2 = register(s, s.operand(1));
                int sub = m.equals("lgr") ? 0x04 : m.equals("cgr") ? 0x20 : 0x09;
                return new byte[] {(byte) 0xB9, (byte) sub, 0, (byte) ((r1 << 4) | r2)};
            }
            case "lg", "stg" -> {
                s.expectOperands(2);
                int r1 = register(s, s.operand(0));
                Address a = address(s, ctx, s.operand(1), true, 20);
                int d = (int) a.d;
                return new byte[] {(byte) 0xE3, (byte) ((r1 << 4) | a.x), (byte) ((a.b << 4) | ((d >> 8) & 0xF)), (byte) d,
                    (byte) (d >> 12), (byte) (m.equals("lg") ? 0x04 : 0x24)};
            }
            case "l", "st" -> {
                s.expectOperands(2);
                return rx(m.equals("l") ? 0x58 : 0x50, register(s, s.operand(0)), address(s, ctx, s.operand(1), true, 12));
            }
            case "nop" -> {
                if (s.operands().isEmpty()) {
                    return new byte[] {0x47, 0, 0, 0};
                }
                s.expectOperands(1);
                return rx(0x47, 0, address(s, ctx, s.operand(0), true, 12));
            }
            case "nopr" -> {
                if (s.operands().isEmpty()) {
                    return new byte[] {0x07, 0};
                }
                s.expectOperands(1);
                return new byte[] {0x07, (byte) register(s, s.operand(0))};
            }
            case "diag", "sigp" -> {
                s.expectOperands(3);
                int r1 = register(s, s.operand(0));
                int r3 = register(s, s.operand(1));
                Address a = address(s, ctx, s.operand(2), false, 12);
                return new byte[] {(byte) (m.equals("diag") ? 0x83 : 0xAE), (byte) ((r1 << 4) | r3), (byte) ((a.b << 4) | ((int) a.d >> 8)),
                    (byte) a.d};
            }
            case "stap", "stsi", "lpswe", "stck", "stpt" -> {
                s.expectOperands(1);
                Address a = address(s, ctx, s.operand(0), false, 12);
                int sub = switch (m) {
                    case "stap" -> 0x12;
                    case "stsi" -> 0x7D;
                    case "stck" -> 0x05;
                    case "stpt" -> 0x09;
                    default -> 0xB2;
                };
                return new byte[] {(byte) 0xB2, (byte) sub, (byte) ((a.b << 4) | ((int) a.d >> 8)), (byte) a.d};
            }
            case "brc" -> {
                s.expectOperands(2);
                long mask = ctx.evaluate(s.operand(0), s);
                if (mask < 0 || mask > 15) {
                    throw s.error("branch mask must be 0..15, got " + mask);
                }
                return branch(s, ctx, (int) mask, s.operand(1));
            }
            default -> {
                int mask = branchMask(m);
                if (mask >= 0) {
                    s.expectOperands(1);
                    return branch(s, ctx, mask, s.operand(0));
                }
                throw s.error("unknown s390 instruction '" + s.mnemonic() + "'; the guest subset has lghi lgfi llihf iihf iilf lgr sgr aghi agfi "
                        + "cgr cghi brc j je jne (and the other jCC) lg stg l st diag sigp stap stsi stck stpt lpswe nop nopr");
            }
        }
    }

    /** The mask of an extended branch mnemonic (binutils opcodes/s390-opc.txt), or -1. */
    static int branchMask(String m) {
        for (int i = 0; i < S390Interpreter.BRANCH_MNEMONICS.length; i++) {
            if (S390Interpreter.BRANCH_MNEMONICS[i].equals(m)) {
                return i;
            }
        }
        return switch (m) {
            case "jz" -> 8;
            case "jnz" -> 7;
            case "jp" -> 2;
            case "jnp" -> 13;
            case "jm" -> 4;
            case "jnm" -> 11;
            default -> -1;
        };
    }

    private static byte[] ri(Statement s, int op2, long imm) {
        s.expectOperands(2);
        int r1 = register(s, s.operand(0));
        return new byte[] {(byte) 0xA7, (byte) ((r1 << 4) | op2), (byte) (imm >> 8), (byte) imm};
    }

    private static byte[] ril(Statement s, int op1, int op2, long imm) {
        s.expectOperands(2);
        int r1 = register(s, s.operand(0));
        return new byte[] {(byte) op1, (byte) ((r1 << 4) | op2), (byte) (imm >> 24), (byte) (imm >> 16), (byte) (imm >> 8), (byte) imm};
    }

    private static byte[] rx(int op, int r1, Address a) {
        return new byte[] {(byte) op, (byte) ((r1 << 4) | a.x), (byte) ((a.b << 4) | ((int) a.d >> 8)), (byte) a.d};
    }

    private static byte[] branch(Statement s, AsmContext ctx, int mask, String targetText) {
        long target = target(s, ctx, targetText);
        long delta = target - ctx.pc();
        if ((delta & 1) != 0) {
            throw s.error("branch target 0x" + Long.toHexString(target) + " is not halfword aligned");
        }
        long halfwords = delta >> 1;
        if (halfwords < Short.MIN_VALUE || halfwords > Short.MAX_VALUE) {
            throw s.error("branch target 0x" + Long.toHexString(target) + " is out of range of a relative branch (+-64 KiB)");
        }
        return new byte[] {(byte) 0xA7, (byte) ((mask << 4) | 0x4), (byte) (halfwords >> 8), (byte) halfwords};
    }

    /** A branch target: a label expression, an address, or {@code .}, {@code .+n}, {@code .-n}. */
    private static long target(Statement s, AsmContext ctx, String text) {
        String t = text.trim();
        if (t.startsWith(".") && !ctx.isLabel(t)) {
            String rest = t.substring(1).trim();
            if (rest.isEmpty()) {
                return ctx.pc();
            }
            if (rest.startsWith("+") || rest.startsWith("-")) {
                long n = ctx.evaluate(rest.substring(1).trim(), s);
                return rest.startsWith("+") ? ctx.pc() + n : ctx.pc() - n;
            }
        }
        return ctx.evaluate(t, s);
    }

    /** A register operand: {@code %rN} or a bare number 0..15, as GNU as accepts both. */
    static int register(Statement s, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String digits = t.startsWith("%r") ? t.substring(2) : t;
        if (!digits.isEmpty() && digits.length() <= 2 && digits.chars().allMatch(Character::isDigit)) {
            int r = Integer.parseInt(digits);
            if (r <= 15) {
                return r;
            }
        }
        throw s.error("'" + text.trim() + "' is not a general register (%r0..%r15)");
    }

    private static long signed(Statement s, AsmContext ctx, String text, int bits) {
        long v = ctx.evaluate(text, s);
        long min = -(1L << (bits - 1));
        long max = (1L << (bits - 1)) - 1;
        if (v < min || v > max) {
            throw s.error("operand out of range (" + v + " is not between " + min + " and " + max + ")");
        }
        return v;
    }

    private static long unsigned32(Statement s, AsmContext ctx, String text) {
        long v = ctx.evaluate(text, s);
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw s.error("operand out of range (" + v + " is not between 0 and 4294967295)");
        }
        return v;
    }

    /** A storage operand D2(X2,B2) / D2(B2) / D2(,B2) / D2. */
    private record Address(long d, int x, int b) {
    }

    private static Address address(Statement s, AsmContext ctx, String text, boolean indexed, int bits) {
        String t = text.trim();
        int x = 0;
        int b = 0;
        String disp = t;
        if (t.endsWith(")")) {
            int open = t.lastIndexOf('(');
            if (open < 0) {
                throw s.error("'" + t + "' is not a storage operand D(B) or D(X,B)");
            }
            disp = t.substring(0, open).trim();
            String inner = t.substring(open + 1, t.length() - 1);
            int comma = inner.indexOf(',');
            if (comma >= 0) {
                if (!indexed) {
                    throw s.error("'" + t + "' has an index register, which this instruction does not take");
                }
                String xs = inner.substring(0, comma).trim();
                x = xs.isEmpty() ? 0 : register(s, xs);
                b = register(s, inner.substring(comma + 1));
            } else {
                b = register(s, inner);
            }
            if (disp.isEmpty()) {
                disp = "0";
            }
        }
        long d = ctx.evaluate(disp, s);
        if (bits == 12 && (d < 0 || d > 0xFFF)) {
            throw s.error("operand out of range (0x" + Long.toHexString(d) + " is not between 0x0 and 0xfff)");
        }
        if (bits == 20 && (d < -(1 << 19) || d >= (1 << 19))) {
            throw s.error("operand out of range (" + d + " is not between -524288 and 524287)");
        }
        return new Address(d, x, b);
    }
}
