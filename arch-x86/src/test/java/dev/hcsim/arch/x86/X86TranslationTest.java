package dev.hcsim.arch.x86;

import dev.hcsim.core.translate.Differential;
import dev.hcsim.core.translate.ProgramForms;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Translated and interpreted x86-64 agree (issue 18): random programs of the guest subset, branches included, end
 * with the same registers, PC, flags and memory; code that rewrites itself runs the new instruction.
 */
class X86TranslationTest {
    private static final List<String> WRITE = List.of("rax", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
    private static final List<String> READ = List.of("rax", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rbx");
    static final ProgramForms FORMS = new ProgramForms(List.of(
            "mov ${i:-2147483648:2147483647}, %{R}",
            "movabs ${i:-9223372036854775808:9223372036854775807}, %{R}",
            "mov %{S}, %{R}",
            "{c:add|sub|cmp|and|or|xor} ${i:-2147483648:2147483647}, %{R}",
            "{c:add|sub|cmp|and|or|xor} %{S}, %{R}",
            "{c:add|sub|cmp|and|or|xor} %{c:eax|ecx|edx|esi}, %{c:edi|r8d|eax|r9d}",
            "mov {i:0:32760}(%rbx), %{R}",
            "mov %{S}, {i:0:32760}(%rbx)",
            "movzbl {i:0:127}(%rbx), %{c:eax|ecx|r8d}",
            "mov %{c:al|cl|dl|r9b}, {i:0:127}(%rbx)",
            "mov {i:0:127}(%rbx), %{c:al|cl|dl|r9b}",
            "mov {i:0:32760}(%rbx), %{c:eax|ecx|r8d}",
            "movq ${i:-2147483648:2147483647}, {i:0:127}(%rbx)",
            "j{c:o|no|b|ae|e|ne|be|a|s|ns|p|np|l|ge|le|g} {L}",
            "jmp {L}",
            "pause",
            "nop"), WRITE, READ, "vmcall");

    @Test
    @DisplayName("for all random programs: translated and interpreted execution end in the same state")
    void translatedAgreesWithInterpreted() {
        Differential.assertAgreeOnRandomPrograms("x86", FORMS, "rbx");
    }

    @Test
    @DisplayName("a store into the block being run replaces an instruction after it: the new one runs (self-modifying code)")
    void selfModifyingCode() {
        // movl $imm32, 0x10(%rbx) is 7 bytes and 9 nops follow: add $2, %rdx (48 83 c2 02) is at 0x10; the store writes add $1, %rdx (48 83 c2 01) over it
        String source = "movl $0x01c28348, 0x10(%rbx)\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nadd $2, %rdx\nvmcall\n";
        Differential.assertSelfModifyingCodeRuns("x86", source, "rbx", "rdx", 1L);
    }

    @Test
    @DisplayName("for all random programs with cheap calls among the instructions: traps inside translated blocks go on as the interpreter does")
    void callsInsideBlocksAgreeWithInterpreted() {
        // arch/x86/kvm/x86.c kvm_emulate_hypercall: KVM_HC_VAPIC_POLL_IRQ (1) answers 0: a call that returns to the guest, so the compiled block goes on after it
        Differential.assertCallsInsideBlocksAgree("x86", FORMS, "rbx", "mov $1, %rax\nvmcall");
    }
}
