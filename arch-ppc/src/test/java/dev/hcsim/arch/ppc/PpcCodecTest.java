package dev.hcsim.arch.ppc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Program;
import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.spi.Instruction;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The PowerPC codec against GNU binutils 2.40 (Debian): every golden line below was assembled with
 * {@code powerpc64-linux-gnu-as -mpower8} and {@code powerpc64le-linux-gnu-as -mpower8} (section at
 * address 0, one line after another) and disassembled with the matching {@code objdump -d};
 * columns are source | big-endian bytes | little-endian bytes | objdump text (whitespace collapsed).
 */
class PpcCodecTest {
    static final String[] GOLDEN = {
"lis 0,0x4b56|3c004b56|564b003c|lis r0,19286",
"ori 0,0,0x4d21|60004d21|214d0060|ori r0,r0,19745",
"sc|44000002|02000044|sc",
"nop|60000000|00000060|nop",
"sc 1|44000022|22000044|sc 1",
"lis 11,42|3d60002a|2a00603d|lis r11,42",
"ori 11,11,4|616b0004|04006b61|ori r11,r11,4",
"li 11,16|39600010|10006039|li r11,16",
"oris 11,11,1|656b0001|01006b65|oris r11,r11,1",
"lis 3,-1|3c60ffff|ffff603c|lis r3,-1",
"lis 3,0xffff|3c60ffff|ffff603c|lis r3,-1",
"addis 3,4,16|3c640010|1000643c|addis r3,r4,16",
"addis 3,3,-32768|3c638000|0080633c|addis r3,r3,-32768",
"li 3,-1|3860ffff|ffff6038|li r3,-1",
"li 3,32767|38607fff|ff7f6038|li r3,32767",
"li 3,-32768|38608000|00806038|li r3,-32768",
"addi 3,4,-8|3864fff8|f8ff6438|addi r3,r4,-8",
"addi 3,1,32767|38617fff|ff7f6138|addi r3,r1,32767",
"ori 3,3,0|60630000|00006360|ori r3,r3,0",
"ori 31,2,65535|605fffff|ffff5f60|ori r31,r2,65535",
"oris 3,3,0xffff|6463ffff|ffff6364|oris r3,r3,65535",
"mr 3,4|7c832378|7823837c|mr r3,r4",
"mr 0,0|7c000378|7803007c|mr r0,r0",
"or 3,4,5|7c832b78|782b837c|or r3,r4,r5",
"sldi 3,3,32|786307c6|c6076378|sldi r3,r3,32",
"sldi 3,4,8|788345e4|e4458378|sldi r3,r4,8",
"sldi 5,5,63|78a5f806|06f8a578|sldi r5,r5,63",
"rldicr 3,4,8,40|78834224|24428378|rldicr r3,r4,8,40",
"rldicr 3,4,0,63|788307e4|e4078378|clrrdi r3,r4,0",
"rldicr 3,4,0,0|78830004|04008378|clrrdi r3,r4,63",
"clrrdi 3,4,12|788304e4|e4048378|clrrdi r3,r4,12",
"cmpdi 3,0|2c230000|0000232c|cmpdi r3,0",
"cmpwi 3,-1|2c03ffff|ffff032c|cmpwi r3,-1",
"cmpdi 7,3,5|2fa30005|0500a32f|cmpdi cr7,r3,5",
"cmpwi 1,4,2|2c840002|0200842c|cmpwi cr1,r4,2",
"cmpwi 7,31,-32768|2f9f8000|00809f2f|cmpwi cr7,r31,-32768",
"cmpdi 0,3,0x7fff|2c237fff|ff7f232c|cmpdi r3,32767",
"beq .+8|41820008|08008241|beq 0x9c",
"bne .-4|4082fffc|fcff8240|bne 0x94",
"beq 1,.+16|41860010|10008641|beq cr1,0xac",
"bne 7,.+0x7ffc|409e7ffc|fc7f9e40|bne cr7,0x809c",
"beq 7,.-0x8000|419e8000|00809e41|beq cr7,0xffffffffffff80a4",
"b .+8|48000008|08000048|b 0xb0",
"b .-8|4bfffff8|f8ffff4b|b 0xa4",
"b .+0x1fffffc|49fffffc|fcffff49|b 0x20000ac",
"b .-0x2000000|4a000000|0000004a|b 0xfffffffffe0000b4",
"bl .+12|4800000d|0d000048|bl 0xc4",
"blr|4e800020|2000804e|blr",
"bctr|4e800420|2004804e|bctr",
"mtctr 3|7c6903a6|a603697c|mtctr r3",
"mtctr 31|7fe903a6|a603e97f|mtctr r31",
"ld 3,-4008(0)|e860f058|58f060e8|ld r3,-4008(0)",
"std 3,-4008(0)|f860f058|58f060f8|std r3,-4008(0)",
"lwz 3,-4004(0)|8060f05c|5cf06080|lwz r3,-4004(0)",
"ld 3,-4096(0)|e860f000|00f060e8|ld r3,-4096(0)",
"stw 3,8(4)|90640008|08006490|stw r3,8(r4)",
"ld 5,16(1)|e8a10010|1000a1e8|ld r5,16(r1)",
"ld 3,-8(1)|e861fff8|f8ff61e8|ld r3,-8(r1)",
"std 31,32760(31)|fbff7ff8|f87ffffb|std r31,32760(r31)",
"lwz 0,0(0)|80000000|00000080|lwz r0,0(0)",
"stw 3,-4(0)|9060fffc|fcff6090|stw r3,-4(0)",
"sc 2|44000042|42000044|sc 2",
"sc 127|44000fe2|e20f0044|sc 127",
"mfspr 3,286|7c7e42a6|a6427e7c|mfspr r3,286",
"mfspr 31,286|7ffe42a6|a642fe7f|mfspr r31,286",
"mfspr 3,1023|7c7ffaa6|a6fa7f7c|mfpir r3",
"mfspr 31,1023|7ffffaa6|a6faff7f|mfpir r31",
"msgsnd 5|7c00299c|9c29007c|msgsnd r5",
"msgsnd 0|7c00019c|9c01007c|msgsnd r0",
"tdi 0,0,72|08000048|48000008|tdi 0,r0,72",
"tdi 0,5,-1|0805ffff|ffff0508|tdi 0,r5,-1",
"yield|7f7bdb78|78db7b7f|yield",
"mdoio|7fbdeb78|78ebbd7f|mdoio",
"mdoom|7fdef378|78f3de7f|mdoom",
"miso|7f5ad378|78d35a7f|miso"
    };

    static final PpcCodec BE = new PpcCodec(ByteOrder.BIG_ENDIAN);
    static final PpcCodec LE = new PpcCodec(ByteOrder.LITTLE_ENDIAN);

    private static byte[] expected(int column) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String g : GOLDEN) {
            byte[] b = Bytes.parseHex(g.split("\\|")[column]);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    private static String source() {
        StringBuilder sb = new StringBuilder();
        for (String g : GOLDEN) {
            sb.append(g.split("\\|")[0]).append('\n');
        }
        return sb.toString();
    }

    @Test
    @DisplayName("assembler: big-endian bytes equal GNU as (powerpc64-linux-gnu-as 2.40) for every golden line")
    void assemblesBigEndianLikeGnuAs() {
        Program p = Assembler.assemble(BE, source(), 0);
        assertArrayEquals(expected(1), p.bytes());
    }

    @Test
    @DisplayName("assembler: little-endian bytes equal GNU as (powerpc64le-linux-gnu-as 2.40) for every golden line")
    void assemblesLittleEndianLikeGnuAs() {
        Program p = Assembler.assemble(LE, source(), 0);
        assertArrayEquals(expected(2), p.bytes());
    }

    @Test
    @DisplayName("disassembler: text equals GNU objdump 2.40 for every golden word, in both byte orders")
    void disassemblesLikeObjdump() {
        for (int i = 0; i < GOLDEN.length; i++) {
            String[] g = GOLDEN[i].split("\\|");
            long pc = 4L * i;
            Instruction be = BE.decode(Bytes.parseHex(g[1]), 0, 4, pc);
            Instruction le = LE.decode(Bytes.parseHex(g[2]), 0, 4, pc);
            assertTrue(be.isValid(), g[0]);
            assertEquals(g[3], be.text(), g[0]);
            assertEquals(g[3], le.text(), g[0]);
            assertEquals(4, be.length());
        }
    }

    @Test
    @DisplayName("fact sheet words: sc 0x44000002, sc 1 0x44000022, lis/ori of KVM_SC_MAGIC_R0, magic-page ld/std/lwz")
    void factSheetWords() {
        assertEquals(0x44000002, word("sc"));
        assertEquals(0x44000022, word("sc 1"));
        assertEquals(0x3C004B56, word("lis 0,0x4b56"));
        assertEquals(0x60004D21, word("ori 0,0,0x4d21"));
        assertEquals(0x60000000, word("nop"));
        assertEquals(0x3860FFFF, word("li 3,-1"));
        assertEquals(0x08000048, word("tdi 0,0,72"));
        assertEquals(0x48000008, word("b .+8"));
        assertEquals(0x4E800020, word("blr"));
        assertEquals(0x3D60002A, word("lis 11,42"));
        assertEquals(0x616B0004, word("ori 11,11,4"));
        assertEquals(0x39600010, word("li 11,16"));
        assertEquals(0x656B0001, word("oris 11,11,1"));
        assertEquals(0xE860F058, word("ld 3,-4008(0)"));
        assertEquals(0xF860F058, word("std 3,-4008(0)"));
        assertEquals(0x8060F05C, word("lwz 3,-4004(0)"));
    }

    private static int word(String text) {
        return (int) Bytes.get(Assembler.assemble(BE, text, 0x1000).bytes(), 0, 4, true);
    }

    @Test
    @DisplayName("neighbours are not mistaken: svcla, sc with reserved bit, blrl, tdi TO!=0, mr., msgsnd., hinted beq, mfpvr")
    void neighboursAreOutsideTheSubset() {
        int[] words = {0x44000003, 0x44000012, 0x4E800021, 0x08200048, 0x7C832379, 0x7C00299D, 0x41A20008, 0x7C7F42A6,
            0x48000002, 0x40830008, 0xE8600001, 0xF8600002, 0x7C6903A7, 0x7C2029 << 8 | 0x9C, 0x7C7EFAA6};
        for (int w : words) {
            byte[] b = new byte[4];
            Bytes.put(b, 0, 4, w & 0xFFFFFFFFL, true);
            Instruction i = BE.decode(b, 0, 4, 0x2000);
            assertFalse(i.isValid(), Integer.toHexString(w));
            assertEquals("(bad)", i.text());
        }
    }

    @Test
    @DisplayName("@ha/@l/@h split a label address as GNU as does, and lis/addi rebuild it")
    void highAdjustedLow() {
        Program p = Assembler.assemble(BE, "lis 3,x@ha\naddi 3,3,x@l\nlis 4,x@h\nori 4,4,x@l\n.zero 0x8000\nx: nop", 0x10000);
        long x = p.labels().get("x");
        assertEquals(0x18010L, x);
        assertEquals(0x3C600002, (int) Bytes.get(p.bytes(), 0, 4, true));
        assertEquals(0x38638010, (int) Bytes.get(p.bytes(), 4, 4, true));
        assertEquals(0x3C800001, (int) Bytes.get(p.bytes(), 8, 4, true));
        assertEquals(0x60848010, (int) Bytes.get(p.bytes(), 12, 4, true));
    }

    @Test
    @DisplayName("assembler errors: out-of-range immediates, odd DS displacement, unknown mnemonic, far branch")
    void assemblyErrors() {
        assertThrows(AsmException.class, () -> Assembler.assemble(BE, "li 3,0xffff", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(BE, "ori 3,3,-1", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(BE, "ld 3,6(1)", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(BE, "mfmsr 3", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(BE, "li 32,1", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(BE, "beq .+0x8000", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(BE, "mfspr 3,287", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(BE, "mfspr 3,1022", 0));
    }

    @Test
    @DisplayName("property: the decoder never throws on any 32-bit word, in either byte order, and short input is a clean error")
    void decoderIsTotal() {
        qt().withExamples(200).forAll(integers().all(), longs().all()).checkAssert((w, pc) -> {
            byte[] b = new byte[4];
            Bytes.put(b, 0, 4, w & 0xFFFFFFFFL, true);
            Instruction x = BE.decode(b, 0, 4, pc);
            Instruction y = LE.decode(b, 0, 4, pc);
            assertEquals(4, x.length());
            assertTrue(x.text() != null && y.text() != null);
            Instruction s = BE.decode(b, 1, 3, pc);
            assertFalse(s.isValid());
        });
    }

    @Test
    @DisplayName("property: assemble -> decode -> disassemble -> assemble gives the same word (golden opcodes, random fields)")
    void roundTrip() {
        int[] seeds = new int[GOLDEN.length];
        for (int i = 0; i < GOLDEN.length; i++) {
            seeds[i] = (int) Long.parseLong(GOLDEN[i].split("\\|")[1], 16);
        }
        qt().withExamples(200).forAll(integers().between(0, seeds.length - 1), integers().all(), integers().between(0, 0x3FFF))
                .checkAssert((i, noise, page) -> {
                    int w = seeds[i] ^ (noise & 0x03FFFFFF);
                    long pc = 0x10000L + 4L * page;
                    for (PpcCodec c : new PpcCodec[] {BE, LE}) {
                        byte[] b = new byte[4];
                        Bytes.put(b, 0, 4, w & 0xFFFFFFFFL, c.byteOrder() == ByteOrder.BIG_ENDIAN);
                        Instruction d = c.decode(b, 0, 4, pc);
                        if (!d.isValid()) {
                            continue;
                        }
                        byte[] again = Assembler.assemble(c, d.text(), pc).bytes();
                        assertArrayEquals(b, again, d.text());
                        assertEquals(d.text(), c.decode(again, 0, 4, pc).text());
                    }
                });
    }
}
