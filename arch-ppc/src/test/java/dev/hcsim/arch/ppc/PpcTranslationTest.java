package dev.hcsim.arch.ppc;

import dev.hcsim.core.translate.Differential;
import dev.hcsim.core.translate.ProgramForms;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Translated and interpreted Power ISA agree (issue 18): random programs of the guest subset, branches included, end
 * with the same registers, PC, flags and memory; code that rewrites itself runs the new instruction.
 */
class PpcTranslationTest {
    private static final List<String> WRITE = ProgramForms.names("r", 0, 31, 1, 30);
    private static final List<String> READ = ProgramForms.names("r", 0, 31);
    static final ProgramForms FORMS = new ProgramForms(List.of(
            "lis {R},{i:-32768:32767}",
            "addi {R},{c:r2|r3|r4|r5|r9|r31},{i:-32768:32767}",
            "addis {R},{c:r2|r3|r4},{i:-32768:32767}",
            "li {R},{i:-32768:32767}",
            "{c:ori|oris} {R},{S},{i:0:65535}",
            "mr {R},{S}",
            "or {R},{S},{S}",
            "sldi {R},{S},{i:0:63}",
            "cmpwi {S},{i:-32768:32767}",
            "cmpdi {S},{i:-32768:32767}",
            "lwz {R},{i:0:32764:4}(r30)",
            "stw {S},{i:0:32764:4}(r30)",
            "ld {R},{i:0:32760:8}(r30)",
            "std {S},{i:0:32760:8}(r30)",
            "mtctr {S}",
            "{c:beq|bne} {L}",
            "b {L}",
            "bl {L}",
            "nop"), WRITE, READ, "sc");

    @Test
    @DisplayName("for all random programs: translated and interpreted execution end in the same state")
    void translatedAgreesWithInterpreted() {
        Differential.assertAgreeOnRandomPrograms("ppc", FORMS, "r30");
    }

    @Test
    @DisplayName("a store into the block being run replaces an instruction after it: the new one runs (self-modifying code)")
    void selfModifyingCode() {
        // addi r4,r4,1 is 0x38840001 (opcode 14, rt = ra = 4); the stw writes it over the addi r4,r4,2 at offset 16
        String source = "lis r3,0x3884\nori r3,r3,1\nstw r3,16(r30)\nnop\naddi r4,r4,2\nsc\n";
        Differential.assertSelfModifyingCodeRuns("ppc", source, "r30", "r4", 1L);
    }

    @Test
    @DisplayName("for all random programs with cheap calls among the instructions: traps inside translated blocks go on as the interpreter does")
    void callsInsideBlocksAgreeWithInterpreted() {
        // arch/powerpc/kvm/powerpc.c kvmppc_kvm_pv: KVM_HC_FEATURES answers EV_SUCCESS: a call that returns to the guest, so the compiled block goes on after it
        Differential.assertCallsInsideBlocksAgree("ppc", FORMS, "r30", "lis r0,0x4b56\nori r0,r0,0x4d21\nlis r11,42\nori r11,r11,3\nsc");
    }
}
