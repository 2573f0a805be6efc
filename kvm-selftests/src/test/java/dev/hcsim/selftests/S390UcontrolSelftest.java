package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.arch.s390.S390Vm;
import dev.hcsim.core.Exit;
import dev.hcsim.core.ExitReason;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * tools/testing/selftests/kvm/s390/ucontrol_test.c (torvalds/linux, read at commit 63e71519), its DIAG 0x44 part:
 * FIXTURE_SETUP's KVM_CREATE_VM with KVM_VM_S390_UCONTROL, require_ucontrol_admin's capability check, TEST_F(uc_kvm,
 * uc_gprs) and uc_assert_diag44. test_gprs_asm is ported with the same effect on the registers the test reads:
 * {@code xgr %r0,%r0} as {@code lghi %r0,0}, {@code ahi %r0,1} as {@code aghi %r0,1} (r0 stays small), {@code j 0b}
 * as {@code brc 15,0b}. kvm_run->s.regs.gprs and KVM_GET_REGS are the one register file here. uc_handle_exit is the
 * selftest's: a KVM_EXIT_S390_SIEIC of ICPT_INST whose ipa is not ISKE, SSKE or RRBE is not handled (false).
 */
class S390UcontrolSelftest {
    static final long KVM_CAP_S390_UCONTROL = 73;
    static final int ICPT_INST = 0x04;

    static final String TEST_GPRS_ASM = String.join("\n",
            "    lghi %r0,0",
            "    lgfi %r1,1",
            "    lgfi %r2,2",
            "    lgfi %r3,3",
            "    lgfi %r4,4",
            "    lgfi %r5,5",
            "    lgfi %r6,6",
            "    lgfi %r7,7",
            "again:",
            "    diag 0,0,0x44",
            "    aghi %r0,1",
            "    brc 15,again");

    /** uc_handle_exit for the exits uc_gprs sees: KVM_EXIT_S390_SIEIC, ICPT_INST, then uc_handle_insn_ic's switch on ipa. */
    static boolean ucHandleExit(Exit e) {
        if (e instanceof Exit.S390Sieic s && s.icptcode() == ICPT_INST) {
            return s.ipa() == 0xB229 || s.ipa() == 0xB22B || s.ipa() == 0xB22A;
        }
        throw new AssertionError("UNEXPECTED exit " + e);
    }

    /** FIXTURE_SETUP with the registers set to 8 (uc_gprs), then the first uc_run_once. */
    static S390Guest firstRun() {
        S390Guest g = new S390Guest(TEST_GPRS_ASM, "vm-type", "ucontrol");
        for (int i = 0; i < 8; i++) {
            g.m.registers(0).set(i, 8); // sync_regs->gprs[i] = 8; run->kvm_dirty_regs |= KVM_SYNC_GPRS
        }
        g.run();
        return g;
    }

    /** Both DIAG 0x44 exits uc_gprs asserts with uc_assert_diag44. */
    static Exit[] diag44Exits() {
        S390Guest g = firstRun();
        Exit first = g.exit();
        g.run();
        return new Exit[] {first, g.exit()};
    }

    @Test
    @DisplayName("ucontrol_test.c require_ucontrol_admin: TEST_REQUIRE(kvm_has_cap(KVM_CAP_S390_UCONTROL))")
    void hasCap() {
        assertEquals(1, Vm.create(VmConfig.builder("s390").build()).control().checkExtension(KVM_CAP_S390_UCONTROL));
    }

    @Test
    @DisplayName("ucontrol_test.c FIXTURE_SETUP(uc_kvm): self->vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, KVM_VM_S390_UCONTROL); ASSERT_GE(self->vm_fd, 0)")
    void createUcontrolVm() {
        Vm vm = Vm.create(VmConfig.builder("s390").option("vm-type", "ucontrol").build());
        assertTrue(vm.archState(S390Vm.class).ucontrol());
    }

    @Test
    @DisplayName("ucontrol_test.c uc_gprs: ASSERT_EQ(0, uc_run_once(self)), the first run")
    void firstRunReturns() {
        assertEquals(dev.hcsim.core.Outcome.EXIT_TO_HOST, Engine.context(firstRun().vm).frame(0).outcome(), "KVM_RUN returned to the VMM with an exit");
    }

    @Test
    @DisplayName("ucontrol_test.c uc_gprs: ASSERT_EQ(false, uc_handle_exit(self)), the first DIAG 0x44")
    void firstExitNotHandled() {
        assertFalse(ucHandleExit(firstRun().exit()));
    }

    @Test
    @DisplayName("ucontrol_test.c uc_assert_diag44: TEST_ASSERT_EQ(KVM_EXIT_S390_SIEIC, self->run->exit_reason)")
    void diag44ExitReason() {
        for (Exit e : diag44Exits()) {
            assertEquals(ExitReason.S390_SIEIC, e.reason());
        }
    }

    @Test
    @DisplayName("ucontrol_test.c uc_assert_diag44: TEST_ASSERT_EQ(ICPT_INST, sie_block->icptcode)")
    void diag44Icptcode() {
        for (Exit e : diag44Exits()) {
            assertEquals(ICPT_INST, assertInstanceOf(Exit.S390Sieic.class, e).icptcode());
        }
    }

    @Test
    @DisplayName("ucontrol_test.c uc_assert_diag44: TEST_ASSERT_EQ(0x8300, sie_block->ipa)")
    void diag44Ipa() {
        for (Exit e : diag44Exits()) {
            assertEquals(0x8300, assertInstanceOf(Exit.S390Sieic.class, e).ipa());
        }
    }

    @Test
    @DisplayName("ucontrol_test.c uc_assert_diag44: TEST_ASSERT_EQ(0x440000, sie_block->ipb)")
    void diag44Ipb() {
        for (Exit e : diag44Exits()) {
            assertEquals(0x440000, assertInstanceOf(Exit.S390Sieic.class, e).ipb());
        }
    }

    @Test
    @DisplayName("ucontrol_test.c uc_gprs: ASSERT_EQ(0, ioctl(self->vcpu_fd, KVM_GET_REGS, &regs)); ASSERT_EQ(i, regs.gprs[i]) and "
            + "ASSERT_EQ(i, sync_regs->gprs[i]) for r0..r7")
    void registersAfterFirstDiag() {
        S390Guest g = firstRun();
        for (int i = 0; i < 8; i++) {
            assertEquals(i, g.gpr(i), "gprs[" + i + "]");
        }
    }

    @Test
    @DisplayName("ucontrol_test.c uc_gprs: the second uc_run_once returns 0 and uc_handle_exit is false again")
    void secondRun() {
        S390Guest g = firstRun();
        g.run();
        assertEquals(dev.hcsim.core.Outcome.EXIT_TO_HOST, Engine.context(g.vm).frame(0).outcome());
        assertFalse(ucHandleExit(g.exit()));
    }

    @Test
    @DisplayName("ucontrol_test.c uc_gprs: 'check continued increment of register 0 value': ASSERT_EQ(1, regs.gprs[0]) and "
            + "ASSERT_EQ(1, sync_regs->gprs[0])")
    void r0Incremented() {
        S390Guest g = firstRun();
        g.run();
        assertEquals(1, g.gpr(0));
    }
}
