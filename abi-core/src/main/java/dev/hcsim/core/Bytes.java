package dev.hcsim.core;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.google.common.base.CharMatcher;
import org.apiguardian.api.API;

/** Byte-order helpers shared by every architecture's codec and memory structures. */
@API(status = INTERNAL, since = "1.0")
public final class Bytes {
    /** What {@link #parseHex} skips: the regular expression {@code [\s,:]} (Java's {@code \s} is these six). */
    private static final CharMatcher SEPARATORS = CharMatcher.anyOf(" \t\n\u000B\f\r,:");

    private Bytes() {
    }

    /**
     * Reads {@code size} bytes at {@code off} as an unsigned value in the given byte order.
     * @param b the buffer
     * @param off the offset of the first byte
     * @param size how many bytes, 1 to 8
     * @param bigEndian true for big-endian, false for little-endian
     * @return the value, zero-extended to 64 bits
     */
    public static long get(byte[] b, int off, int size, boolean bigEndian) {
        long v = 0;
        if (bigEndian) {
            for (int i = 0; i < size; i++) {
                v = (v << 8) | (b[off + i] & 0xFF);
            }
        } else {
            for (int i = size - 1; i >= 0; i--) {
                v = (v << 8) | (b[off + i] & 0xFF);
            }
        }
        return v;
    }

    /**
     * Writes the low {@code size} bytes of {@code v} at {@code off} in the given byte order.
     * @param b the buffer
     * @param off the offset of the first byte
     * @param size how many bytes, 1 to 8
     * @param v the value; bits above {@code size} bytes are dropped
     * @param bigEndian true for big-endian, false for little-endian
     */
    public static void put(byte[] b, int off, int size, long v, boolean bigEndian) {
        if (bigEndian) {
            for (int i = size - 1; i >= 0; i--) {
                b[off + i] = (byte) v;
                v >>>= 8;
            }
        } else {
            for (int i = 0; i < size; i++) {
                b[off + i] = (byte) v;
                v >>>= 8;
            }
        }
    }

    /**
     * Lower-case hex of {@code b[off..off+len)} without separators.
     * @param b the buffer
     * @param off the offset of the first byte
     * @param len how many bytes
     * @return two hex digits per byte
     */
    public static String hex(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder(len * 2);
        for (int i = 0; i < len; i++) {
            sb.append(Character.forDigit((b[off + i] >> 4) & 0xF, 16)).append(Character.forDigit(b[off + i] & 0xF, 16));
        }
        return sb.toString();
    }

    /**
     * Lower-case hex of all of {@code b} without separators.
     * @param b the bytes
     * @return two hex digits per byte
     */
    public static String hex(byte[] b) {
        return hex(b, 0, b.length);
    }

    /**
     * Parses hex digits, ignoring spaces, commas and {@code 0x} prefixes; throws on anything else.
     * @param s the text, such as {@code "0f 01 c1"} or {@code "0x0f01c1"}
     * @return the bytes, in the order written
     * @throws IllegalArgumentException with a one-line message for a non-hex character or an odd digit count
     */
    public static byte[] parseHex(String s) {
        String t = SEPARATORS.removeFrom(s.replace("0x", "").replace("0X", ""));
        if (t.length() % 2 != 0) {
            throw new IllegalArgumentException("hex byte string '" + s + "' has an odd number of digits");
        }
        byte[] out = new byte[t.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(t.charAt(2 * i), 16);
            int lo = Character.digit(t.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("'" + s + "' is not a hex byte string");
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    /**
     * Parses a number as the CLI and scenarios accept it: decimal, negative decimal, 0x-hex (unsigned 64-bit),
     * 0b-binary.
     * @param s the text
     * @return the 64-bit value (two's complement for negative decimals)
     * @throws IllegalArgumentException with a one-line message when {@code s} is not such a number
     */
    public static long parseNumber(String s) {
        String t = s.trim().replace("_", "");
        boolean neg = t.startsWith("-");
        if (neg) {
            t = t.substring(1);
        }
        long v;
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                v = parseUnsigned(t.substring(2), 16);
            } else if (t.startsWith("0b") || t.startsWith("0B")) {
                v = parseUnsigned(t.substring(2), 2);
            } else {
                v = neg ? Long.parseLong("-" + t) : parseUnsigned(t, 10);
                return v;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a number (decimal, -decimal, 0x-hex or 0b-binary, at most 64 bits)");
        }
        return neg ? -v : v;
    }

    /**
     * Whether {@code s} is one or more ASCII digits of {@code radix} (as the regular expressions {@code [0-9]+}
     * and {@code [0-9a-fA-F]+} match), for parsers that must not depend on a runtime's regular expressions.
     * @param s the text
     * @param radix 10 or 16 (any radix up to 36 works the same way)
     * @return true when non-empty and every character is such a digit
     */
    public static boolean isAsciiDigits(String s, int radix) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || Character.digit(c, radix) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code Long.parseUnsignedLong(s, radix)}, digit for digit: an optional {@code +}, then digits of
     * {@code radix} ({@code Character.digit}), at most 2<sup>64</sup>-1. Written out because not every runtime
     * hcsim runs on has the JDK method (the Explorer page compiled to JavaScript lacks it).
     * @param s the digits
     * @param radix 2 to 36
     * @return the value as a two's-complement long
     * @throws NumberFormatException for an empty string, a sign alone, a '-', a non-digit or more than 64 bits
     */
    public static long parseUnsigned(String s, int radix) {
        int i = !s.isEmpty() && s.charAt(0) == '+' ? 1 : 0;
        if (i == s.length()) {
            throw new NumberFormatException("'" + s + "' is not an unsigned number");
        }
        long limit = Long.divideUnsigned(-1L, radix);
        long v = 0;
        for (; i < s.length(); i++) {
            int d = Character.digit(s.charAt(i), radix);
            if (d < 0) {
                throw new NumberFormatException("'" + s + "' is not an unsigned number in radix " + radix);
            }
            long shifted = v * radix;
            if (Long.compareUnsigned(v, limit) > 0 || Long.compareUnsigned(shifted + d, shifted) < 0) {
                throw new NumberFormatException("'" + s + "' does not fit in 64 bits");
            }
            v = shifted + d;
        }
        return v;
    }

    /**
     * A 64-bit value as {@code 0x} and 16 hex digits, as traces print registers.
     * @param v the value
     * @return the text, such as {@code 0x000000000000000a}
     */
    public static String hex64(long v) {
        // by hand: String.format made every traced trap cost microseconds (a trap-heavy run spent most of its time here)
        char[] c = new char[18];
        c[0] = '0';
        c[1] = 'x';
        for (int i = 17; i >= 2; i--) {
            c[i] = HEX_DIGITS[(int) (v & 0xF)];
            v >>>= 4;
        }
        return new String(c);
    }

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();
}
