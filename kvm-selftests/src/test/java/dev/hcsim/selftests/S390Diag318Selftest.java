package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.hcsim.core.Exit;
import dev.hcsim.core.ExitReason;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * tools/testing/selftests/kvm/lib/s390/diag318_test_handler.c (torvalds/linux, read at commit b2128290): the
 * DIAGNOSE 0x318 a guest issues is handled by user space (KVM returns -EOPNOTSUPP), so the helper VM's run exits with
 * KVM_EXIT_S390_SIEIC and the test reads the code from the register the instruction names. The VMM is the test:
 * userspace=exit.
 */
class S390Diag318Selftest {
    static final long KVM_CAP_S390_DIAG318 = 186;
    static final int ICPT_INSTRUCTION = 0x04;
    static final int IPA0_DIAG = 0x8300;

    /** guest_code: u64 diag318_info = 0x12345678; asm volatile("diag %0,0,0x318" : : "d" (diag318_info)), the compiler choosing r2. */
    static final String GUEST = "    lgfi %r2,0x12345678\n    diag %r2,0,0x318";

    static S390Guest handler() {
        S390Guest g = new S390Guest(GUEST, "userspace", "exit");
        g.run();
        return g;
    }

    /** get_diag318_info(): what diag318_handler returns. */
    static long diag318Info() {
        S390Guest g = handler();
        int reg = (((Exit.S390Sieic) g.exit()).ipa() & 0x00f0) >> 4;
        return g.gpr(reg); // run->s.regs.gprs[reg]
    }

    @Test
    @DisplayName("diag318_test_handler.c get_diag318_info: kvm_has_cap(KVM_CAP_S390_DIAG318)")
    void hasCap() {
        assertEquals(1, Vm.create(VmConfig.builder("s390").build()).control().checkExtension(KVM_CAP_S390_DIAG318));
    }

    @Test
    @DisplayName("diag318_test_handler.c diag318_handler: TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_S390_SIEIC)")
    void exitsSieic() {
        assertEquals(ExitReason.S390_SIEIC, handler().exit().reason());
    }

    @Test
    @DisplayName("diag318_test_handler.c diag318_handler: TEST_ASSERT(run->s390_sieic.icptcode == ICPT_INSTRUCTION, 'Unexpected intercept code')")
    void icptInstruction() {
        assertEquals(ICPT_INSTRUCTION, assertInstanceOf(Exit.S390Sieic.class, handler().exit()).icptcode());
    }

    @Test
    @DisplayName("diag318_test_handler.c diag318_handler: TEST_ASSERT((run->s390_sieic.ipa & 0xff00) == IPA0_DIAG, 'Unexpected IPA0 code')")
    void ipaDiag() {
        assertEquals(IPA0_DIAG, assertInstanceOf(Exit.S390Sieic.class, handler().exit()).ipa() & 0xff00);
    }

    @Test
    @DisplayName("diag318_test_handler.c diag318_handler: TEST_ASSERT(diag318_info != 0, 'DIAGNOSE 0x0318 info not set'), "
            + "diag318_info = run->s.regs.gprs[(ipa & 0x00f0) >> 4]")
    void infoSet() {
        long info = diag318Info();
        assertNotEquals(0, info, "DIAGNOSE 0x0318 info not set");
        assertEquals(0x12345678, info);
    }
}
