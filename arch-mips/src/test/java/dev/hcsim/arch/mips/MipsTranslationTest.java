package dev.hcsim.arch.mips;

import dev.hcsim.core.translate.Differential;
import dev.hcsim.core.translate.ProgramForms;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Translated and interpreted MIPS64 agree (issue 18): random programs of the guest subset, branches included, end
 * with the same registers, PC, flags and memory; code that rewrites itself runs the new instruction.
 */
class MipsTranslationTest {
    private static final List<String> WRITE = ProgramForms.names("$", 1, 31, 16);
    private static final List<String> READ = ProgramForms.names("$", 0, 31);
    static final ProgramForms FORMS = new ProgramForms(List.of(
            "lui {R},{i:0:65535}",
            "{c:ori|andi} {R},{S},{i:0:65535}",
            "{c:addiu|daddiu} {R},{S},{i:-32768:32767}",
            "li {R},{i:-2147483648:2147483647}",
            "move {R},{S}",
            "or {R},{S},{S}",
            "{c:dsll|dsrl|dsll32|dsrl32} {R},{S},{i:0:31}",
            "lw {R},{i:0:32764:4}($16)",
            "lb {R},{i:0:32767}($16)",
            "ld {R},{i:0:32760:8}($16)",
            "sw {S},{i:0:32764:4}($16)",
            "sb {S},{i:0:32767}($16)",
            "sd {S},{i:0:32760:8}($16)",
            "{c:beq|bne} {S},{S},{L}\nnop",
            "{c:beqz|bnez} {S},{L}\nnop",
            "b {L}\nnop",
            "{c:beq|bne} {S},{S},{L}\n{c:addiu|daddiu} {R},{S},{i:-32768:32767}",
            "{c:beqz|bnez} {S},{L}\nor {R},{S},{S}",
            "bnez {S},{L}\ndsll32 {R},{S},{i:0:31}",
            "b {L}\nlui {R},{i:0:65535}",
            "nop"), WRITE, READ, "hypcall");

    @Test
    @DisplayName("for all random programs: translated and interpreted execution end in the same state")
    void translatedAgreesWithInterpreted() {
        Differential.assertAgreeOnRandomPrograms("mips", FORMS, "$16");
    }

    @Test
    @DisplayName("a store into the block being run replaces an instruction after it: the new one runs (self-modifying code)")
    void selfModifyingCode() {
        // daddiu $2,$2,1 is 0x64420001 (opcode 25, rs = rt = 2); li of it is lui + ori, so the sw writes it over the daddiu at offset 16
        String source = "li $1,0x64420001\nsw $1,16($16)\nnop\ndaddiu $2,$2,2\nhypcall\n";
        Differential.assertSelfModifyingCodeRuns("mips", source, "$16", "$2", 1L);
    }

    @Test
    @DisplayName("for all random programs with cheap calls among the instructions: traps inside translated blocks go on as the interpreter does")
    void callsInsideBlocksAgreeWithInterpreted() {
        // arch/mips/kvm/emulate.c kvm_mips_emul_hypcall: every number answers -KVM_ENOSYS: a call that returns to the guest, so the compiled block goes on after it
        Differential.assertCallsInsideBlocksAgree("mips", FORMS, "$16", "li $2,0x4242\nhypcall");
    }
}
