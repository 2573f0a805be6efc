package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.spi.Instruction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The s390x guest subset against GNU binutils 2.4x: every row below was assembled with
 * {@code s390x-linux-gnu-as} (the source column, at the offset column) and disassembled with
 * {@code s390x-linux-gnu-objdump -d}; bytes and text are copied from their output.
 */
class S390CodecTest {
    private static final S390Codec CODEC = new S390Codec();

    /** {offset, GNU as source, bytes from as, text from objdump}. */
    static final String[][] GOLDEN = {
            {"0x0", "diag %r2,%r4,0x500", "83240500", "diag\t%r2,%r4,1280"},
            {"0x4", "diag %r1,%r3,0x10", "83130010", "diag\t%r1,%r3,16"},
            {"0x8", "diag %r0,%r0,0x44", "83000044", "diag\t%r0,%r0,68"},
            {"0xc", "diag %r2,%r3,0x258", "83230258", "diag\t%r2,%r3,600"},
            {"0x10", "diag %r2,%r4,0x100(%r5)", "83245100", "diag\t%r2,%r4,256(%r5)"},
            {"0x14", "diag 2,4,0x500", "83240500", "diag\t%r2,%r4,1280"},
            {"0x18", "diag %r1,%r0,0x9c", "8310009c", "diag\t%r1,%r0,156"},
            {"0x1c", "diag %r1,%r2,0x288", "83120288", "diag\t%r1,%r2,648"},
            {"0x20", "diag %r2,%r3,0x308", "83230308", "diag\t%r2,%r3,776"},
            {"0x24", "diag %r1,%r0,0x318", "83100318", "diag\t%r1,%r0,792"},
            {"0x28", "diag %r0,%r0,0x501", "83000501", "diag\t%r0,%r0,1281"},
            {"0x2c", "diag %r15,%r15,4095(%r15)", "83ffffff", "diag\t%r15,%r15,4095(%r15)"},
            {"0x30", "lghi %r1,3", "a7190003", "lghi\t%r1,3"},
            {"0x34", "lghi %r1,-1", "a719ffff", "lghi\t%r1,-1"},
            {"0x38", "lghi %r15,32767", "a7f97fff", "lghi\t%r15,32767"},
            {"0x3c", "lghi %r0,-32768", "a7098000", "lghi\t%r0,-32768"},
            {"0x40", "aghi %r2,-1", "a72bffff", "aghi\t%r2,-1"},
            {"0x44", "aghi %r3,100", "a73b0064", "aghi\t%r3,100"},
            {"0x48", "cghi %r3,42", "a73f002a", "cghi\t%r3,42"},
            {"0x4c", "cghi %r4,-7", "a74ffff9", "cghi\t%r4,-7"},
            {"0x50", "lgfi %r2,-22", "c021ffffffea", "lgfi\t%r2,-22"},
            {"0x56", "lgfi %r2,2147483647", "c0217fffffff", "lgfi\t%r2,2147483647"},
            {"0x5c", "agfi %r2,100000", "c228000186a0", "agfi\t%r2,100000"},
            {"0x62", "agfi %r15,-2147483648", "c2f880000000", "agfi\t%r15,-2147483648"},
            {"0x68", "llihf %r1,0x12345678", "c01e12345678", "llihf\t%r1,305419896"},
            {"0x6e", "iihf %r1,0x9abcdef0", "c0189abcdef0", "iihf\t%r1,2596069104"},
            {"0x74", "iilf %r1,0xdeadbeef", "c019deadbeef", "iilf\t%r1,3735928559"},
            {"0x7a", "iilf %r0,0", "c00900000000", "iilf\t%r0,0"},
            {"0x80", "lgr %r3,%r2", "b9040032", "lgr\t%r3,%r2"},
            {"0x84", "lgr %r15,%r0", "b90400f0", "lgr\t%r15,%r0"},
            {"0x88", "cgr %r3,%r2", "b9200032", "cgr\t%r3,%r2"},
            {"0x8c", "cgr %r0,%r15", "b920000f", "cgr\t%r0,%r15"},
            {"0x90", "lg %r2,8(%r15)", "e320f0080004", "lg\t%r2,8(%r15)"},
            {"0x96", "stg %r2,8(%r15)", "e320f0080024", "stg\t%r2,8(%r15)"},
            {"0x9c", "lg %r2,-8(%r1,%r15)", "e321fff8ff04", "lg\t%r2,-8(%r1,%r15)"},
            {"0xa2", "lg %r2,0x7ffff", "e3200fff7f04", "lg\t%r2,524287"},
            {"0xa8", "lg %r2,-524288(%r3)", "e32030008004", "lg\t%r2,-524288(%r3)"},
            {"0xae", "stg %r0,0(%r1,%r0)", "e30100000024", "stg\t%r0,0(%r1,%r0)"},
            {"0xb4", "l %r3,0x8c", "5830008c", "l\t%r3,140"},
            {"0xb8", "st %r3,4(%r2)", "50302004", "st\t%r3,4(%r2)"},
            {"0xbc", "l %r3,4(%r1,%r2)", "58312004", "l\t%r3,4(%r1,%r2)"},
            {"0xc0", "st %r15,4095", "50f00fff", "st\t%r15,4095"},
            {"0xc4", "l %r3,4(,%r2)", "58302004", "l\t%r3,4(%r2)"},
            {"0xc8", "nop", "47000000", "nop\t0"},
            {"0xcc", "nop 4(%r15)", "4700f004", "nop\t4(%r15)"},
            {"0xd0", "nopr %r7", "0707", "nopr\t%r7"},
            {"0xd2", "nopr", "0700", "nopr"},
            {"0xd4", "stap 0x100", "b2120100", "stap\t256"},
            {"0xd8", "stap 8(%r15)", "b212f008", "stap\t8(%r15)"},
            {"0xdc", "sigp %r2,%r3,2", "ae230002", "sigp\t%r2,%r3,2"},
            {"0xe0", "sigp %r2,%r3,0x15(%r4)", "ae234015", "sigp\t%r2,%r3,21(%r4)"},
            {"0xe4", "sigp %r0,%r1,6", "ae010006", "sigp\t%r0,%r1,6"},
            {"0xe8", "stsi 0xff8", "b27d0ff8", "stsi\t4088"},
            {"0xec", "stsi 0(%r5)", "b27d5000", "stsi\t0(%r5)"},
            {"0xf0", "lpswe 0x200", "b2b20200", "lpswe\t512"},
            {"0xf4", "lpswe 16(%r3)", "b2b23010", "lpswe\t16(%r3)"},
            {"0xf8", "j .+8", "a7f40004", "j\t0x100"},
            {"0xfc", "jne .-4", "a774fffe", "jne\t0xf8"},
            {"0x100", "je .+12", "a7840006", "je\t0x10c"},
            {"0x104", "jh .+16", "a7240008", "jh\t0x114"},
            {"0x108", "jl .+20", "a744000a", "jl\t0x11c"},
            {"0x10c", "jnh .", "a7d40000", "jnh\t0x10c"},
            {"0x110", "jnl .", "a7b40000", "jnl\t0x110"},
            {"0x114", "jo .", "a7140000", "jo\t0x114"},
            {"0x118", "jno .", "a7e40000", "jno\t0x118"},
            {"0x11c", "jz .+4", "a7840002", "je\t0x120"},
            {"0x120", "jnz .-32768", "a774c000", "jne\t0xffffffffffff8120"},
            {"0x124", "jnop .+8", "a7040004", "jnop\t0x12c"},
            {"0x128", "brc 3,.+6", "a7340003", "jnle\t0x12e"},
            {"0x12c", "brc 5,.-2", "a754ffff", "jnhe\t0x12a"},
            {"0x130", "brc 6,.", "a7640000", "jlh\t0x130"},
            {"0x134", "brc 9,.", "a7940000", "jnlh\t0x134"},
            {"0x138", "brc 10,.", "a7a40000", "jhe\t0x138"},
            {"0x13c", "brc 12,.", "a7c40000", "jle\t0x13c"},
            {"0x140", "j .+65534", "a7f47fff", "j\t0x1013e"},
            // a second as/objdump run (t2.s): the steal-time additions
            {"0x0", "sgr %r1,%r2", "b9090012", "sgr\t%r1,%r2"},
            {"0x4", "stck 0(%r9)", "b2059000", "stck\t0(%r9)"},
            {"0x8", "stpt 8(%r9)", "b2099008", "stpt\t8(%r9)"},
            {"0xc", "stck 0xf00", "b2050f00", "stck\t3840"},
            {"0x10", "sgr %r15,%r0", "b90900f0", "sgr\t%r15,%r0"},
    };

    /** Words only disassembled (objdump-oracle.sh s390), with their objdump text at offset 0. */
    static final String[][] DISASSEMBLED = {
        {"83240000", "diag\t%r2,%r4,0"},
        {"8300ffff", "diag\t%r0,%r0,4095(%r15)"},
        {"e32000000004", "lg\t%r2,0"},
        {"e32100000004", "lg\t%r2,0(%r1,%r0)"},
        {"e321f0000004", "lg\t%r2,0(%r1,%r15)"},
        {"e3200fffff04", "lg\t%r2,-1"},
        {"5830f000", "l\t%r3,0(%r15)"},
        {"583f0000", "l\t%r3,0(%r15,%r0)"},
        {"b2120000", "stap\t0"},
        {"ae230000", "sigp\t%r2,%r3,0"},
        {"b2b20000", "lpswe\t0"},
        {"b27d0000", "stsi\t0"},
        {"47000001", "nop\t1"},
        {"4700f000", "nop\t0(%r15)"},
        {"a709ffff", "lghi\t%r0,-1"},
        {"c00effffffff", "llihf\t%r0,4294967295"},
        {"c008ffffffff", "iihf\t%r0,4294967295"},
        {"c2f8ffffffff", "agfi\t%r15,-1"},
        {"c0f1ffffffff", "lgfi\t%r15,-1"},
    };

    static Stream<Arguments> golden() {
        return Stream.of(GOLDEN).map(r -> Arguments.of(r[0], r[1], r[2], r[3]));
    }

    @ParameterizedTest(name = "as: {1} = {2}")
    @MethodSource("golden")
    @DisplayName("the assembler emits GNU as's bytes")
    void assemblesLikeGnuAs(String offset, String source, String hex, String text) {
        long at = Bytes.parseNumber(offset);
        assertEquals(hex, Bytes.hex(Assembler.assemble(CODEC, source, at).bytes()));
    }

    @ParameterizedTest(name = "objdump: {2} = {3}")
    @MethodSource("golden")
    @DisplayName("the decoder prints objdump's text")
    void disassemblesLikeObjdump(String offset, String source, String hex, String text) {
        byte[] b = Bytes.parseHex(hex);
        Instruction ins = CODEC.decode(b, 0, b.length, Bytes.parseNumber(offset));
        assertTrue(ins.isValid(), hex);
        assertEquals(b.length, ins.length());
        assertEquals(text, ins.text());
    }

    @Test
    @DisplayName("objdump-only words decode to objdump's text")
    void disassemblesOracleWords() {
        for (String[] r : DISASSEMBLED) {
            byte[] b = Bytes.parseHex(r[0]);
            assertEquals(r[1], CODEC.decode(b, 0, b.length, 0).text(), r[0]);
        }
    }

    @Test
    @DisplayName("600 random subset instructions decode to GNU objdump's text and assemble back to their bytes")
    void randomObjdumpCorpus() throws java.io.IOException {
        java.util.List<String> lines;
        try (var in = S390CodecTest.class.getResourceAsStream("/objdump-random-s390.txt")) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).toList();
        }
        assertEquals(600, lines.size());
        for (String l : lines) {
            String[] f = l.split("\t");
            long pc = Long.parseLong(f[0], 16);
            byte[] b = Bytes.parseHex(f[1]);
            Instruction ins = CODEC.decode(b, 0, b.length, pc);
            assertEquals(f[2], ins.text().replace('\t', ' '), l);
            assertArrayEquals(b, Assembler.assemble(CODEC, ins.text(), pc).bytes(), l);
        }
    }

    @Test
    @DisplayName("issue 5: 83240500 disassembles as GNU's diag\\t%r2,%r4,1280")
    void issueExample() {
        byte[] b = Bytes.parseHex("83240500");
        assertEquals("diag\t%r2,%r4,1280", CODEC.decode(b, 0, 4, 0x1000).text());
    }

    @Test
    @DisplayName("neighbouring encodings are not taken for subset instructions")
    void neighboursAreNotInTheSubset() {
        // b 0 (bc 15), br %r0 (bcr 15), bras, lpsw, stck-like B2xx, lgf (E3..14), brcl (C0x4), lgh? all outside the subset.
        String[] outside = {"47f00000", "07f0", "a7f50004", "82000000", "b27c0000", "e32000000014", "c0f400000000", "b9140012",
            "a7180001", "c0200000000000", "84240500", "b9040100"};
        for (String h : outside) {
            byte[] b = Bytes.parseHex(h);
            assertFalse(CODEC.decode(b, 0, b.length, 0).isValid(), h);
        }
    }

    @Test
    @DisplayName("a truncated instruction is reported with what was available, not thrown")
    void truncated() {
        byte[] b = Bytes.parseHex("c021ffff");
        Instruction ins = CODEC.decode(b, 0, b.length, 0x2000);
        assertFalse(ins.isValid());
        assertEquals(4, ins.length());
        assertFalse(CODEC.decode(new byte[0], 0, 0, 0).isValid());
        assertFalse(CODEC.decode(b, 7, 2, 0).isValid());
    }

    @Test
    @DisplayName("bad operands are assembly errors naming the statement")
    void badOperands() {
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "lghi %r1,32768", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "diag %r2,%r4,0x1000", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "diag %r2,%r4,0(%r1,%r2)", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "lgr %r16,%r1", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "lg %r1,524288", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "j .+3", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "j .+65536", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "llihf %r1,-1", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "frobnicate %r1", 0));
    }

    @Test
    @DisplayName("labels, comments and loops assemble (two passes)")
    void labels() {
        String src = "lghi %r1,3   # count\nloop: aghi %r1,-1\n jne loop\n diag %r2,%r4,0x500\n";
        assertEquals("a7190003a71bffffa774fffe83240500", Bytes.hex(Assembler.assemble(CODEC, src, 0x1000).bytes()));
    }

    @Test
    @DisplayName("the decoder never throws on any 32-bit word, and reports a length from the opcode")
    void decoderIsTotal() {
        qt().withExamples(2000).forAll(integers().all(), longs().all()).check((w, pc) -> {
            byte[] b = new byte[6];
            Bytes.put(b, 0, 4, w, true);
            Instruction four = CODEC.decode(b, 0, 4, pc);
            Instruction six = CODEC.decode(b, 0, 6, pc);
            return four != null && six != null && six.length() == S390Codec.lengthOf(b[0])
                    && (four.isValid() || four.text().equals("(bad)"));
        });
    }

    /** Templates of every form: {value, mask} of the fixed bits; the rest is random. */
    private static final String[][] FORMS = {
        {"a7090000", "ff0f0000"}, {"a70b0000", "ff0f0000"}, {"a70f0000", "ff0f0000"}, {"a7040000", "ff0f0000"},
        {"c00100000000", "ff0f00000000"}, {"c00e00000000", "ff0f00000000"}, {"c00800000000", "ff0f00000000"},
        {"c00900000000", "ff0f00000000"}, {"c20800000000", "ff0f00000000"}, {"b9040000", "ffffff00"}, {"b9200000", "ffffff00"},
        {"e30000000004", "ff00000000ff"}, {"e30000000024", "ff00000000ff"}, {"58000000", "ff000000"}, {"50000000", "ff000000"},
        {"47000000", "fff00000"}, {"0700", "fff0"}, {"83000000", "ff000000"}, {"ae000000", "ff000000"}, {"b2120000", "ffff0000"},
        {"b27d0000", "ffff0000"}, {"b2b20000", "ffff0000"}, {"b9090000", "ffffff00"}, {"b2050000", "ffff0000"}, {"b2090000", "ffff0000"},
    };

    @Test
    @DisplayName("assemble(disassemble(decode(bytes))) gives the bytes back, for every form and random fields")
    void roundTrip() {
        qt().withExamples(400).forAll(integers().between(0, FORMS.length - 1), longs().all(), integers().between(0, 0x7FFF_FFF0))
                .check((f, bits, pcHalf) -> {
                    byte[] value = Bytes.parseHex(FORMS[f][0]);
                    byte[] mask = Bytes.parseHex(FORMS[f][1]);
                    byte[] b = new byte[value.length];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (byte) (((bits >>> (8 * i)) & ~mask[i] & 0xFF) | value[i]);
                    }
                    long pc = 2L * pcHalf;
                    Instruction ins = CODEC.decode(b, 0, b.length, pc);
                    if (!ins.isValid()) {
                        return false;
                    }
                    byte[] again = Assembler.assemble(CODEC, ins.text(), pc).bytes();
                    return java.util.Arrays.equals(b, again);
                });
    }

    @Test
    @DisplayName("round trip through text keeps every golden row")
    void goldenRoundTrip() {
        for (String[] r : GOLDEN) {
            long at = Bytes.parseNumber(r[0]);
            byte[] b = Bytes.parseHex(r[2]);
            assertArrayEquals(b, Assembler.assemble(CODEC, CODEC.decode(b, 0, b.length, at).text(), at).bytes(), r[1]);
        }
    }
}
