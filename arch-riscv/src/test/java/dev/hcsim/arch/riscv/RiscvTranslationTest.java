package dev.hcsim.arch.riscv;

import dev.hcsim.core.translate.Differential;
import dev.hcsim.core.translate.ProgramForms;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Translated and interpreted RV64IM agree (issue 18): random programs of the guest subset, branches included, end
 * with the same registers, PC, flags and memory; code that rewrites itself runs the new instruction.
 */
class RiscvTranslationTest {
    private static final List<String> WRITE = ProgramForms.names("x", 1, 31, 9);
    private static final List<String> READ = ProgramForms.names("x", 0, 31);
    static final ProgramForms FORMS = new ProgramForms(List.of(
            "lui {R},{i:0:1048575}",
            "li {R},{i:-9223372036854775808:9223372036854775807}",
            "li {R},{i:-2048:2047}",
            "{c:mv|not|neg|negw|sext.w|seqz|snez|sltz|sgtz} {R},{S}",
            "{c:addi|slti|sltiu|xori|ori|andi|addiw} {R},{S},{i:-2048:2047}",
            "{c:slli|srli|srai} {R},{S},{i:0:63}",
            "{c:slliw|srliw|sraiw} {R},{S},{i:0:31}",
            "{c:sllw|srlw|sraw|mulw} {R},{S},{S}",
            "{c:add|sub|sll|slt|sltu|xor|srl|sra|or|and|addw|subw} {R},{S},{S}",
            "{c:mul|mulh|mulhu|div|divu|rem|remu|mulw|divw} {R},{S},{S}",
            "{c:ld|sd} {c:x1|x5|x10|x31},{i:0:2040:8}(x9)",
            "{c:lw|lwu|sw} {R},{i:0:2044:4}(x9)",
            "{c:lb|lbu|sb} {R},{i:0:2047}(x9)",
            "{c:lh|lhu|sh} {R},{i:0:2046:2}(x9)",
            "{c:beq|bne|blt|bge|bltu|bgeu} {S},{S},{L}",
            "{c:beqz|bnez} {S},{L}",
            "j {L}",
            "jal {L}",
            "nop"), WRITE, READ, "ecall");

    @Test
    @DisplayName("for all random programs: translated and interpreted execution end in the same state")
    void translatedAgreesWithInterpreted() {
        Differential.assertAgreeOnRandomPrograms("riscv", FORMS, "x9");
    }

    @Test
    @DisplayName("a store into the block being run replaces an instruction after it: the new one runs (self-modifying code)")
    void selfModifyingCode() {
        // addi a0,a0,1 is 0x00150513; li of it is lui + addi, so the sw writes it over the addi a0,a0,2 at offset 16
        String source = "li x1,0x00150513\nsw x1,16(x9)\nnop\naddi a0,a0,2\necall\n";
        Differential.assertSelfModifyingCodeRuns("riscv", source, "x9", "a0", 1L);
    }

    @Test
    @DisplayName("for all random programs with cheap calls among the instructions: traps inside translated blocks go on as the interpreter does")
    void callsInsideBlocksAgreeWithInterpreted() {
        // arch/riscv/kvm/vcpu_sbi_base.c kvm_sbi_ext_base_handler: GET_SPEC_VERSION: a call that returns to the guest, so the compiled block goes on after it
        Differential.assertCallsInsideBlocksAgree("riscv", FORMS, "x9", "li a7,0x10\nli a6,0\necall");
    }
}
