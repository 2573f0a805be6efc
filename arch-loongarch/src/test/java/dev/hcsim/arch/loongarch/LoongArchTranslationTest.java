package dev.hcsim.arch.loongarch;

import dev.hcsim.core.translate.Differential;
import dev.hcsim.core.translate.ProgramForms;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Translated and interpreted LoongArch agree (issue 18): random programs of the guest subset, branches included, end
 * with the same registers, PC, flags and memory; code that rewrites itself runs the new instruction.
 */
class LoongArchTranslationTest {
    private static final List<String> WRITE = List.of("ra", "tp", "sp", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "s0", "s1", "s2", "s3");
    private static final List<String> READ = List.of("zero", "ra", "a0", "a1", "a2", "a3", "t0", "t1", "t2", "s0", "s1", "s8");
    static final ProgramForms FORMS = new ProgramForms(List.of(
            "addi.{c:d|w} ${R}, ${S}, {i:-2048:2047}",
            "{c:andi|ori} ${R}, ${S}, {i:0:4095}",
            "or ${R}, ${S}, ${S}",
            "move ${R}, ${S}",
            "li.d ${R}, {i:-9223372036854775808:9223372036854775807}",
            "li.w ${R}, {i:-2147483648:2147483647}",
            "ld.{c:b|h|w|d} ${R}, $s8, {i:0:2040:8}",
            "st.{c:b|h|w|d} ${S}, $s8, {i:0:2040:8}",
            "{c:beq|bne|blt|bge} ${S}, ${S}, {L}",
            "{c:beqz|bnez} ${S}, {L}",
            "b {L}",
            "nop"), WRITE, READ, "hvcl 0x100");

    @Test
    @DisplayName("for all random programs: translated and interpreted execution end in the same state")
    void translatedAgreesWithInterpreted() {
        Differential.assertAgreeOnRandomPrograms("loongarch", FORMS, "s8");
    }

    @Test
    @DisplayName("a store into the block being run replaces an instruction after it: the new one runs (self-modifying code)")
    void selfModifyingCode() {
        // addi.d $a0, $a0, 1 is 0x02c00484 (si12 = 1 at bit 10, rj = rd = 4); li.w of it is lu12i.w + ori, so the st.w writes it over the addi.d at offset 16
        String source = "li.w $t0, 0x02c00484\nst.w $t0, $s8, 16\nnop\naddi.d $a0, $a0, 2\nhvcl 0x100\n";
        Differential.assertSelfModifyingCodeRuns("loongarch", source, "s8", "a0", 1L);
    }

    @Test
    @DisplayName("for all random programs with cheap calls among the instructions: traps inside translated blocks go on as the interpreter does")
    void callsInsideBlocksAgreeWithInterpreted() {
        // arch/loongarch/kvm/exit.c kvm_handle_pv_service: an unknown function answers KVM_HCALL_INVALID_CODE: a call that returns to the guest, so the compiled block goes on after it
        Differential.assertCallsInsideBlocksAgree("loongarch", FORMS, "s8", "li.w $a0, 0x4242\nhvcl 0x100");
    }
}
