package dev.hcsim.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Arithmetic.multiplyHigh is Math.multiplyHigh (RISC-V MULH/MULHSU/MULHU are built on it). */
class ArithmeticTest {
    @Test
    @DisplayName("for all x, y: multiplyHigh equals Math.multiplyHigh, the extremes included")
    void sameAsTheJdk() {
        qt().withExamples(20000).forAll(longs().all().mix(longs().between(-2, 2), 10), longs().all().mix(longs().between(-2, 2), 10))
                .checkAssert((x, y) -> assertEquals(Math.multiplyHigh(x, y), Arithmetic.multiplyHigh(x, y), x + " * " + y));
        long[] edge = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, 1, 0xFFFF_FFFFL, 0x1_0000_0000L, -0x1_0000_0000L};
        for (long x : edge) {
            for (long y : edge) {
                assertEquals(Math.multiplyHigh(x, y), Arithmetic.multiplyHigh(x, y), x + " * " + y);
            }
        }
    }
}
