package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.quicktheories.QuickTheory.qt;

import dev.hcsim.core.translate.Differential;
import dev.hcsim.core.translate.ProgramForms;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Translated and interpreted z/Architecture agree (issue 18): random programs of the guest subset, branches included, end
 * with the same registers, PC, flags and memory; code that rewrites itself runs the new instruction.
 */
class S390TranslationTest {
    private static final List<String> WRITE = ProgramForms.names("r", 0, 15, 13);
    private static final List<String> READ = ProgramForms.names("r", 0, 15);
    static final ProgramForms FORMS = new ProgramForms(List.of(
            "lghi %{R},{i:-32768:32767}",
            "aghi %{R},{i:-32768:32767}",
            "cghi %{S},{i:-32768:32767}",
            "lgfi %{R},{i:-2147483648:2147483647}",
            "agfi %{R},{i:-2147483648:2147483647}",
            "llihf %{R},{i:0:4294967295}",
            "iihf %{R},{i:0:4294967295}",
            "iilf %{R},{i:0:4294967295}",
            "{c:lgr|sgr} %{R},%{S}",
            "cgr %{S},%{S}",
            "{c:lg|stg} %{R},{i:0:32760}(%r13)",
            "{c:l|st} %{R},{i:0:4095}(%r13)",
            "{c:jz|jnz|jm|jnm|jp|jnp} {L}",
            "j {L}",
            "nop",
            "nopr %{S}"), WRITE, READ, "diag %r2,%r4,0x500");

    @Test
    @DisplayName("for all random programs: translated and interpreted execution end in the same state")
    void translatedAgreesWithInterpreted() {
        Differential.assertAgreeOnRandomPrograms("s390", FORMS, "r13");
    }

    @Test
    @DisplayName("for all random programs with a prefix: loads and stores of the low 8 KiB and of the prefix area are swapped alike")
    void translatedAgreesWithInterpretedUnderAPrefix() {
        // base 0: the storage forms address real 0..32760, so both the low 8 KiB (to the prefix) and the prefix area at
        // 0x6000 (to absolute 0, where the code is: stores there are self-modifying code, the same on both sides) occur;
        // arch/s390/kvm/gaccess.h kvm_s390_real_to_abs
        qt().withExamples(100).forAll(FORMS.programs(40)).checkAssert(source ->
                assertNull(Differential.compare("s390", source, Map.of("r13", 0L, "prefix", 0x6000L), 2000), source));
    }

    @Test
    @DisplayName("a store into the block being run replaces an instruction after it: the new one runs (self-modifying code)")
    void selfModifyingCode() {
        // iilf is 6 bytes and st 4: aghi %r2,2 (a7 2b 00 02) is at offset 10; the store writes aghi %r2,1 (a7 2b 00 01) over it
        String source = "iilf %r1,0xa72b0001\nst %r1,10(%r13)\naghi %r2,2\ndiag %r2,%r4,0x500\n";
        Differential.assertSelfModifyingCodeRuns("s390", source, "r13", "r2", 1L);
    }

    @Test
    @DisplayName("for all random programs with cheap calls among the instructions: traps inside translated blocks go on as the interpreter does")
    void callsInsideBlocksAgreeWithInterpreted() {
        // QEMU hw/s390x/s390-hypercall.c handle_storage_limit (DIAG 0x500 subcode 4): the end of RAM: a call that returns to the guest, so the compiled block goes on after it
        Differential.assertCallsInsideBlocksAgree("s390", FORMS, "r13", "lghi %r1,4\ndiag %r2,%r4,0x500");
    }
}
