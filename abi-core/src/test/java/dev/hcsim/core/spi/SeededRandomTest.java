package dev.hcsim.core.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SeededRandom is the JDK's SplittableRandom, written out (so that the page compiled to JavaScript draws the same
 * numbers): every seed gives the scheduler and the guest-visible random sources the sequence they had before.
 */
class SeededRandomTest {
    @Test
    @DisplayName("pinned sequences, taken from java.util.SplittableRandom on JDK 17: nextLong x3, then nextInt(3, 4, 7, 1000)")
    void pinnedSequences() {
        assertArrayEquals(new long[] {0xe220a8397b1dcdafL, 0x6e789e6aa1b965f4L, 0x06c45d188009454fL, 0, 2, 6, 207}, draw(0));
        assertArrayEquals(new long[] {0xbdd732262feb6e95L, 0x28efe333b266f103L, 0x47526757130f9f52L, 0, 3, 1, 856}, draw(42));
        assertArrayEquals(new long[] {0xe4d971771b652c20L, 0xe99ff867dbf682c9L, 0x382ff84cb27281e9L, 0, 3, 5, 506}, draw(-1));
    }

    private static long[] draw(long seed) {
        SeededRandom r = new SeededRandom(seed);
        return new long[] {r.nextLong(), r.nextLong(), r.nextLong(), r.nextInt(3), r.nextInt(4), r.nextInt(7), r.nextInt(1000)};
    }

    @Test
    @DisplayName("for all seeds and bounds: the same nextLong, nextInt and nextInt(bound) stream as the JDK's SplittableRandom")
    void sameStreamAsTheJdk() {
        // bounds up to 2^31-1 include the rejection loop's biased top range (bounds just above 2^30)
        qt().withExamples(3000).forAll(longs().all(), integers().between(1, Integer.MAX_VALUE).mix(integers().between(1, 64), 50))
                .checkAssert((seed, bound) -> {
                    SplittableRandom jdk = new SplittableRandom(seed);
                    SeededRandom ours = new SeededRandom(seed);
                    for (int i = 0; i < 20; i++) {
                        switch (i % 3) {
                            case 0 -> assertEquals(jdk.nextInt(bound), ours.nextInt(bound), "nextInt(" + bound + ") #" + i);
                            case 1 -> assertEquals(jdk.nextLong(), ours.nextLong(), "nextLong #" + i);
                            default -> assertEquals(jdk.nextInt(), ours.nextInt(), "nextInt #" + i);
                        }
                    }
                });
    }

    @Test
    @DisplayName("a bound that is not positive is refused, as SplittableRandom.nextInt(bound) refuses it")
    void nonPositiveBound() {
        assertThrows(IllegalArgumentException.class, () -> new SeededRandom(1).nextInt(0));
        assertThrows(IllegalArgumentException.class, () -> new SeededRandom(1).nextInt(-5));
    }
}
