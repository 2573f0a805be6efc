package dev.hcsim.core.spi;

/**
 * Integer arithmetic the interpreters need that not every runtime hcsim runs on provides (the Explorer page
 * compiled to JavaScript has no {@code Math.multiplyHigh}). {@code ArithmeticTest} checks it against the JDK.
 */
public final class Arithmetic {
    private Arithmetic() {
    }

    /**
     * The high 64 bits of the signed 128-bit product, as {@code Math.multiplyHigh(x, y)}: the JDK's own fallback
     * (Hacker's Delight, 2nd ed., 8-2), 32-bit halves with the carries propagated.
     * @param x a signed factor
     * @param y a signed factor
     * @return bits 127..64 of {@code x * y}
     */
    public static long multiplyHigh(long x, long y) {
        long x1 = x >> 32;
        long x2 = x & 0xFFFFFFFFL;
        long y1 = y >> 32;
        long y2 = y & 0xFFFFFFFFL;
        long z2 = x2 * y2;
        long t = x1 * y2 + (z2 >>> 32);
        long z1 = t & 0xFFFFFFFFL;
        long z0 = t >> 32;
        z1 += x2 * y1;
        return x1 * y1 + z0 + (z1 >> 32);
    }
}
