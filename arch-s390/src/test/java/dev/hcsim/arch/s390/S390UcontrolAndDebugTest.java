package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Errno;
import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VmConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * User-controlled VMs (KVM_VM_S390_UCONTROL: intercept.c kvm_handle_sie_intercept returns -EOPNOTSUPP for every
 * intercept), KVM_SET_GUEST_DEBUG single-stepping across a DIAGNOSE (guestdbg.c debug_exit_required,
 * intercept.c should_handle_per_ifetch, kvm-s390.c kvm_arch_vcpu_ioctl_run) and KVM_S390_IRQ at an exit
 * (kvm_arch_vcpu_async_ioctl clears KVM_GUESTDBG_EXIT_PENDING).
 */
class S390UcontrolAndDebugTest {
    static final long SSTEP = S390GuestDebug.KVM_GUESTDBG_ENABLE | S390GuestDebug.KVM_GUESTDBG_SINGLESTEP;
    static final long HANDLER = 0x3000;

    /** A big-endian value from guest memory. */
    private static long be(Rig r, long gpa, int len) {
        byte[] b = new byte[len];
        r.m.memory().read(gpa, b, 0, len);
        long v = 0;
        for (byte x : b) {
            v = v << 8 | (x & 0xFF);
        }
        return v;
    }

    private static Rig ucontrol() {
        return Rig.of(VmConfig.builder("s390").option("vm-type", "ucontrol"));
    }

    @ParameterizedTest(name = "diag 0,0,0x{0}")
    @ValueSource(strings = {"44", "9c", "10", "258", "500", "318"})
    @DisplayName("ucontrol: every DIAGNOSE, KVM's own codes included, exits KVM_EXIT_S390_SIEIC icptcode 4 with ipa/ipb and the PSW past it; "
            + "nothing is handled (r2 unchanged, no yield)")
    void ucontrolDiagnoseExits(String code) {
        Rig r = ucontrol();
        r.regs().set(2, 0x55);
        TrapResult t = r.trap("diag %r0,%r0,0x" + code);
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        Exit.S390Sieic e = assertInstanceOf(Exit.S390Sieic.class, t.exit());
        assertEquals(Exit.S390Sieic.ICPT_INST, e.icptcode());
        assertEquals(0x8300, e.ipa());
        assertEquals(Long.parseLong(code, 16) << 16, e.ipb());
        assertEquals(Rig.PC + 4, r.regs().pc());
        assertEquals(0x55, r.regs().get(2));
    }

    @Test
    @DisplayName("the same DIAG 0x44 in a default VM is KVM's (a yield, no exit): the VM type alone makes the difference")
    void defaultVmHandlesDiag44() {
        TrapResult t = Rig.of(1).trap("diag %r0,%r0,0x44");
        assertEquals(Outcome.YIELD, t.outcome());
    }

    @Test
    @DisplayName("ucontrol: re-entry continues past the DIAGNOSE with r2 as the VMM left it; SIGP exits too; in problem state the "
            + "DIAGNOSE exits as well (kvm_s390_handle_diag's privilege check never runs), where a default VM gets PGM_PRIVILEGED_OP")
    void ucontrolReentryAndOthers() {
        Rig r = ucontrol();
        r.trap("diag %r0,%r0,0x44");
        r.regs().set(2, 0x77);
        r.vm.completeExit(0, r.regs(), r.m.memory(), 0);
        assertEquals(Rig.PC + 4, r.regs().pc());
        assertEquals(0x77, r.regs().get(2));
        assertEquals(0xAE12, ((Exit.S390Sieic) r.trap("sigp %r1,%r2,0").exit()).ipa());
        r.regs().set(S390Registers.PSWM, S390Registers.PSW_MASK_RESET | S390Registers.PSW_MASK_PSTATE);
        assertEquals(Exit.S390Sieic.ICPT_INST, ((Exit.S390Sieic) r.trap("diag %r0,%r0,0x44").exit()).icptcode());
        Rig d = Rig.of(VmConfig.builder("s390").option("program-interruptions", "report"));
        d.regs().set(S390Registers.PSWM, S390Registers.PSW_MASK_RESET | S390Registers.PSW_MASK_PSTATE);
        assertEquals(Fault.S390.PRIVILEGED_OP, ((Fault.S390) d.trap("diag %r0,%r0,0x44").fault()).interruptionCode());
        assertTrue(r.state().ucontrol());
        assertFalse(Rig.of(1).state().ucontrol());
    }

    @Test
    @DisplayName("KVM_CHECK_EXTENSION: KVM_CAP_S390_UCONTROL, KVM_CAP_SYNC_REGS, KVM_CAP_S390_DIAG318 are 1; an unknown capability 0")
    void checkExtension() {
        var c = Rig.of(1).vm.control();
        assertEquals(1, c.checkExtension(73));
        assertEquals(1, c.checkExtension(74));
        assertEquals(1, c.checkExtension(186));
        assertEquals(0, c.checkExtension(216));
    }

    @Test
    @DisplayName("KVM_SET_GUEST_DEBUG: a flag outside VALID_GUESTDBG_FLAGS is -EINVAL; without KVM_GUESTDBG_ENABLE nothing stays set")
    void setGuestDebugChecks() {
        Rig r = Rig.of(1);
        KvmException x = assertThrows(KvmException.class, () -> r.vm.control().setGuestDebug(0, SSTEP | 0x4));
        assertEquals(Errno.EINVAL, x.errno());
        r.vm.control().setGuestDebug(0, S390GuestDebug.KVM_GUESTDBG_SINGLESTEP); // no ENABLE
        assertEquals(0, r.state().debug.control(0));
        assertEquals(Outcome.YIELD, r.trap("diag %r0,%r0,0x44").outcome(), "not single-stepping");
    }

    @ParameterizedTest(name = "diag 0,0,0x{0}")
    @ValueSource(strings = {"44", "9c"})
    @DisplayName("single-step across a DIAGNOSE KVM handles: KVM_EXIT_DEBUG with the PSW past it; re-entry continues there")
    void stepAcrossKvmDiagnose(String code) {
        Rig r = Rig.of(2);
        r.vm.control().setGuestDebug(0, SSTEP);
        TrapResult t = r.trap("diag %r1,%r0,0x" + code);
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        assertEquals(Rig.PC + 4, assertInstanceOf(Exit.Debug.class, t.exit()).pc());
        assertEquals(Rig.PC + 4, r.regs().pc());
        assertEquals(Outcome.RESUME, r.vm.completeExit(0, r.regs(), r.m.memory(), 0).outcome());
        assertEquals(Rig.PC + 4, r.regs().pc());
    }

    @Test
    @DisplayName("single-step across a DIAGNOSE that raises a program interruption KVM delivers: the exit shows the handler's PSW")
    void stepIntoProgramHandler() {
        Rig r = Rig.of(1);
        r.m.memory().write(0x1D0, new byte[] {0, 0, 0, 1, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x30, 0}, 0, 16); // pgm new PSW -> 0x3000
        r.vm.control().setGuestDebug(0, SSTEP);
        TrapResult t = r.trap("diag %r0,%r0,0x999"); // unknown code: QEMU's specification exception, delivered
        assertEquals(HANDLER, assertInstanceOf(Exit.Debug.class, t.exit()).pc());
        assertEquals(HANDLER, r.regs().pc());
        r.vm.completeExit(0, r.regs(), r.m.memory(), 0);
        assertEquals(HANDLER, r.regs().pc(), "re-entry stays in the handler");
    }

    @Test
    @DisplayName("single-step across a DIAGNOSE handed to the VMM: KVM_EXIT_S390_SIEIC first, then KVM_EXIT_DEBUG at the next KVM_RUN "
            + "with the PSW past it (KVM_GUESTDBG_EXIT_PENDING)")
    void stepAcrossUserspaceDiagnose() {
        Rig r = Rig.of(VmConfig.builder("s390").option("userspace", "exit"));
        r.vm.control().setGuestDebug(0, SSTEP);
        assertInstanceOf(Exit.S390Sieic.class, r.trap("diag %r0,%r0,0").exit());
        TrapResult next = r.vm.completeExit(0, r.regs(), r.m.memory(), 0);
        assertEquals(Outcome.EXIT_TO_HOST, next.outcome());
        assertEquals(Rig.PC + 4, assertInstanceOf(Exit.Debug.class, next.exit()).pc());
        assertEquals(Outcome.RESUME, r.vm.completeExit(0, r.regs(), r.m.memory(), 0).outcome(), "the pending exit was taken once");
    }

    @Test
    @DisplayName("KVM_S390_IRQ of a program interruption at the SIEIC: the next KVM_RUN delivers it (old PSW past the DIAGNOSE, code in "
            + "the lowcore) and, single-stepping, stops in the handler instead of past the DIAGNOSE")
    void injectedProgramInterruption() {
        for (boolean step : new boolean[] {false, true}) {
            Rig r = Rig.of(VmConfig.builder("s390").option("userspace", "exit"));
            r.m.memory().write(0x1D0, new byte[] {0, 0, 0, 1, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x30, 0}, 0, 16);
            if (step) {
                r.vm.control().setGuestDebug(0, SSTEP);
            }
            r.trap("diag %r0,%r0,0");
            r.state().injectProgramInterruption(0, 6);
            TrapResult next = r.vm.completeExit(0, r.regs(), r.m.memory(), 0);
            assertEquals(HANDLER, r.regs().pc());
            assertEquals(6, be(r, 0x8E, 2), "program-interruption code");
            assertEquals(Rig.PC + 4, be(r, 0x158, 8), "old PSW past the DIAGNOSE");
            if (step) {
                assertEquals(HANDLER, assertInstanceOf(Exit.Debug.class, next.exit()).pc());
            } else {
                assertEquals(Outcome.INTERRUPTED, next.outcome());
            }
        }
    }

    @Test
    @DisplayName("injectProgramInterruption refuses a vCPU not at a KVM_EXIT_S390_SIEIC, code 0 and codes above 16 bits")
    void injectMisuse() {
        Rig r = Rig.of(1);
        assertThrows(IllegalStateException.class, () -> r.state().injectProgramInterruption(0, 6));
        Rig u = Rig.of(VmConfig.builder("s390").option("userspace", "exit"));
        u.trap("diag %r0,%r0,0");
        assertThrows(IllegalArgumentException.class, () -> u.state().injectProgramInterruption(0, 0));
        assertThrows(IllegalArgumentException.class, () -> u.state().injectProgramInterruption(0, 0x10000));
        assertThrows(IllegalArgumentException.class, () -> u.state().injectProgramInterruption(1, 6));
    }
}
