package dev.hcsim.arch.loongarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** objdump's {@code -1(0xfff)} immediates are read by hand (the Explorer page runs no regular expression). */
class LoongArchObjdumpImmTest {
    /** The pattern the codec used before: the hand-written reader must take exactly what it took. */
    private static final Pattern OBJDUMP_IMM = Pattern.compile("^(-?\\d+)\\(0x[0-9a-fA-F]+\\)$");
    private static final String ALPHABET = "-0123456789afAFgx() ";

    @Test
    @DisplayName("for all strings over '-0-9a-fx() ': the decimal part exactly when the old pattern matched, else the text unchanged")
    void sameAsThePattern() {
        qt().withExamples(20000).forAll(lists().of(integers().between(0, ALPHABET.length() - 1)).ofSizeBetween(0, 9)).checkAssert(idx -> {
            StringBuilder sb = new StringBuilder();
            idx.forEach(i -> sb.append(ALPHABET.charAt(i)));
            String op = sb.toString();
            Matcher m = OBJDUMP_IMM.matcher(op);
            assertEquals(m.matches() ? m.group(1) : op, LoongArchCodec.objdumpImm(op), op);
        });
        assertEquals("-1", LoongArchCodec.objdumpImm("-1(0xfff)"));
        assertEquals("2047", LoongArchCodec.objdumpImm("2047(0x7ff)"));
    }
}
