package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.VmConfig;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.sched.Machine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The x86 subset executes as the SDM says: flags from cmp/add/sub and every jcc condition, for all operands. */
class X86InterpreterTest {
    private static final String[] CC = {"e", "ne", "l", "ge", "le", "g", "b", "ae", "be", "a", "s", "ns"};

    private static boolean expected(String cc, long a, long b) {
        long r = a - b;
        return switch (cc) {
            case "e" -> a == b;
            case "ne" -> a != b;
            case "l" -> a < b;
            case "ge" -> a >= b;
            case "le" -> a <= b;
            case "g" -> a > b;
            case "b" -> Long.compareUnsigned(a, b) < 0;
            case "ae" -> Long.compareUnsigned(a, b) >= 0;
            case "be" -> Long.compareUnsigned(a, b) <= 0;
            case "a" -> Long.compareUnsigned(a, b) > 0;
            case "s" -> r < 0;
            default -> r >= 0;
        };
    }

    private static Machine run(String source) {
        Machine m = new Machine(VmConfig.builder("x86").build(), "t");
        m.load(0x1000, Assembler.assemble(X86Codec.INSTANCE, source, 0x1000).bytes());
        m.registers(0).pc(0x1000);
        m.run(1000, 1_000_000);
        return m;
    }

    @Test
    @DisplayName("for all 64-bit operands and conditions: cmp then jcc branches exactly when the condition holds")
    void compareAndBranch() {
        qt().withExamples(600).forAll(integers().between(0, CC.length - 1), longs().all(), longs().all().mix(longs().between(-2, 2), 30))
                .checkAssert((c, a, b) -> {
                    Machine m = run("movabs $" + a + ", %rax\nmovabs $" + b + ", %rbx\ncmp %rbx, %rax\nj" + CC[c] + " yes\nmov $0, %rcx\nhlt\n"
                            + "yes: mov $1, %rcx\nhlt");
                    assertEquals(expected(CC[c], a, b) ? 1 : 0, m.registers(0).get(X86Registers.RCX), CC[c] + " " + a + " " + b);
                });
    }

    @Test
    @DisplayName("32-bit writes zero-extend, 8/16-bit loads merge, loads and stores round-trip through memory")
    void widths() {
        Machine m = run("movabs $-1, %rax\nmov $5, %eax\nmovabs $0x1122334455667788, %rbx\nmov $0x2000, %rsi\nmov %rbx, 8(%rsi)\n"
                + "movabs $-1, %rcx\nmovzwl 8(%rsi), %ecx\nmovabs $-1, %rdx\nmov 8(%rsi), %dl\nmovl $0xaabbccdd, 16(%rsi)\nmov 16(%rsi), %edi\nhlt");
        assertEquals(5, m.registers(0).get(X86Registers.RAX));
        assertEquals(0x7788, m.registers(0).get(X86Registers.RCX));
        assertEquals(0xFFFFFFFFFFFFFF88L, m.registers(0).get(X86Registers.RDX));
        assertEquals(0xAABBCCDDL, m.registers(0).get(X86Registers.RDI));
    }

    @Test
    @DisplayName("a counted loop runs its body exactly N times (sub sets ZF at zero)")
    void loop() {
        Machine m = run("mov $37, %rcx\nmov $0, %rax\nl: add $3, %rax\nsub $1, %rcx\njne l\nhlt");
        assertEquals(111, m.registers(0).get(X86Registers.RAX));
    }
}
