package dev.hcsim.arch.mips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.spi.Instruction;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Properties of the codec for all inputs: totality of the decoder and the assemble / disassemble round trip. */
class MipsCodecPropertiesTest {
    /** Every form of the subset: fixed bits and the bits that vary (registers, immediates, codes). */
    static final int[][] TEMPLATES = {
        {0x3C00_0000, 0x001F_FFFF}, // lui
        {0x3400_0000, 0x03FF_FFFF}, // ori / li
        {0x3000_0000, 0x03FF_FFFF}, // andi
        {0x2400_0000, 0x03FF_FFFF}, // addiu / li
        {0x6400_0000, 0x03FF_FFFF}, // daddiu
        {0x1000_0000, 0x03FF_FFFF}, // beq / beqz / b
        {0x1400_0000, 0x03FF_FFFF}, // bne / bnez
        {0xDC00_0000, 0x03FF_FFFF}, // ld
        {0xFC00_0000, 0x03FF_FFFF}, // sd
        {0x8C00_0000, 0x03FF_FFFF}, // lw
        {0xAC00_0000, 0x03FF_FFFF}, // sw
        {0x8000_0000, 0x03FF_FFFF}, // lb
        {0xA000_0000, 0x03FF_FFFF}, // sb
        {0x0000_0025, 0x03FF_F800}, // or / move
        {0x0000_0038, 0x001F_FFC0}, // dsll
        {0x0000_003C, 0x001F_FFC0}, // dsll32
        {0x0000_003A, 0x001F_FFC0}, // dsrl
        {0x0000_003E, 0x001F_FFC0}, // dsrl32
        {0x0000_000C, 0x03FF_FFC0}, // syscall
        {0x4200_0028, 0x001F_F800}, // hypcall
        {0x4200_0020, 0x01FF_FFC0}, // wait
        {0x4000_7801, 0x001F_0000}, // mfc0 rt,c0_ebase
        {0x0000_0000, 0x0000_0000}, // nop
    };

    private static MipsCodec codec(ByteOrder o) {
        return (MipsCodec) new MipsArchitecture().codec(o);
    }

    /** Words of the subset (a template with random variable bits; dsll with rd = rt = sa = 0 is nop's sll twin only for func 0). */
    static Gen<Integer> subsetWords() {
        return integers().between(0, TEMPLATES.length - 1).zip(integers().all(), (t, r) -> TEMPLATES[t][0] | (r & TEMPLATES[t][1]));
    }

    static Gen<Long> alignedPcs() {
        return longs().between(0, 1L << 40).map(p -> p & ~3L);
    }

    @Test
    @DisplayName("decoder never throws on any 32-bit word, in either byte order, at any PC")
    void decoderIsTotal() {
        qt().withExamples(400).forAll(integers().all(), longs().all()).check((w, pc) -> {
            for (ByteOrder o : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                byte[] b = new byte[4];
                Bytes.put(b, 0, 4, w, o == ByteOrder.BIG_ENDIAN);
                Instruction ins = codec(o).decode(b, 0, 4, pc);
                if (ins == null || ins.length() != 4 || ins.text() == null) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    @DisplayName("decoder never throws on short or misplaced byte ranges")
    void decoderIsTotalOnShortInput() {
        qt().withExamples(200).forAll(integers().between(0, 8), integers().between(-2, 10), integers().between(-2, 10)).check((size, off, len) -> {
            Instruction ins = codec(ByteOrder.BIG_ENDIAN).decode(new byte[size], off, len, 0x1000);
            return ins != null && ins.length() >= 1 && (size >= 4 && off >= 0 && off <= size - 4 && len >= 4 || !ins.isValid());
        });
        assertNotNull(codec(ByteOrder.LITTLE_ENDIAN).decode(null, 0, 4, 0));
    }

    @Test
    @DisplayName("every word of the subset decodes, and assembling its disassembly at the same PC gives the same word "
            + "(except ori rt,zero,imm < 0x8000, which objdump prints as li and GNU as assembles as addiu)")
    void roundTrip() {
        qt().withExamples(400).forAll(subsetWords(), alignedPcs()).check((w, pc) -> {
            for (ByteOrder o : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                boolean be = o == ByteOrder.BIG_ENDIAN;
                byte[] b = new byte[4];
                Bytes.put(b, 0, 4, w, be);
                Instruction ins = codec(o).decode(b, 0, 4, pc);
                if (!ins.isValid()) {
                    return false;
                }
                byte[] again = Assembler.assemble(codec(o), ins.text(), pc).bytes();
                boolean oriAlias = (w >>> 26) == 0x0d && ((w >>> 21) & 31) == 0 && (w & 0xFFFF) < 0x8000;
                if (oriAlias) {
                    // the same register and value, now as addiu: objdump prints "li rt,<decimal>"
                    Instruction li = codec(o).decode(again, 0, 4, pc);
                    if (!li.text().equals("li " + MipsRegisters.name((w >>> 16) & 31) + "," + (w & 0xFFFF))) {
                        return false;
                    }
                    continue;
                }
                if (again.length != 4 || (int) Bytes.get(again, 0, 4, be) != w) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    @DisplayName("the ori/li alias really is GNU's: 'li v0,0x5' assembles as addiu (objdump 'li v0,5'), 'li v0,0x8000' as ori")
    void oriAliasMatchesGnu() {
        // GNU as 2.40: li $2,0x5 -> 24020005; li $2,0x8000 -> 34028000 (see MipsCodecGoldenTest)
        assertEquals("24020005", Bytes.hex(Assembler.assemble(codec(ByteOrder.BIG_ENDIAN), "li v0,0x5", 0).bytes()));
        assertEquals("34028000", Bytes.hex(Assembler.assemble(codec(ByteOrder.BIG_ENDIAN), "li v0,0x8000", 0).bytes()));
        assertTrue(codec(ByteOrder.BIG_ENDIAN).decodeWord(0x34020005, 0).text().equals("li v0,0x5"));
    }
}
