package dev.hcsim.arch.mips;

import java.util.Arrays;
import java.util.Locale;

/**
 * The {@code li} and {@code dli} macros, expanded instruction for instruction as GNU as expands them
 * (gas/config/tc-mips.c {@code load_register}): the shortest of addiu / ori / lui+ori for 16- and
 * 32-bit values, a shifted 16-bit constant, an all-ones value shifted into place, or the 32-bit high
 * half loaded recursively and completed with dsll / ori.
 */
final class MipsLoadImmediate {
    private int[] words = new int[8];
    private int n;

    private MipsLoadImmediate() {
    }

    /** {@code li rt, value}: a 32-bit value (a zero-extended 32-bit value is taken as its sign extension). */
    static int[] li(int rt, long value) {
        long v = value;
        if (v >= 0 && v <= 0xFFFF_FFFFL) {
            v = (v << 32) >> 32; // normalize_constant_expr: the sign extension of the low 32 bits
        }
        if (v != (long) (int) v) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "number (0x%x) larger than 32 bits", value));
        }
        MipsLoadImmediate m = new MipsLoadImmediate();
        m.load(rt, v, false);
        return m.result();
    }

    /** {@code dli rt, value}: any 64-bit value. */
    static int[] dli(int rt, long value) {
        MipsLoadImmediate m = new MipsLoadImmediate();
        m.load(rt, value, true);
        return m.result();
    }

    private int[] result() {
        return Arrays.copyOf(words, n);
    }

    private void emit(int w) {
        words[n++] = w;
    }

    private void addiu(int rt, int rs, long imm) {
        emit(MipsCodec.iType(0x09, rs, rt, (int) imm));
    }

    private void ori(int rt, int rs, long imm) {
        emit(MipsCodec.iType(0x0d, rs, rt, (int) imm));
    }

    private void lui(int rt, long imm) {
        emit(MipsCodec.iType(0x0f, 0, rt, (int) imm));
    }

    private void shift(boolean left, int rd, int rt, int amount) {
        int func = left ? (amount >= 32 ? 0x3c : 0x38) : (amount >= 32 ? 0x3e : 0x3a);
        emit(MipsCodec.rType(0, rt, rd, amount & 31, func));
    }

    private void load(int reg, long v, boolean dbl) {
        if (v >= -0x8000 && v < 0x8000) {
            addiu(reg, 0, v);
            return;
        }
        if (v >= 0 && v < 0x10000) {
            ori(reg, 0, v);
            return;
        }
        if (v == (long) (int) v) {
            lui(reg, (v >> 16) & 0xFFFF);
            if ((v & 0xFFFF) != 0) {
                ori(reg, reg, v & 0xFFFF);
            }
            return;
        }
        if (!dbl) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "number (0x%x) larger than 32 bits", v));
        }
        long hi32 = (v >>> 32) & 0xFFFF_FFFFL;
        long lo32 = v & 0xFFFF_FFFFL;
        int freg;
        if (hi32 == 0) {
            freg = 0;
        } else {
            // A 16-bit constant shifted left: ori + dsll / dsll32.
            for (int shift = 17; shift <= 48; shift++) {
                long himask;
                long lomask;
                if (shift < 32) {
                    himask = 0xFFFFL >>> (32 - shift);
                    lomask = (0xFFFFL << shift) & 0xFFFF_FFFFL;
                } else {
                    himask = 0xFFFFL << (shift - 32);
                    lomask = 0;
                }
                if ((hi32 & ~himask) == 0 && (lo32 & ~lomask) == 0) {
                    long tmp = shift < 32 ? ((hi32 << (32 - shift)) | (lo32 >>> shift)) : hi32 >>> (shift - 32);
                    ori(reg, 0, tmp & 0xFFFF);
                    shift(true, reg, reg, shift);
                    return;
                }
            }
            // The lowest one bit, and the value shifted down to it.
            long hi = hi32;
            long lo = lo32;
            int bit;
            if (lo != 0) {
                bit = 0;
                while ((lo & 1) == 0) {
                    lo >>>= 1;
                    bit++;
                }
                if (bit != 0) {
                    lo |= (hi & ((2L << (bit - 1)) - 1)) << (32 - bit);
                    lo &= 0xFFFF_FFFFL;
                    hi >>>= bit;
                }
            } else {
                bit = 32;
                while ((hi & 1) == 0) {
                    hi >>>= 1;
                    bit++;
                }
                lo = hi;
                hi = 0;
            }
            // A run of ones: li -1, then shift it into place.
            if ((hi == 0 && ((lo + 1) & lo) == 0) || (lo == 0xFFFF_FFFFL && ((hi + 1) & hi) == 0)) {
                int top = Integer.numberOfLeadingZeros((int) hi32);
                if (top != 0) {
                    addiu(reg, 0, -1);
                    if (bit != 0) {
                        bit += top;
                        shift(true, reg, reg, bit);
                    }
                    shift(false, reg, reg, top);
                    return;
                }
            }
            load(reg, (long) (int) hi32, false);
            freg = reg;
        }
        if ((lo32 & 0xFFFF_0000L) == 0) {
            if (freg != 0) {
                shift(true, reg, freg, 32);
                freg = reg;
            }
        } else {
            if (freg == 0 && lo32 == 0xFFFF_FFFFL) {
                lui(reg, 0xFFFF);
                shift(false, reg, reg, 32);
                return;
            }
            if (freg != 0) {
                shift(true, reg, freg, 16);
                freg = reg;
            }
            ori(reg, freg, (lo32 >>> 16) & 0xFFFF);
            shift(true, reg, reg, 16);
            freg = reg;
        }
        if ((lo32 & 0xFFFF) != 0) {
            ori(reg, freg, lo32 & 0xFFFF);
        }
    }
}
