package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.spi.Instruction;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class X86CodecTest {
    private static final X86Codec CODEC = X86Codec.INSTANCE;

    private static byte[] asm(String line) {
        return Assembler.assemble(CODEC, line, 0).bytes();
    }

    /**
     * Golden bytes and text from GNU binutils 2.40: x86_64-linux-gnu-as then x86_64-linux-gnu-objdump -d
     * (objdump's whitespace collapsed to one space).
     */
    @ParameterizedTest(name = "GNU as: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "mov $5, %rax|48c7c005000000|mov $0x5,%rax",
        "mov $5, %eax|b805000000|mov $0x5,%eax",
        "mov $-1, %rax|48c7c0ffffffff|mov $0xffffffffffffffff,%rax",
        "mov $0x123456789, %rax|48b88967452301000000|movabs $0x123456789,%rax",
        "movabs $5, %rax|48b80500000000000000|movabs $0x5,%rax",
        "mov $0x80000000, %rax|48b80000008000000000|movabs $0x80000000,%rax",
        "mov $5, %r9|49c7c105000000|mov $0x5,%r9",
        "mov $5, %r9d|41b905000000|mov $0x5,%r9d",
        "mov %rbx, %rax|4889d8|mov %rbx,%rax",
        "mov %r8, %r15|4d89c7|mov %r8,%r15",
        "mov %ebx, %eax|89d8|mov %ebx,%eax",
        "add $1, %rax|4883c001|add $0x1,%rax",
        "add $0x1000, %rax|480500100000|add $0x1000,%rax",
        "add $0x1000, %rbx|4881c300100000|add $0x1000,%rbx",
        "sub $1, %r10|4983ea01|sub $0x1,%r10",
        "cmp $3, %rcx|4883f903|cmp $0x3,%rcx",
        "cmp $0x1000, %rax|483d00100000|cmp $0x1000,%rax",
        "cmp %rbx, %rax|4839d8|cmp %rbx,%rax",
        "add %rbx, %rax|4801d8|add %rbx,%rax",
        "xor %eax, %eax|31c0|xor %eax,%eax",
        "mov (%rbx), %rax|488b03|mov (%rbx),%rax",
        "mov 8(%rbx), %rax|488b4308|mov 0x8(%rbx),%rax",
        "mov 0x1000(%rbx), %rax|488b8300100000|mov 0x1000(%rbx),%rax",
        "mov (%rsp), %rax|488b0424|mov (%rsp),%rax",
        "mov (%rbp), %rax|488b4500|mov 0x0(%rbp),%rax",
        "mov (%r12), %rax|498b0424|mov (%r12),%rax",
        "mov (%r13), %rax|498b4500|mov 0x0(%r13),%rax",
        "movl (%rbx), %eax|8b03|mov (%rbx),%eax",
        "movzbl (%rbx), %eax|0fb603|movzbl (%rbx),%eax",
        "movzwl (%rbx), %eax|0fb703|movzwl (%rbx),%eax",
        "mov %rax, 8(%rbx)|48894308|mov %rax,0x8(%rbx)",
        "mov %eax, (%rbx)|8903|mov %eax,(%rbx)",
        "mov %ax, (%rbx)|668903|mov %ax,(%rbx)",
        "mov %al, (%rbx)|8803|mov %al,(%rbx)",
        "mov %sil, (%rbx)|408833|mov %sil,(%rbx)",
        "mov %r9b, (%rbx)|44880b|mov %r9b,(%rbx)",
        "vmcall|0f01c1|vmcall",
        "vmmcall|0f01d9|vmmcall",
        "cpuid|0fa2|cpuid",
        "hlt|f4|hlt",
        "pause|f390|pause",
        "nop|90|nop",
        "wrmsr|0f30|wrmsr",
        "rdmsr|0f32|rdmsr",
        "rdtsc|0f31|rdtsc",
        "movq $5, (%rbx)|48c70305000000|movq $0x5,(%rbx)",
        "movl $5, 4(%rbx)|c7430405000000|movl $0x5,0x4(%rbx)"})
    void matchesGnuAs(String source, String hex, String objdump) {
        byte[] bytes = asm(source);
        assertEquals(hex, Bytes.hex(bytes));
        Instruction i = CODEC.decode(bytes, 0, bytes.length, 0);
        assertTrue(i.isValid(), source);
        assertEquals(bytes.length, i.length());
        assertEquals(objdump, i.text().replaceAll("\\s+", " "));
    }

    @Test
    @DisplayName("GNU as relaxes branches: short to a near label, near past 127 bytes (as 2.40: 74 fe / 0f 84 rel32)")
    void branchRelaxation() {
        assertEquals("74fe75fcebfa", Bytes.hex(asm("l: je l\njne l\njmp l")));
        byte[] far = asm("je far\n.zero 200\nfar: nop");
        assertEquals("0f84c8000000", Bytes.hex(far, 0, 6));
        byte[] back = asm("top: .zero 200\njmp top");
        assertEquals("e933ffffff", Bytes.hex(back, 200, 5));
    }

    @Test
    @DisplayName("an instruction's text is the mnemonic padded to 6 columns, a space and the operands (what \"%-6s %s\" gave), for every length")
    void textPadding() {
        qt().withExamples(2000).forAll(strings().basicLatinAlphabet().ofLengthBetween(1, 10), strings().basicLatinAlphabet().ofLengthBetween(0, 20))
                .checkAssert((mnemonic, operands) -> assertEquals(operands.isEmpty() ? mnemonic
                        : String.format(Locale.ROOT, "%-6s %s", mnemonic, operands), X86Interpreter.fmt(mnemonic, operands)));
    }

    @Test
    @DisplayName("branch text uses 0x targets that re-assemble to the same bytes")
    void branchText() {
        byte[] b = asm(".zero 0x10\nl: jne l");
        Instruction i = CODEC.decode(b, 0x10, 2, 0x10);
        assertEquals("jne    0x10", i.text());
        assertArrayEquals(new byte[] {0x75, (byte) 0xFE}, Assembler.assemble(CODEC, i.text(), 0x10).bytes());
    }

    @Test
    @DisplayName("neighbours of vmcall in opcode group 7 are not hypercalls: vmlaunch 0f01c2, vmresume 0f01c3, vmrun 0f01d8")
    void neighboursOfVmcallAreNotInSubset() {
        for (String hex : new String[] {"0f01c2", "0f01c3", "0f01d8", "0f01da", "0f01db"}) {
            byte[] b = Bytes.parseHex(hex);
            assertFalse(CODEC.decode(b, 0, b.length, 0x1000).isValid(), hex);
        }
    }

    @Test
    @DisplayName("bad assembly is a clear error with the line number")
    void badAssembly() {
        AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, "nop\nfrobnicate %rax", 0));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
        assertThrows(AsmException.class, () -> asm("mov $5, %zax"));
        assertThrows(AsmException.class, () -> asm("mov $0x100000000, %eax"));
        assertThrows(AsmException.class, () -> asm("jmp nowhere"));
    }

    @Test
    @DisplayName("the decoder never throws and never reads past the bytes it is given, for any byte string")
    void decoderIsTotal() {
        qt().withExamples(3000).forAll(arbitrary().pick(new byte[0]).map(x -> x), integers().between(1, 15), longs().all())
                .checkAssert((unused, len, seed) -> {
                    byte[] buf = new byte[len];
                    new java.util.Random(seed).nextBytes(buf);
                    Instruction i = CODEC.decode(buf, 0, len, 0x1000);
                    assertTrue(i.length() >= 1 && i.length() <= len);
                    assertTrue(i.text() != null);
                });
    }

    @Test
    @DisplayName("round trip for all generated instructions: assemble -> decode -> disassemble -> assemble gives the same bytes")
    void roundTrip() {
        String[] forms = {"mov $%d, %%%s", "add $%d, %%%s", "sub $%d, %%%s", "cmp $%d, %%%s", "and $%d, %%%s", "xor $%d, %%%s",
            "mov %d(%%rbx), %%%s", "mov %%%2$s, %1$d(%%rsp)", "movq $%d, (%%%2$s)"};
        qt().withExamples(1500).forAll(integers().between(0, forms.length - 1), integers().between(Integer.MIN_VALUE, Integer.MAX_VALUE),
                integers().between(0, 15)).checkAssert((f, imm, reg) -> {
                    String line = String.format(Locale.ROOT, forms[f], imm, X86Registers.NAMES64[reg]);
                    byte[] bytes = asm(line);
                    Instruction i = CODEC.decode(bytes, 0, bytes.length, 0);
                    assertTrue(i.isValid(), line);
                    assertEquals(bytes.length, i.length(), line);
                    assertArrayEquals(bytes, asm(i.text()), line + " -> " + i.text());
                });
    }
}
