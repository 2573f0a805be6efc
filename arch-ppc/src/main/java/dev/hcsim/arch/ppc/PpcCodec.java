package dev.hcsim.arch.ppc;

import dev.hcsim.arch.ppc.PpcInterpreter.AddImmediate;
import dev.hcsim.arch.ppc.PpcInterpreter.Branch;
import dev.hcsim.arch.ppc.PpcInterpreter.BranchConditional;
import dev.hcsim.arch.ppc.PpcInterpreter.BranchToRegister;
import dev.hcsim.arch.ppc.PpcInterpreter.CompareImmediate;
import dev.hcsim.arch.ppc.PpcInterpreter.Load;
import dev.hcsim.arch.ppc.PpcInterpreter.MessageSend;
import dev.hcsim.arch.ppc.PpcInterpreter.MoveFromPir;
import dev.hcsim.arch.ppc.PpcInterpreter.MoveToCtr;
import dev.hcsim.arch.ppc.PpcInterpreter.OrImmediate;
import dev.hcsim.arch.ppc.PpcInterpreter.OrRegister;
import dev.hcsim.arch.ppc.PpcInterpreter.RotateLeftClearRight;
import dev.hcsim.arch.ppc.PpcInterpreter.Store;
import dev.hcsim.arch.ppc.PpcInterpreter.SystemCall;
import dev.hcsim.arch.ppc.PpcInterpreter.TrapNever;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.asm.AsmContext;
import dev.hcsim.core.asm.Statement;
import dev.hcsim.core.spi.WordCodec;
import dev.hcsim.core.spi.Instruction;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;

/**
 * Assembler and decoder of the PowerPC guest subset, byte-exact with GNU binutils
 * ({@code powerpc64-linux-gnu-as} / {@code -objdump}, and the {@code powerpc64le} pair for
 * little-endian VMs). Every instruction is one 32-bit word in the VM's byte order.
 *
 * <p>Forms: {@code lis addis li addi ori oris nop mr or sldi rldicr clrrdi cmpdi cmpwi beq bne b bl
 * blr bctr mtctr ld std lwz stw sc "sc LEV" "mfspr rT,286" / mfpir (PIR) msgsnd "tdi 0,rA,SI"}. The decoder
 * accepts exactly the words these forms produce (reserved bits zero, Rc = 0, no AA, no branch hints)
 * and reports anything else as outside the subset; it never throws.
 */
public final class PpcCodec extends WordCodec {
    /** SPR number of PIR on BookE ({@code arch/powerpc/include/asm/reg_booke.h SPRN_PIR}). */
    public static final int SPR_PIR_BOOKE = 286;
    /** SPR number of PIR on Book3S ({@code arch/powerpc/include/asm/reg.h SPRN_PIR}); objdump calls the read {@code mfpir}. */
    public static final int SPR_PIR_BOOK3S = 1023;
    /** SPR number of CTR. */
    public static final int SPR_CTR = 9;

    private final ByteOrder order;
    private final boolean bigEndian;

    /**
     * A codec for instruction words in {@code order}.
     * @param order the VM's byte order: big-endian, or little-endian for a ppc64le guest
     */
    public PpcCodec(ByteOrder order) {
        super(order, "#");
        this.order = order;
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
    }

    // ---------------------------------------------------------------- decoding

    @Override
    protected Instruction decodeInSubset(int word, long pc) {
        return decodeWord(word, pc);
    }

    private static String r(int n) {
        return "r" + n;
    }

    private static String base(int ra) {
        return ra == 0 ? "0" : r(ra);
    }

    private static String hexAddr(long a) {
        return "0x" + Long.toHexString(a);
    }

    /**
     * Decodes one instruction word at {@code pc}; null when it is not in the subset.
     * @param w the 32-bit instruction word, already in host order
     * @param pc the guest address of the word, for branch targets
     * @return the decoded instruction, or null for a word outside the subset
     */
    public static Instruction decodeWord(int w, long pc) {
        int op = w >>> 26;
        int rt = (w >>> 21) & 31;
        int ra = (w >>> 16) & 31;
        int rb = (w >>> 11) & 31;
        long simm = (short) w;
        long uimm = w & 0xFFFF;
        switch (op) {
            case 2: // tdi: only TO = 0, which never traps
                return rt == 0 ? new TrapNever("tdi 0," + r(ra) + "," + simm) : null;
            case 11: { // cmpi: BF || 0 || L
                if ((rt & 2) != 0) {
                    return null;
                }
                int bf = rt >>> 2;
                boolean dw = (rt & 1) != 0;
                return new CompareImmediate(bf, ra, simm, dw, (dw ? "cmpdi " : "cmpwi ") + (bf == 0 ? "" : "cr" + bf + ",") + r(ra) + ","
                        + simm);
            }
            case 14:
                return new AddImmediate(rt, ra, simm, ra == 0 ? "li " + r(rt) + "," + simm : "addi " + r(rt) + "," + r(ra) + "," + simm);
            case 15:
                return new AddImmediate(rt, ra, simm << 16, ra == 0 ? "lis " + r(rt) + "," + simm
                        : "addis " + r(rt) + "," + r(ra) + "," + simm);
            case 16: { // bc: only beq/bne on the EQ bit, no hints, no AA/LK
                if ((w & 3) != 0 || (ra & 3) != 2 || (rt != 12 && rt != 4)) {
                    return null;
                }
                long target = pc + (short) (w & 0xFFFC);
                int crf = ra >>> 2;
                return new BranchConditional(target, ra, rt == 12, (rt == 12 ? "beq " : "bne ") + (crf == 0 ? "" : "cr" + crf + ",")
                        + hexAddr(target));
            }
            case 17: { // sc LEV: 010001 ///// ///// //// LEV // 1 /
                if ((w & ~(0x7F << 5)) != 0x44000002) {
                    return null;
                }
                int lev = (w >>> 5) & 0x7F;
                return new SystemCall(lev, lev == 0 ? "sc" : "sc " + lev);
            }
            case 18: {
                if ((w & 2) != 0) {
                    return null;
                }
                long target = pc + (((long) (w & 0x03FF_FFFC) << 38) >> 38);
                boolean link = (w & 1) != 0;
                return new Branch(target, link, (link ? "bl " : "b ") + hexAddr(target));
            }
            case 19:
                if (w == 0x4E80_0020) {
                    return new BranchToRegister(false, "blr");
                }
                if (w == 0x4E80_0420) {
                    return new BranchToRegister(true, "bctr");
                }
                return null;
            case 24:
                return new OrImmediate(ra, rt, uimm, w == 0x6000_0000 ? "nop" : "ori " + r(ra) + "," + r(rt) + "," + uimm);
            case 25:
                return new OrImmediate(ra, rt, uimm << 16, "oris " + r(ra) + "," + r(rt) + "," + uimm);
            case 30: { // MD-form rldicr: XO = 1, Rc = 0
                if (((w >>> 2) & 7) != 1 || (w & 1) != 0) {
                    return null;
                }
                int sh = rb | ((w & 2) << 4);
                int field = (w >>> 5) & 0x3F;
                int me = ((field & 1) << 5) | (field >>> 1);
                String text;
                if (sh == 0) {
                    text = "clrrdi " + r(ra) + "," + r(rt) + "," + (63 - me);
                } else if (me == 63 - sh) {
                    text = "sldi " + r(ra) + "," + r(rt) + "," + sh;
                } else {
                    text = "rldicr " + r(ra) + "," + r(rt) + "," + sh + "," + me;
                }
                return new RotateLeftClearRight(ra, rt, sh, me, text);
            }
            case 31:
                return decodeX(w, rt, ra, rb);
            case 32:
                return new Load(rt, ra, simm, 4, "lwz " + r(rt) + "," + simm + "(" + base(ra) + ")");
            case 36:
                return new Store(rt, ra, simm, 4, "stw " + r(rt) + "," + simm + "(" + base(ra) + ")");
            case 58:
                return (w & 3) != 0 ? null : new Load(rt, ra, (short) (w & 0xFFFC), 8, "ld " + r(rt) + "," + (short) (w & 0xFFFC) + "("
                        + base(ra) + ")");
            case 62:
                return (w & 3) != 0 ? null : new Store(rt, ra, (short) (w & 0xFFFC), 8, "std " + r(rt) + "," + (short) (w & 0xFFFC) + "("
                        + base(ra) + ")");
            default:
                return null;
        }
    }

    private static Instruction decodeX(int w, int rt, int ra, int rb) {
        int xo = (w >>> 1) & 0x3FF;
        if ((w & 1) != 0) {
            return null;
        }
        switch (xo) {
            case 444: // or RA,RS,RB (RS in the RT field)
                if (ra == rt && rt == rb && hintName(ra) != null) {
                    return new OrRegister(ra, rt, rb, hintName(ra)); // the "or N,N,N" priority and SMT hints objdump names
                }
                return new OrRegister(ra, rt, rb, rt == rb ? "mr " + r(ra) + "," + r(rt) : "or " + r(ra) + "," + r(rt) + "," + r(rb));
            case 339: { // mfspr: the SPR field is split, low half first
                int spr = ra | (rb << 5);
                if (spr == SPR_PIR_BOOKE) {
                    return new MoveFromPir(rt, spr, "mfspr " + r(rt) + "," + SPR_PIR_BOOKE);
                }
                return spr == SPR_PIR_BOOK3S ? new MoveFromPir(rt, spr, "mfpir " + r(rt)) : null;
            }
            case 467: {
                int spr = ra | (rb << 5);
                return spr == SPR_CTR ? new MoveToCtr(rt, "mtctr " + r(rt)) : null;
            }
            case 206:
                return rt == 0 && ra == 0 ? new MessageSend(rb, "msgsnd " + r(rb)) : null;
            default:
                return null;
        }
    }

    // ---------------------------------------------------------------- encoding

    @Override
    public byte[] encode(Statement s, AsmContext ctx) {
        int w = encodeWord(s, ctx);
        byte[] out = new byte[4];
        Bytes.put(out, 0, 4, w & 0xFFFF_FFFFL, bigEndian);
        return out;
    }

    /**
     * Encodes one statement into its instruction word.
     * @param s the parsed assembly statement
     * @param ctx the assembler context that resolves labels and the statement's address
     * @return the 32-bit instruction word
     * @throws dev.hcsim.core.asm.AsmException when the mnemonic or an operand is not in the subset (a one-line message)
     */
    public static int encodeWord(Statement s, AsmContext ctx) {
        List<String> o = s.operands();
        switch (s.mnemonic()) {
            case "nop":
                s.expectOperands(0);
                return 0x6000_0000;
            case "li":
                s.expectOperands(2);
                return dForm(14, reg(s, o.get(0)), 0, imm16(s, ctx, o.get(1), -0x8000, 0x7FFF));
            case "lis":
                s.expectOperands(2);
                return dForm(15, reg(s, o.get(0)), 0, imm16(s, ctx, o.get(1), -0x8000, 0xFFFF));
            case "addi":
                s.expectOperands(3);
                return dForm(14, reg(s, o.get(0)), reg(s, o.get(1)), imm16(s, ctx, o.get(2), -0x8000, 0x7FFF));
            case "addis":
                s.expectOperands(3);
                return dForm(15, reg(s, o.get(0)), reg(s, o.get(1)), imm16(s, ctx, o.get(2), -0x8000, 0xFFFF));
            case "ori":
                s.expectOperands(3);
                return dForm(24, reg(s, o.get(1)), reg(s, o.get(0)), imm16(s, ctx, o.get(2), 0, 0xFFFF));
            case "oris":
                s.expectOperands(3);
                return dForm(25, reg(s, o.get(1)), reg(s, o.get(0)), imm16(s, ctx, o.get(2), 0, 0xFFFF));
            case "yield", "mdoio", "mdoom", "miso": {
                s.expectOperands(0);
                int n = switch (s.mnemonic()) {
                    case "yield" -> 27;
                    case "mdoio" -> 29;
                    case "mdoom" -> 30;
                    default -> 26;
                };
                return xForm(n, n, n, 444);
            }
            case "mr": {
                s.expectOperands(2);
                int rs = reg(s, o.get(1));
                return xForm(reg(s, o.get(0)), rs, rs, 444);
            }
            case "or":
                s.expectOperands(3);
                return xForm(reg(s, o.get(0)), reg(s, o.get(1)), reg(s, o.get(2)), 444);
            case "sldi": {
                s.expectOperands(3);
                int n = (int) number(s, ctx, o.get(2), 0, 63);
                return rldicr(reg(s, o.get(0)), reg(s, o.get(1)), n, 63 - n);
            }
            case "clrrdi": {
                s.expectOperands(3);
                int n = (int) number(s, ctx, o.get(2), 0, 63);
                return rldicr(reg(s, o.get(0)), reg(s, o.get(1)), 0, 63 - n);
            }
            case "rldicr":
                s.expectOperands(4);
                return rldicr(reg(s, o.get(0)), reg(s, o.get(1)), (int) number(s, ctx, o.get(2), 0, 63), (int) number(s, ctx, o.get(3), 0, 63));
            case "cmpdi":
            case "cmpwi": {
                int bf = 0;
                int first = 0;
                if (o.size() == 3) {
                    bf = crField(s, ctx, o.get(0));
                    first = 1;
                } else {
                    s.expectOperands(2);
                }
                int l = s.mnemonic().equals("cmpdi") ? 1 : 0;
                return (11 << 26) | (bf << 23) | (l << 21) | (reg(s, o.get(first)) << 16) | imm16(s, ctx, o.get(first + 1), -0x8000, 0x7FFF);
            }
            case "beq":
            case "bne": {
                int crf = 0;
                String t;
                if (o.size() == 2) {
                    crf = crField(s, ctx, o.get(0));
                    t = o.get(1);
                } else {
                    s.expectOperands(1);
                    t = o.get(0);
                }
                long disp = target(s, ctx, o.isEmpty() ? "" : t) - ctx.pc();
                if ((disp & 3) != 0 || disp < -0x8000 || disp > 0x7FFC) {
                    if (ctx.finalPass()) {
                        throw s.error("branch target is " + disp + " bytes away; beq/bne reach -32768..32764 in steps of 4");
                    }
                    disp = 0;
                }
                int bo = s.mnemonic().equals("beq") ? 12 : 4;
                return (16 << 26) | (bo << 21) | ((crf * 4 + 2) << 16) | (int) (disp & 0xFFFC);
            }
            case "b":
            case "bl": {
                s.expectOperands(1);
                long disp = target(s, ctx, o.get(0)) - ctx.pc();
                if ((disp & 3) != 0 || disp < -0x200_0000 || disp > 0x1FF_FFFC) {
                    if (ctx.finalPass()) {
                        throw s.error("branch target is " + disp + " bytes away; b reaches -33554432..33554428 in steps of 4");
                    }
                    disp = 0;
                }
                return (18 << 26) | (int) (disp & 0x03FF_FFFC) | (s.mnemonic().equals("bl") ? 1 : 0);
            }
            case "blr":
                s.expectOperands(0);
                return 0x4E80_0020;
            case "bctr":
                s.expectOperands(0);
                return 0x4E80_0420;
            case "mtctr":
                s.expectOperands(1);
                return (31 << 26) | (reg(s, o.get(0)) << 21) | sprField(SPR_CTR) | (467 << 1);
            case "mfspr": {
                s.expectOperands(2);
                int spr = (int) number(s, ctx, o.get(1), 0, 1023);
                if (spr != SPR_PIR_BOOKE && spr != SPR_PIR_BOOK3S) {
                    throw s.error("the guest subset reads only PIR: SPR 286 (BookE) or 1023 (Book3S)");
                }
                return (31 << 26) | (reg(s, o.get(0)) << 21) | sprField(spr) | (339 << 1);
            }
            case "mfpir": // objdump's name for mfspr rT,1023 (GNU as itself does not take it)
                s.expectOperands(1);
                return (31 << 26) | (reg(s, o.get(0)) << 21) | sprField(SPR_PIR_BOOK3S) | (339 << 1);
            case "msgsnd":
                s.expectOperands(1);
                return (31 << 26) | (reg(s, o.get(0)) << 11) | (206 << 1);
            case "lwz":
                return memory(s, ctx, 32, false);
            case "stw":
                return memory(s, ctx, 36, false);
            case "ld":
                return memory(s, ctx, 58, true);
            case "std":
                return memory(s, ctx, 62, true);
            case "sc": {
                int lev = 0;
                if (!o.isEmpty()) {
                    s.expectOperands(1);
                    lev = (int) number(s, ctx, o.get(0), 0, 127);
                }
                return 0x4400_0002 | (lev << 5);
            }
            case "tdi": {
                s.expectOperands(3);
                int to = (int) number(s, ctx, o.get(0), 0, 31);
                if (to != 0) {
                    throw s.error("the guest subset has only tdi 0,... (TO = 0, never traps)");
                }
                return (2 << 26) | (reg(s, o.get(1)) << 16) | imm16(s, ctx, o.get(2), -0x8000, 0x7FFF);
            }
            default:
                throw s.error("'" + s.mnemonic() + "' is not in the PowerPC guest subset (lis addis li addi ori oris nop mr or sldi rldicr"
                        + " clrrdi cmpdi cmpwi beq bne b bl blr bctr mtctr ld std lwz stw sc mfspr mfpir msgsnd tdi)");
        }
    }

    private static int dForm(int op, int rt, int ra, int imm16) {
        return (op << 26) | (rt << 21) | (ra << 16) | (imm16 & 0xFFFF);
    }

    private static int xForm(int ra, int rs, int rb, int xo) {
        return (31 << 26) | (rs << 21) | (ra << 16) | (rb << 11) | (xo << 1);
    }

    private static int rldicr(int ra, int rs, int sh, int me) {
        int field = ((me & 0x1F) << 1) | (me >>> 5);
        return (30 << 26) | (rs << 21) | (ra << 16) | ((sh & 0x1F) << 11) | (field << 5) | (1 << 2) | ((sh >>> 5) << 1);
    }

    private static int sprField(int spr) {
        return (((spr & 0x1F) << 5) | (spr >>> 5)) << 11;
    }

    private static int memory(Statement s, AsmContext ctx, int op, boolean ds) {
        s.expectOperands(2);
        int rt = reg(s, s.operands().get(0));
        String m = s.operands().get(1).trim();
        int open = m.lastIndexOf('(');
        if (open < 0 || !m.endsWith(")")) {
            throw s.error("expected a memory operand D(RA), such as -4008(0) or 16(r1)");
        }
        int ra = reg(s, m.substring(open + 1, m.length() - 1));
        String d = m.substring(0, open).trim();
        int field = d.isEmpty() ? 0 : imm16(s, ctx, d, -0x8000, 0x7FFF);
        if (ds && (field & 3) != 0) {
            if (ctx.finalPass()) {
                throw s.error("ld/std displacements are multiples of 4 (DS form)");
            }
            field &= ~3;
        }
        return dForm(op, rt, ra, field);
    }

    /** A GPR: {@code 3}, {@code r3}, {@code %r3} (or an ABI alias such as {@code sp}). */
    static int reg(Statement s, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("%")) {
            t = t.substring(1);
        }
        int idx = PpcRegisters.LAYOUT.indexOf(t);
        if (idx >= 0 && idx < 32) {
            return idx;
        }
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) && t.length() <= 2) {
            int n = Integer.parseInt(t);
            if (n < 32) {
                return n;
            }
        }
        throw s.error("'" + text.trim() + "' is not a general register (0..31, r0..r31)");
    }

    private static int crField(Statement s, AsmContext ctx, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("%")) {
            t = t.substring(1);
        }
        if (t.length() == 3 && t.startsWith("cr") && t.charAt(2) >= '0' && t.charAt(2) <= '7') {
            return t.charAt(2) - '0';
        }
        return (int) number(s, ctx, t, 0, 7);
    }

    private static long number(Statement s, AsmContext ctx, String text, long min, long max) {
        long v = ctx.evaluate(text, s);
        if (v < min || v > max) {
            throw s.error("operand " + text.trim() + " is out of range " + min + ".." + max);
        }
        return v;
    }

    /** A branch target: a label, an address, or {@code .}, {@code .+N}, {@code .-N}. */
    private static long target(Statement s, AsmContext ctx, String text) {
        String t = text.trim();
        if (t.equals(".")) {
            return ctx.pc();
        }
        if (t.startsWith(".+") || t.startsWith(".-")) {
            long n = ctx.evaluate(t.substring(2).trim(), s);
            return t.charAt(1) == '+' ? ctx.pc() + n : ctx.pc() - n;
        }
        return ctx.evaluate(t, s);
    }

    /**
     * A 16-bit immediate field. {@code x@l}, {@code x@h} and {@code x@ha} take the low half, the high
     * half, and the high half adjusted for a signed low half, as GNU as does; otherwise the value must
     * lie in {@code min..max}.
     */
    private static int imm16(Statement s, AsmContext ctx, String text, long min, long max) {
        String t = text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.endsWith("@l") || lower.endsWith("@h") || lower.endsWith("@ha")) {
            int at = t.lastIndexOf('@');
            long v = ctx.evaluate(t.substring(0, at), s);
            String sfx = lower.substring(at + 1);
            long f = switch (sfx) {
                case "l" -> v;
                case "h" -> v >>> 16;
                default -> (v + 0x8000) >>> 16;
            };
            return (int) (f & 0xFFFF);
        }
        long v = ctx.evaluate(t, s);
        if (v < min || v > max) {
            if (!ctx.finalPass() && ctx.isLabel(t)) {
                return 0;
            }
            throw s.error("operand " + t + " is out of range " + min + ".." + max);
        }
        return (int) (v & 0xFFFF);
    }

    /**
     * {@code or 26,26,26} ... {@code or 30,30,30} are hints that GNU objdump 2.40 prints by name
     * ({@code miso}, {@code yield}, {@code mdoio}, {@code mdoom}); they execute as the plain {@code or}.
     */
    private static String hintName(int r) {
        return switch (r) {
            case 26 -> "miso";
            case 27 -> "yield";
            case 29 -> "mdoio";
            case 30 -> "mdoom";
            default -> null;
        };
    }
}
