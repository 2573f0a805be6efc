package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The number parsing hcsim writes out by hand (so that the Explorer page, compiled to JavaScript, runs no JDK
 * method its runtime lacks and no regular expression) answers as the JDK methods and patterns it replaces.
 */
class NumberTextTest {
    @Test
    @DisplayName("for all values and radixes: parseUnsigned reads back Long.toUnsignedString, as Long.parseUnsignedLong does")
    void parseUnsignedRoundTrip() {
        qt().withExamples(5000).forAll(longs().all(), integers().between(2, 36)).checkAssert((v, radix) -> {
            String text = Long.toUnsignedString(v, radix);
            assertEquals(Long.parseUnsignedLong(text, radix), Bytes.parseUnsigned(text, radix));
            assertEquals(Long.parseUnsignedLong("+" + text, radix), Bytes.parseUnsigned("+" + text, radix));
        });
    }

    @Test
    @DisplayName("for all short strings of digits, signs and letters: parseUnsigned fails exactly when Long.parseUnsignedLong fails")
    void parseUnsignedRejectsAsTheJdk() {
        qt().withExamples(5000).forAll(strings().basicLatinAlphabet().ofLengthBetween(0, 4), integers().between(2, 36)).checkAssert((s, radix) -> {
            Long jdk;
            try {
                jdk = Long.parseUnsignedLong(s, radix);
            } catch (NumberFormatException e) {
                jdk = null;
            }
            if (jdk == null) {
                assertThrows(NumberFormatException.class, () -> Bytes.parseUnsigned(s, radix), s);
            } else {
                assertEquals(jdk.longValue(), Bytes.parseUnsigned(s, radix), s);
            }
        });
    }

    @Test
    @DisplayName("the 64-bit edge: 2^64-1 parses in radix 10, 16 and 2; one more, or a 17th hex digit, overflows")
    void overflowEdge() {
        assertEquals(-1L, Bytes.parseUnsigned("18446744073709551615", 10));
        assertEquals(-1L, Bytes.parseUnsigned("ffffffffffffffff", 16));
        assertEquals(-1L, Bytes.parseUnsigned("1".repeat(64), 2));
        assertThrows(NumberFormatException.class, () -> Bytes.parseUnsigned("18446744073709551616", 10));
        assertThrows(NumberFormatException.class, () -> Bytes.parseUnsigned("1ffffffffffffffff", 16));
        assertThrows(NumberFormatException.class, () -> Bytes.parseUnsigned("1".repeat(65), 2));
        assertThrows(NumberFormatException.class, () -> Bytes.parseUnsigned("-1", 10));
        assertThrows(NumberFormatException.class, () -> Bytes.parseUnsigned("+", 10));
    }

    @Test
    @DisplayName("isAsciiDigits matches exactly what [0-9]+ and [0-9a-fA-F]+ match")
    void asciiDigitsAsThePatterns() {
        Pattern dec = Pattern.compile("[0-9]+");
        Pattern hex = Pattern.compile("[0-9a-fA-F]+");
        qt().withExamples(5000).forAll(strings().betweenCodePoints(0x20, 0x700).ofLengthBetween(0, 3)).checkAssert(s -> {
            assertEquals(dec.matcher(s).matches(), Bytes.isAsciiDigits(s, 10), s);
            assertEquals(hex.matcher(s).matches(), Bytes.isAsciiDigits(s, 16), s);
        });
        assertEquals(false, Bytes.isAsciiDigits("\u0663", 10), "ARABIC-INDIC DIGIT THREE is a Character.digit but not [0-9]");
    }

    @Test
    @DisplayName("parseHex skips exactly the characters [\\s,:] skipped")
    void parseHexSeparators() {
        assertEquals("0f01c1", Bytes.hex(Bytes.parseHex("0f 01\tc1")));
        assertEquals("0f01c1", Bytes.hex(Bytes.parseHex("0x0f,0x01:0xc1\r\n")));
        assertEquals("0f01", Bytes.hex(Bytes.parseHex("0f\u000B\f01")));
        assertThrows(IllegalArgumentException.class, () -> Bytes.parseHex("0f\u00a001"), "a no-break space is not \\s");
    }
}
