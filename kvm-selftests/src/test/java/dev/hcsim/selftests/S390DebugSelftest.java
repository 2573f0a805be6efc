package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hcsim.arch.s390.S390Vm;
import dev.hcsim.core.Exit;
import dev.hcsim.core.ExitReason;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * tools/testing/selftests/kvm/s390/debug_test.c (torvalds/linux, read at commit b2128290), its DIAGNOSE case
 * test_step_pgm_diag: single-stepping (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP) a {@code diag %r0,%r0,0} that KVM
 * hands to user space; the VMM injects PGM_SPECIFICATION (KVM_S390_IRQ) and the next KVM_RUN ends the step in the
 * program-interruption handler. test_step_int_1: the program new PSW at __LC_PGM_NEW_PSW is (run->psw_mask,
 * int_handler), gprs[2] = -1. The VMM is the test, so the codes KVM leaves to user space exit (userspace=exit).
 * {@code j .} is {@code brc 15,.} (the same instruction).
 */
class S390DebugSelftest {
    static final int LC_PGM_NEW_PSW = 0x1d0;
    static final int IPA0_DIAG = 0x8300;
    static final int PGM_SPECIFICATION = 0x06;
    static final long KVM_GUESTDBG_ENABLE = 1;
    static final long KVM_GUESTDBG_SINGLESTEP = 2;

    static final String GUEST = String.join("\n",
            "test_step_pgm_diag_guest_code:",
            "    diag %r0,%r0,0",
            "loop:",
            "    brc 15,loop",
            "int_handler:",
            "    brc 15,int_handler");

    /** test_step_int_1 for test_step_pgm_diag, the first vcpu_run, and what follows; newPsw[0..1] as the selftest computes it. */
    static final class Run {
        final S390Guest g = new S390Guest(GUEST, "userspace", "exit");
        final long[] newPsw = new long[2];
        final Exit first;
        final Exit second;

        Run() {
            newPsw[0] = g.m.registers(0).get("pswm"); // run->psw_mask
            newPsw[1] = g.vm.assemble(GUEST, S390Guest.CODE).labels().get("int_handler");
            byte[] psw = new byte[16];
            for (int i = 0; i < 8; i++) {
                psw[i] = (byte) (newPsw[0] >>> (56 - 8 * i));
                psw[8 + i] = (byte) (newPsw[1] >>> (56 - 8 * i));
            }
            g.m.memory().write(LC_PGM_NEW_PSW, psw, 0, 16); // memcpy(lowcore + new_psw_off, new_psw, 16)
            g.m.registers(0).set(2, -1); // regs.gprs[2] = -1
            g.vm.control().setGuestDebug(0, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP); // vcpu_guest_debug_set
            g.run();
            first = g.exit();
            g.vm.archState(S390Vm.class).injectProgramInterruption(0, PGM_SPECIFICATION); // vcpu_ioctl(vcpu, KVM_S390_IRQ, &irq)
            g.run();
            second = g.exit();
        }
    }

    @Test
    @DisplayName("debug_test.c test_step_pgm_diag: TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_S390_SIEIC)")
    void sieicFirst() {
        assertEquals(ExitReason.S390_SIEIC, new Run().first.reason());
    }

    @Test
    @DisplayName("debug_test.c test_step_pgm_diag: TEST_ASSERT_EQ(vcpu->run->s390_sieic.icptcode, ICPT_INST)")
    void icptInst() {
        assertEquals(Exit.S390Sieic.ICPT_INST, assertInstanceOf(Exit.S390Sieic.class, new Run().first).icptcode());
    }

    @Test
    @DisplayName("debug_test.c test_step_pgm_diag: TEST_ASSERT_EQ(vcpu->run->s390_sieic.ipa & 0xff00, IPA0_DIAG)")
    void ipaDiag() {
        assertEquals(IPA0_DIAG, assertInstanceOf(Exit.S390Sieic.class, new Run().first).ipa() & 0xff00);
    }

    @Test
    @DisplayName("debug_test.c test_step_pgm_diag: vcpu_ioctl(vcpu, KVM_S390_IRQ, &irq) succeeds at the SIEIC")
    void irqAccepted() {
        Run r = new Run();
        assertEquals(PGM_SPECIFICATION, lowcore16(r, 0x8e), "the injected code reached the lowcore (__LC_PGM_INT_CODE)");
    }

    @Test
    @DisplayName("debug_test.c test_step_pgm_diag: TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_DEBUG) after the injection")
    void debugExit() {
        assertEquals(ExitReason.DEBUG, new Run().second.reason());
    }

    @Test
    @DisplayName("debug_test.c test_step_pgm_diag: TEST_ASSERT_EQ(vcpu->run->psw_mask, new_psw[0])")
    void pswMask() {
        Run r = new Run();
        assertEquals(r.newPsw[0], r.g.m.registers(0).get("pswm"));
    }

    @Test
    @DisplayName("debug_test.c test_step_pgm_diag: TEST_ASSERT_EQ(vcpu->run->psw_addr, new_psw[1])")
    void pswAddr() {
        Run r = new Run();
        assertEquals(r.newPsw[1], r.g.m.registers(0).pc());
        assertEquals(r.newPsw[1], ((Exit.Debug) r.second).pc());
    }

    private static int lowcore16(Run r, long gpa) {
        byte[] b = new byte[2];
        r.g.m.memory().read(gpa, b, 0, 2);
        return (b[0] & 0xFF) << 8 | b[1] & 0xFF;
    }
}
