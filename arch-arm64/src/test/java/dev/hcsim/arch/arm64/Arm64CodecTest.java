package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Program;
import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.spi.Instruction;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The A64 subset against GNU binutils 2.40: every golden row was assembled with
 * {@code aarch64-linux-gnu-as} (all rows as one program at address 0, in this order) and
 * disassembled with {@code aarch64-linux-gnu-objdump -d}; the third column is objdump's text with
 * one space after the mnemonic, its trailing comment dropped and branch targets written 0x...
 */
class Arm64CodecTest {
    private static final Arm64Codec CODEC = Arm64Codec.INSTANCE;

    /** {source given to GNU as, word GNU as emitted, objdump text}. */
    static final String[][] GOLDEN = {
            {"movz x0, #0x1234", "d2824680", "mov x0, #0x1234"}, // objdump: mov x0, #0x1234 // #4660
            {"movz x1, #0xffff, lsl #16", "d2bfffe1", "mov x1, #0xffff0000"}, // objdump: mov x1, #0xffff0000 // #4294901760
            {"movz w2, #0x8600, lsl #16", "52b0c002", "mov w2, #0x86000000"}, // objdump: mov w2, #0x86000000 // #-2046820352
            {"movk x0, #0xff01", "f29fe020", "movk x0, #0xff01"}, // objdump: movk x0, #0xff01
            {"movk x3, #0xc600, lsl #16", "f2b8c003", "movk x3, #0xc600, lsl #16"}, // objdump: movk x3, #0xc600, lsl #16
            {"movk x4, #0x1, lsl #32", "f2c00024", "movk x4, #0x1, lsl #32"}, // objdump: movk x4, #0x1, lsl #32
            {"movk x5, #0xabcd, lsl #48", "f2f579a5", "movk x5, #0xabcd, lsl #48"}, // objdump: movk x5, #0xabcd, lsl #48
            {"movk w6, #0x7, lsl #16", "72a000e6", "movk w6, #0x7, lsl #16"}, // objdump: movk w6, #0x7, lsl #16
            {"mov x0, #0x10", "d2800200", "mov x0, #0x10"}, // objdump: mov x0, #0x10 // #16
            {"mov x1, #-1", "92800001", "mov x1, #0xffffffffffffffff"}, // objdump: mov x1, #0xffffffffffffffff // #-1
            {"mov w2, #-1", "12800002", "mov w2, #0xffffffff"}, // objdump: mov w2, #0xffffffff // #-1
            {"mov x3, #0x12340000", "d2a24683", "mov x3, #0x12340000"}, // objdump: mov x3, #0x12340000 // #305397760
            {"mov x4, #-0x10000", "929fffe4", "mov x4, #0xffffffffffff0000"}, // objdump: mov x4, #0xffffffffffff0000 // #-65536
            {"mov x7, x8", "aa0803e7", "mov x7, x8"}, // objdump: mov x7, x8
            {"mov w9, w10", "2a0a03e9", "mov w9, w10"}, // objdump: mov w9, w10
            {"mov x1, sp", "910003e1", "mov x1, sp"}, // objdump: mov x1, sp
            {"mov sp, x2", "9100005f", "mov sp, x2"}, // objdump: mov sp, x2
            {"mov x0, xzr", "aa1f03e0", "mov x0, xzr"}, // objdump: mov x0, xzr
            {"add x0, x1, #0x10", "91004020", "add x0, x1, #0x10"}, // objdump: add x0, x1, #0x10
            {"add x0, x1, #0x1, lsl #12", "91400420", "add x0, x1, #0x1, lsl #12"}, // objdump: add x0, x1, #0x1, lsl #12
            {"add w2, w3, #4095", "113ffc62", "add w2, w3, #0xfff"}, // objdump: add w2, w3, #0xfff
            {"add sp, sp, #0x40", "910103ff", "add sp, sp, #0x40"}, // objdump: add sp, sp, #0x40
            {"sub x3, x3, #0x1", "d1000463", "sub x3, x3, #0x1"}, // objdump: sub x3, x3, #0x1
            {"sub w4, w5, #0x8", "510020a4", "sub w4, w5, #0x8"}, // objdump: sub w4, w5, #0x8
            {"sub sp, sp, #16", "d10043ff", "sub sp, sp, #0x10"}, // objdump: sub sp, sp, #0x10
            {"cmp x0, #0x0", "f100001f", "cmp x0, #0x0"}, // objdump: cmp x0, #0x0
            {"cmp w1, #0x5", "7100143f", "cmp w1, #0x5"}, // objdump: cmp w1, #0x5
            {"cmp x2, #0x1, lsl #12", "f140045f", "cmp x2, #0x1, lsl #12"}, // objdump: cmp x2, #0x1, lsl #12
            {"cmp sp, #8", "f10023ff", "cmp sp, #0x8"}, // objdump: cmp sp, #0x8
            {"b.eq .+8", "54000040", "b.eq 0x7c"}, // objdump: b.eq 7c <.text+0x7c> // b.none
            {"b.ne .-4", "54ffffe1", "b.ne 0x74"}, // objdump: b.ne 74 <.text+0x74> // b.any
            {"b.hs .+12", "54000062", "b.cs 0x88"}, // objdump: b.cs 88 <.text+0x88> // b.hs, b.nlast
            {"b.lo .+16", "54000083", "b.cc 0x90"}, // objdump: b.cc 90 <.text+0x90> // b.lo, b.ul, b.last
            {"b.mi .+0", "54000004", "b.mi 0x84"}, // objdump: b.mi 84 <.text+0x84> // b.first
            {"b.gt .-0x100000", "5480000c", "b.gt 0xfffffffffff00088"}, // objdump: b.gt fffffffffff00088 <.text+0xfffffffffff00088>
            {"b.le .+0xffffc", "547fffed", "b.le 0x100088"}, // objdump: b.le 100088 <.text+0x100088>
            {"b.al .+4", "5400002e", "b.al 0x94"}, // objdump: b.al 94 <.text+0x94>
            {"b .+0x7fffffc", "15ffffff", "b 0x8000090"}, // objdump: b 8000090 <.text+0x8000090>
            {"b .-0x8000000", "16000000", "b 0xfffffffff8000098"}, // objdump: b fffffffff8000098 <.text+0xfffffffff8000098>
            {"cbz x0, .+8", "b4000040", "cbz x0, 0xa4"}, // objdump: cbz x0, a4 <.text+0xa4>
            {"cbnz w1, .-8", "35ffffc1", "cbnz w1, 0x98"}, // objdump: cbnz w1, 98 <.text+0x98>
            {"ldr x0, [x1]", "f9400020", "ldr x0, [x1]"}, // objdump: ldr x0, [x1]
            {"ldr x2, [x3, #8]", "f9400462", "ldr x2, [x3, #8]"}, // objdump: ldr x2, [x3, #8]
            {"ldr w4, [x5, #4]", "b94004a4", "ldr w4, [x5, #4]"}, // objdump: ldr w4, [x5, #4]
            {"ldr x6, [sp, #32760]", "f97fffe6", "ldr x6, [sp, #32760]"}, // objdump: ldr x6, [sp, #32760]
            {"ldr w7, [x8, #16380]", "b97ffd07", "ldr w7, [x8, #16380]"}, // objdump: ldr w7, [x8, #16380]
            {"str x0, [x1]", "f9000020", "str x0, [x1]"}, // objdump: str x0, [x1]
            {"str x9, [x10, #16]", "f9000949", "str x9, [x10, #16]"}, // objdump: str x9, [x10, #16]
            {"str w11, [sp, #4]", "b90007eb", "str w11, [sp, #4]"}, // objdump: str w11, [sp, #4]
            {"hvc #0", "d4000002", "hvc #0x0"}, // objdump: hvc #0x0
            {"hvc #0x1234", "d4024682", "hvc #0x1234"}, // objdump: hvc #0x1234
            {"hvc #0xffff", "d41fffe2", "hvc #0xffff"}, // objdump: hvc #0xffff
            {"smc #0", "d4000003", "smc #0x0"}, // objdump: smc #0x0
            {"smc #1", "d4000023", "smc #0x1"}, // objdump: smc #0x1
            {"wfi", "d503207f", "wfi"}, // objdump: wfi
            {"nop", "d503201f", "nop"}, // objdump: nop
            {"mrs x0, mpidr_el1", "d53800a0", "mrs x0, mpidr_el1"}, // objdump: mrs x0, mpidr_el1
            {"mrs x30, mpidr_el1", "d53800be", "mrs x30, mpidr_el1"}, // objdump: mrs x30, mpidr_el1
            {"svc #0", "d4000001", "svc #0x0"}, // objdump: svc #0x0
            {"movz x0, #0, lsl #16", "d2a00000", "movz x0, #0x0, lsl #16"}, // objdump: movz x0, #0x0, lsl #16
            {"movn x0, #0, lsl #16", "92a00000", "movn x0, #0x0, lsl #16"}, // objdump: movn x0, #0x0, lsl #16
            {"movn w0, #0xffff", "129fffe0", "movn w0, #0xffff"}, // objdump: movn w0, #0xffff
            {"movn w0, #0xffff, lsl #16", "12bfffe0", "movn w0, #0xffff, lsl #16"}, // objdump: movn w0, #0xffff, lsl #16
            {"movn x0, #0xffff", "929fffe0", "mov x0, #0xffffffffffff0000"}, // objdump: mov x0, #0xffffffffffff0000 // #-65536
            {"movn x1, #0x1234, lsl #32", "92c24681", "mov x1, #0xffffedcbffffffff"}, // objdump: mov x1, #0xffffedcbffffffff // #-20014547599361
            {"movk x0, #0", "f2800000", "movk x0, #0x0"}, // objdump: movk x0, #0x0
            {"movz w0, #0", "52800000", "mov w0, #0x0"}, // objdump: mov w0, #0x0 // #0
            {"movz x9, #0", "d2800009", "mov x9, #0x0"}, // objdump: mov x9, #0x0 // #0
            {"mov x0, #0", "d2800000", "mov x0, #0x0"}, // objdump: mov x0, #0x0 // #0
            {"add x0, x1, #0", "91000020", "add x0, x1, #0x0"}, // objdump: add x0, x1, #0x0
            {"adds x2, x3, #0x7", "b1001c62", "adds x2, x3, #0x7"}, // objdump: adds x2, x3, #0x7
            {"subs x4, x5, #1, lsl #12", "f14004a4", "subs x4, x5, #0x1, lsl #12"}, // objdump: subs x4, x5, #0x1, lsl #12
            {"cmn x6, #2", "b10008df", "cmn x6, #0x2"}, // objdump: cmn x6, #0x2
            {"cmn w7, #3", "31000cff", "cmn w7, #0x3"}, // objdump: cmn w7, #0x3
            {"subs w8, w9, #10", "71002928", "subs w8, w9, #0xa"}, // objdump: subs w8, w9, #0xa
            {"ldrb w0, [x1, #3]", "39400c20", "ldrb w0, [x1, #3]"}, // objdump: ldrb w0, [x1, #3]
            {"ldrh w2, [x3, #4094]", "795ffc62", "ldrh w2, [x3, #4094]"}, // objdump: ldrh w2, [x3, #4094]
            {"strb w4, [x5]", "390000a4", "strb w4, [x5]"}, // objdump: strb w4, [x5]
            {"strh w6, [sp, #2]", "790007e6", "strh w6, [sp, #2]"}, // objdump: strh w6, [sp, #2]
            {"ldr x0, [x1, #0]", "f9400020", "ldr x0, [x1]"}, // objdump: ldr x0, [x1]
            {"b.nv .+8", "5400004f", "b.nv 0x148"}, // objdump: b.nv 148 <.text+0x148>
            {"cmp wsp, #1", "710007ff", "cmp wsp, #0x1"}, // objdump: cmp wsp, #0x1
            {"add w0, wsp, #1", "110007e0", "add w0, wsp, #0x1"}, // objdump: add w0, wsp, #0x1
            {"mov wsp, w1", "1100003f", "mov wsp, w1"}, // objdump: mov wsp, w1
            {"mov w1, wsp", "110003e1", "mov w1, wsp"}, // objdump: mov w1, wsp
            {"ldr w0, [sp]", "b94003e0", "ldr w0, [sp]"}, // objdump: ldr w0, [sp]
            {"add x0, x1, #-1", "d1000420", "sub x0, x1, #0x1"}, // objdump: sub x0, x1, #0x1
            {"add x0, x1, #4096", "91400420", "add x0, x1, #0x1, lsl #12"}, // objdump: add x0, x1, #0x1, lsl #12
            {"sub x2, x3, #-8", "91002062", "add x2, x3, #0x8"}, // objdump: add x2, x3, #0x8
            {"cmp x0, #-1", "b100041f", "cmn x0, #0x1"}, // objdump: cmn x0, #0x1
            {"mov w0, #0xffff0000", "52bfffe0", "mov w0, #0xffff0000"}, // objdump: mov w0, #0xffff0000 // #-65536
            {"mov x0, #-0x10000", "929fffe0", "mov x0, #0xffffffffffff0000"}, // objdump: mov x0, #0xffffffffffff0000 // #-65536
            {"mov w1, #-2", "12800021", "mov w1, #0xfffffffe"}, // objdump: mov w1, #0xfffffffe // #-2
            {"hvc 5", "d40000a2", "hvc #0x5"}, // objdump: hvc #0x5
            {"movz x1, 7", "d28000e1", "mov x1, #0x7"}, // objdump: mov x1, #0x7 // #7
            {"ldr x0, [x1, 8]", "f9400420", "ldr x0, [x1, #8]"}, // objdump: ldr x0, [x1, #8]
            {"add x0, x1, x2", "8b020020", "add x0, x1, x2"}, // objdump: add x0, x1, x2
            {"adds x3, x4, x5", "ab050083", "adds x3, x4, x5"}, // objdump: adds x3, x4, x5
            {"sub w6, w7, w8", "4b0800e6", "sub w6, w7, w8"}, // objdump: sub w6, w7, w8
            {"subs x9, x10, x11", "eb0b0149", "subs x9, x10, x11"}, // objdump: subs x9, x10, x11
            {"cmp x0, x4", "eb04001f", "cmp x0, x4"}, // objdump: cmp x0, x4
            {"cmp w1, w2", "6b02003f", "cmp w1, w2"}, // objdump: cmp w1, w2
            {"cmn x3, x30", "ab1e007f", "cmn x3, x30"}, // objdump: cmn x3, x30
            {"add xzr, x1, x2", "8b02003f", "add xzr, x1, x2"}, // objdump: add xzr, x1, x2
            {"msr icc_sgi1r_el1, x0", "d518cba0", "msr icc_sgi1r_el1, x0"}, // objdump: msr icc_sgi1r_el1, x0
            {"msr icc_sgi1r_el1, x5", "d518cba5", "msr icc_sgi1r_el1, x5"}, // objdump: msr icc_sgi1r_el1, x5
            {"msr icc_sgi1r_el1, xzr", "d518cbbf", "msr icc_sgi1r_el1, xzr"}, // objdump: msr icc_sgi1r_el1, xzr
    };

    @Test
    @DisplayName("GNU as: every golden statement assembles to the word aarch64-linux-gnu-as emitted")
    void assemblesLikeGnuAs() {
        StringBuilder src = new StringBuilder();
        byte[] expected = new byte[GOLDEN.length * 4];
        for (int i = 0; i < GOLDEN.length; i++) {
            src.append(GOLDEN[i][0]).append('\n');
            Bytes.put(expected, i * 4, 4, Long.parseLong(GOLDEN[i][1], 16), false);
        }
        Program p = Assembler.assemble(CODEC, src.toString(), 0);
        for (int i = 0; i < GOLDEN.length; i++) {
            assertEquals(GOLDEN[i][1], String.format(Locale.ROOT, "%08x", Bytes.get(p.bytes(), i * 4, 4, false)), GOLDEN[i][0]);
        }
        assertArrayEquals(expected, p.bytes());
    }

    @Test
    @DisplayName("GNU objdump: every golden word disassembles to objdump's text")
    void disassemblesLikeObjdump() {
        for (int i = 0; i < GOLDEN.length; i++) {
            byte[] b = new byte[4];
            Bytes.put(b, 0, 4, Long.parseLong(GOLDEN[i][1], 16), false);
            Instruction ins = CODEC.decode(b, 0, 4, i * 4L);
            assertTrue(ins.isValid(), GOLDEN[i][1]);
            assertEquals(GOLDEN[i][2], ins.text(), GOLDEN[i][1]);
            assertEquals(4, ins.length());
        }
    }

    @Test
    @DisplayName("neighbours of hvc/smc are not in the subset: svc d4000001, brk d4200000, hlt d4400000, dcps2 d4a00002, hvc with LL=11")
    void neighboursAreNotTraps() {
        for (int w : new int[] {0xD4200000, 0xD4400000, 0xD4A00002, 0xD4000000, 0xD4000004, 0xD5032000, 0xD53800C0, 0xD538CBA1, 0xD518CBC0, 0x54000010,
            0x91800000, 0x39800000, 0x2A010040, 0x8B020820, 0xCB0103E0}) {
            assertFalse(Arm64Codec.decodeWord(w, 0) != null, String.format(Locale.ROOT, "%08x", w));
        }
    }

    @Test
    @DisplayName("an undecodable word reports its address; fewer than 4 bytes is undecodable, never an exception")
    void undecodableNamesAddress() {
        Instruction i = CODEC.decode(new byte[] {1, 0, 0, 0}, 0, 4, 0x4000);
        assertFalse(i.isValid());
        assertEquals("(bad)", i.text());
        dev.hcsim.core.spi.Cpu cpu = new dev.hcsim.core.spi.Cpu(null, 0, null, null);
        assertEquals(dev.hcsim.core.spi.Cpu.FAULT, i.execute(cpu));
        assertTrue(cpu.faultReason().contains("0x4000"), cpu.faultReason());
        assertFalse(CODEC.decode(new byte[] {2, 0}, 0, 2, 0).isValid());
        assertFalse(CODEC.decode(new byte[0], 0, 0, 0).isValid());
        assertFalse(CODEC.decode(new byte[] {2, 0, 0, (byte) 0xd4}, 2, 4, 0).isValid());
    }

    @Test
    @DisplayName("inputs GNU as rejects or that need forms outside the subset are AsmExceptions with the line")
    void badInputIsAnError() {
        for (String s : new String[] {"mov x0, #0x12345678", "ldr x0, [x1, #3]", "ldr x0, [x1, #-8]", "movz x0, #0x10000", "hvc #0x10000",
            "add x0, x1, #0x1001", "adds sp, x1, #1", "mov x0, w1", "mrs x0, midr_el1", "b.xx 0", "b 0x2", "frob x0", "cbz sp, 0",
            "ldrb x0, [x1]", "movk w0, #1, lsl #32", "str w0, [w1]", "sub x0, xzr, x1", "add x0, x1, x2, lsl #2", "add x0, sp, x1", "msr icc_sgi1r_el1, w0", "msr daif, x0"}) {
            AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "nop\n" + s, 0), s);
            assertEquals(2, e.line(), s);
        }
    }

    @Test
    @DisplayName("the decoder never throws on any 32-bit word, and a decoded word is 4 bytes with text")
    void decoderIsTotal() {
        qt().withExamples(5000).forAll(integers().all()).checkAssert(w -> {
            byte[] b = new byte[4];
            Bytes.put(b, 0, 4, w, false);
            Instruction i = CODEC.decode(b, 0, 4, 0x8000);
            assertEquals(4, i.length());
            assertFalse(i.text().isEmpty());
        });
    }

    /** Masks and values of the subset's encoding classes; random fields fill the rest. */
    private static final int[][] CLASSES = {
        {0xFFE0001F, 0xD4000002}, {0xFFE0001F, 0xD4000003}, {0xFFE0001F, 0xD4000001}, {0xFFFFFFE0, 0xD53800A0}, {0x1F800000, 0x12800000},
        {0x1F800000, 0x11000000}, {0x7FE0FFE0, 0x2A0003E0}, {0xFF000010, 0x54000000}, {0xFC000000, 0x14000000},
        {0x7E000000, 0x34000000}, {0x3F800000, 0x39000000}, {0x1FE0FC00, 0x0B000000}, {0xFFFFFFFF, 0xD503201F}, {0xFFFFFFFF, 0xD503207F}, {0xFFFFFFE0, 0xD518CBA0}};

    @Test
    @DisplayName("round trip: assemble(disassemble(word)) at the same address gives the word back, for every word of the subset")
    void roundTrip() {
        qt().withExamples(3000).forAll(integers().all(), integers().between(0, CLASSES.length - 1), integers().between(0, 0xFFFFF))
                .checkAssert((random, c, page) -> {
                    int w = (random & ~CLASSES[c][0]) | CLASSES[c][1];
                    long pc = 0x1000_0000L + page * 4L;
                    Instruction i = Arm64Codec.decodeWord(w, pc);
                    if (i == null) {
                        return; // a reserved combination inside the class (movz w with hw >= 2, opc 01)
                    }
                    Program p = Assembler.assemble(CODEC, i.text(), pc);
                    assertEquals(String.format(Locale.ROOT, "%08x", w), String.format(Locale.ROOT, "%08x", Bytes.get(p.bytes(), 0, 4, false)), i.text());
                });
    }

    @Test
    @DisplayName("round trip also holds for every word a random 32-bit value decodes to")
    void roundTripOfRandomWords() {
        qt().withExamples(5000).forAll(integers().all()).checkAssert(w -> {
            Instruction i = Arm64Codec.decodeWord(w, 0x4000);
            if (i != null) {
                assertEquals(String.format(Locale.ROOT, "%08x", w),
                        String.format(Locale.ROOT, "%08x", Bytes.get(Assembler.assemble(CODEC, i.text(), 0x4000).bytes(), 0, 4, false)), i.text());
            }
        });
    }
}
