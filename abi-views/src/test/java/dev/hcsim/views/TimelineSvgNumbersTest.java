package dev.hcsim.views;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The picture's coordinates are written by hand (the page runs this as JavaScript); they must read as before. */
class TimelineSvgNumbersTest {
    /** The rule before: whole numbers plain, else String.format's "%.1f" of the value rounded to tenths. */
    static String before(double v) {
        long tenths = Math.round(v * 10);
        return tenths % 10 == 0 ? Long.toString(tenths / 10) : String.format(Locale.ROOT, "%.1f", tenths / 10.0);
    }

    @Test
    @DisplayName("for a million coordinates across the picture's range, negatives and tenths' edges included: the same text as %.1f")
    void sameAsFormat() {
        Random r = new Random(24);
        for (int i = 0; i < 1_000_000; i++) {
            double v = switch (i % 4) {
                case 0 -> (r.nextDouble() - 0.5) * 4000;
                case 1 -> (r.nextInt(200_001) - 100_000) / 10.0 + 0.05;
                case 2 -> (r.nextInt(200_001) - 100_000) / 100.0;
                default -> r.nextInt(2000) - 1000;
            };
            assertEquals(before(v), TimelineSvg.f(v), "coordinate " + v);
        }
        assertEquals("-0.5", TimelineSvg.f(-0.5));
        assertEquals("1200", TimelineSvg.f(1200));
        assertEquals("0.1", TimelineSvg.f(0.05));
    }
}
