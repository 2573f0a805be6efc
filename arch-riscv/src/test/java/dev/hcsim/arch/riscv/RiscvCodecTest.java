package dev.hcsim.arch.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.spi.Instruction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The codec against GNU binutils 2.40 (Debian 12 binutils-riscv64-linux-gnu): every golden below was
 * produced by {@code riscv64-linux-gnu-as -march=rv64im_zicsr -mno-relax} and {@code riscv64-linux-gnu-objdump -d}
 * (words as objdump shows them, text with its tab made one space). The full form-by-form cross-check is
 * abi-conformance BinutilsCrossCheckTest (scripts/binutils-crosscheck.sh).
 */
class RiscvCodecTest {
    private static final RiscvCodec CODEC = RiscvCodec.INSTANCE;

    private static String words(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i += 4) {
            sb.append(i > 0 ? " " : "").append(String.format(java.util.Locale.ROOT, "%08x", Bytes.get(b, i, 4, false)));
        }
        return sb.toString();
    }

    private static byte[] le(int word) {
        byte[] b = new byte[4];
        Bytes.put(b, 0, 4, word & 0xFFFF_FFFFL, false);
        return b;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @DisplayName("li expands as gas load_const does (tc-riscv.c): addi, lui+addiw, or the shifted upper part with slli/addi")
    @CsvSource(delimiter = '|', value = {
        "li a0,5|00500513",
        "li a0,-1|fff00513",
        "li a0,0|00000513",
        "li a0,0x12345|00012537 3455051b",
        "li a0,0x48534d|00485537 34d5051b",
        "li a0,0x7fffffff|80000537 fff5051b",
        "li a0,0x800|00001537 8005051b",
        "li a0,0x80200000|4010051b 01551513",
        "li a0,0x123456789|00092537 a2b5051b 00d51513 78950513",
        "li a0,0xffffffff|0010051b 02051513 fff50513",
    })
    void liMatchesGas(String source, String gnuWords) {
        assertEquals(gnuWords, words(Assembler.assemble(CODEC, source, 0).bytes()));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @DisplayName("objdump's default alias text for each word (riscv-dis.c with riscv-opc.c's alias order)")
    @CsvSource(delimiter = '|', value = {
        "00000073|ecall",
        "00100073|ebreak",
        "10500073|wfi",
        "0ff0000f|fence",
        "00000013|nop",
        "00500513|li a0,5",
        "00058513|mv a0,a1",
        "00008067|ret",
        "000500e7|jalr a0",
        "004505e7|jalr a1,4(a0)",
        "00050067|jr a0",
        "c0102573|rdtime a0",
        "c0002573|rdcycle a0",
        "14002573|csrr a0,sscratch",
        "14051073|csrw sscratch,a0",
        "1402d073|csrw sscratch,5",
        "10016573|csrrs a0,sstatus,2",
        "10453073|csrc sie,a0",
        "7c002573|csrr a0,0x7c0",
        "100625f3|csrrs a1,sstatus,a2",
        "fff5c513|not a0,a1",
        "0015b513|seqz a0,a1",
        "0005851b|sext.w a0,a1",
        "40b00533|neg a0,a1",
        "40b0053b|negw a0,a1",
        "00b03533|snez a0,a1",
        "0005a533|sltz a0,a1",
        "3455051b|addw a0,a0,837",
        "01551513|sll a0,a0,0x15",
        "4035d513|sra a0,a1,0x3",
        "41f5d51b|sraw a0,a1,0x1f",
        "78950513|add a0,a0,1929",
        "fffff537|lui a0,0xfffff",
        "00001517|auipc a0,0x1",
        "ff813503|ld a0,-8(sp)",
        "00a13823|sd a0,16(sp)",
        "02c5853b|mulw a0,a1,a2",
    })
    void textMatchesObjdump(String word, String text) {
        Instruction i = CODEC.decode(le((int) Long.parseLong(word, 16)), 0, 4, 0x1000);
        assertTrue(i.isValid());
        assertEquals(text, i.text());
        assertEquals(word, words(Assembler.assemble(CODEC, text, 0x1000).bytes()), "objdump's text assembles back to the word");
    }

    @Test
    @DisplayName("branch and jump targets print as objdump's absolute addresses: jal at 0x54 to 0 is 'jal 0x0', j is 'j 0x0'")
    void targets() {
        assertEquals("jal 0x0", CODEC.decode(le(0xfadff0ef), 0, 4, 0x54).text());
        assertEquals("j 0x0", CODEC.decode(le(0xfa9ff06f), 0, 4, 0x58).text());
        assertEquals("beqz a0,0x0", CODEC.decode(le(0xfa0502e3), 0, 4, 0x5c).text());
        assertEquals("bgtz a0,0x0", CODEC.decode(le(0xfaa040e3), 0, 4, 0x60).text());
    }

    @Test
    @DisplayName("for all words: the decoder never throws, and every word it takes reassembles from its text to the same word")
    void decoderIsTotalAndRoundTrips() {
        qt().withExamples(20000).forAll(integers().all()).checkAssert(w -> {
            long pc = 0x20_0000;
            Instruction i = CODEC.decode(le(w), 0, 4, pc);
            if (i.isValid()) {
                assertEquals(String.format(java.util.Locale.ROOT, "%08x", w), words(Assembler.assemble(CODEC, i.text(), pc).bytes()), i.text());
            } else {
                assertEquals("(bad)", i.text());
            }
        });
    }

    @Test
    @DisplayName("short buffers and compressed halfwords are undecodable, not an exception")
    void shortAndCompressed() {
        assertFalse(CODEC.decode(new byte[] {0x73, 0}, 0, 2, 0).isValid());
        assertFalse(CODEC.decode(le(0x4501), 0, 4, 0).isValid()); // c.li a0,0 is RVC, outside the subset
    }

    @Test
    @DisplayName("bad operands are one-line errors: an immediate out of range, an unknown register or mnemonic")
    void badInput() {
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "addi a0,a1,2048", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "slli a0,a1,64", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "add a0,a9,a1", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "c.li a0,1", 0));
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "csrr a0,mstatus", 0));
    }
}
