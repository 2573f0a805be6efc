package dev.hcsim.arch.arm64;

import dev.hcsim.core.translate.Differential;
import dev.hcsim.core.translate.ProgramForms;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Translated and interpreted A64 agree (issue 18): random programs of the guest subset, branches included, end with the
 * same registers, PC, flags and memory; code that rewrites itself runs the new instruction.
 */
class Arm64TranslationTest {
    private static final List<String> X = ProgramForms.names("x", 0, 30, 28);
    static final ProgramForms FORMS = new ProgramForms(List.of(
            "{c:movz|movn|movk} {R}, #{i:0:65535}, lsl #{c:0|16|32|48}",
            "mov {R}, {S}",
            "{c:add|adds|sub|subs} {R}, {S}, #{i:0:4095}",
            "{c:add|adds|sub|subs} {R}, {S}, #{i:0:4095}, lsl #12",
            "{c:add|adds|sub|subs} {R}, {S}, {S}",
            "{c:cmp|cmn} {S}, #{i:0:4095}",
            "{c:cmp|cmn} {S}, {S}",
            "{c:add|adds|sub|subs} w{i:0:27}, w{i:0:27}, #{i:0:4095}",
            "{c:add|adds|sub|subs} w{i:0:27}, w{i:0:27}, w{i:0:27}",
            "{c:cmp|cmn} w{i:0:27}, w{i:0:27}",
            "mov w{i:0:27}, w{i:0:27}",
            "{c:cbz|cbnz} w{i:0:27}, {L}",
            "{c:ldr|str} {R}, [x28, #{i:0:32760:8}]",
            "{c:ldrb|strb} w{i:0:27}, [x28, #{i:0:4095}]",
            "b.{c:eq|ne|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al} {L}",
            "{c:cbz|cbnz} {S}, {L}",
            "b {L}",
            "nop",
            "mrs {R}, mpidr_el1"), X, X, "hvc #0");

    @Test
    @DisplayName("for all random programs: translated and interpreted execution end in the same state")
    void translatedAgreesWithInterpreted() {
        Differential.assertAgreeOnRandomPrograms("arm64", FORMS, "x28");
    }

    @Test
    @DisplayName("a store into the block being run replaces the instruction after it: the new one runs (self-modifying code)")
    void selfModifyingCode() {
        // add x2, x2, #1 is 0x91000442 (sf=1, ADD immediate, imm12=1, Rn=Rd=2); it replaces the add #2 at ORIGIN + 16
        String source = "movz w1, #0x0442\nmovk w1, #0x9100, lsl #16\nstr w1, [x28, #16]\nnop\nadd x2, x2, #2\nhvc #0\n";
        Differential.assertSelfModifyingCodeRuns("arm64", source, "x28", "x2", 1);
    }

    @Test
    @DisplayName("for all random programs with cheap calls among the instructions: traps inside translated blocks go on as the interpreter does")
    void callsInsideBlocksAgreeWithInterpreted() {
        // arch/arm64/kvm/hypercalls.c kvm_smccc_call_handler: SMCCC_VERSION answers ARM_SMCCC_VERSION_1_1: a call that returns to the guest, so the compiled block goes on after it
        Differential.assertCallsInsideBlocksAgree("arm64", FORMS, "x28", "movz x0, #0x8000, lsl #16\nhvc #0");
    }
}
