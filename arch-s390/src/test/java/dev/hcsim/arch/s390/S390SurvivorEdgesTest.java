package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The arch-s390 survivors docs/testing.md left "not analysed yet" (issue 25): which DIAGNOSE codes KVM keeps when
 * userspace handles the rest (arch/s390/kvm/diag.c kvm_s390_handle_diag), and DIAG 0x308's checks that QEMU's
 * target/s390x/diag.c handle_diag_308 and diag308_parm_check make.
 */
class S390SurvivorEdgesTest {

    private static Rig userspace() {
        return Rig.of(VmConfig.builder("s390").vcpus(1).memory(0, 0x40000).option("userspace", "exit"));
    }

    /** A VM with unpack whose 0x4000 holds a valid 200-byte CCW IPL block (pbt 2), its address in r2. */
    private static Rig unpackWithCcwBlockAt0x4000() {
        Rig rig = Rig.of(VmConfig.builder("s390").memory(0, 0x20000).feature("unpack", true));
        rig.write(0x4000, 4, 200);
        rig.write(0x4000 + 12, 1, 2);
        rig.regs().set(2, 0x4000);
        return rig;
    }

    @Test
    @DisplayName("diag.c kvm_s390_handle_diag: with userspace=exit DIAG 0x10 (diag_release_pages) stays in KVM: the page is released, no exit")
    void releasePagesStaysInKvm() {
        Rig rig = userspace();
        rig.write(0x10010, 8, 0x2222);
        rig.regs().set(1, 0x10000);
        rig.regs().set(3, 0x10000);
        TrapResult t = rig.trap("diag %r1,%r3,0x10");
        assertEquals(Outcome.RESUME, t.outcome());
        assertNull(t.exit());
        assertEquals(0, rig.read(0x10010, 8));
    }

    @Test
    @DisplayName("diag.c kvm_s390_handle_diag: with userspace=exit DIAG 0x9c (__diag_time_slice_end_directed) stays in KVM: no exit")
    void directedYieldStaysInKvm() {
        Rig rig = userspace();
        rig.regs().set(1, 0);
        TrapResult t = rig.trap("diag %r1,%r0,0x9c");
        assertEquals(Outcome.RESUME, t.outcome());
        assertNull(t.exit());
        assertEquals("DIAG_TIME_SLICE_END_DIRECTED", t.callName());
    }

    @Test
    @DisplayName("diag.c kvm_s390_handle_diag: with userspace=exit DIAG 0x258 (__diag_page_ref_service) stays in KVM: an odd block "
            + "address is KVM's specification exception, not an exit")
    void pageRefServiceStaysInKvm() {
        Rig rig = userspace();
        rig.regs().set(2, 0x4004);
        TrapResult t = rig.trap("diag %r2,%r3,0x258");
        assertEquals(Outcome.FAULT, t.outcome());
        assertEquals(6, ((Fault.S390) t.fault()).interruptionCode(), "PGM_SPECIFICATION");
    }

    @Test
    @DisplayName("diag.c kvm_s390_handle_diag: with userspace=exit a code KVM does not handle (DIAG 0x288) exits to userspace (the control)")
    void otherCodesExit() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(1).option("userspace", "exit").feature("diag288", true));
        TrapResult t = rig.trap("diag %r1,%r3,0x288");
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        assertEquals(Exit.S390Sieic.class, t.exit().getClass());
    }

    @Test
    @DisplayName("interrupt.c deliverable_irqs (psw_extint_disabled): an EXTERNAL CALL to a halted CPU whose PSW does not enable "
            + "external interruptions (not in an enabled wait) is not taken: its lowcore is untouched, the call stays pending")
    void externalCallToAHaltedCpuOutsideAnEnabledWaitStaysPending() {
        Rig rig = Rig.of(2);
        rig.write(0x1B0, 8, S390Registers.PSW_MASK_RESET);
        rig.write(0x1B8, 8, 0x3000);
        rig.m.initialState(1, VcpuState.HALTED); // PSW_MASK_RESET: external interruptions disabled
        rig.regs(1).pc(0x2400);
        rig.regs().set(3, 1);
        TrapResult t = rig.trap("sigp %r4,%r3,2");
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(0, rig.read(0x86, 2), "no external-interruption code stored");
        assertEquals(0x2400, rig.regs(1).pc(), "the external new PSW is not loaded");
        assertEquals(0x1202, rig.state().pendingExternal[1]);
    }

    @Test
    @DisplayName("SIGP RESTART of a CPU in the enabled wait wakes it (QEMU target/s390x/sigp.c sigp_restart: do_restart_interrupt, "
            + "then the CPU runs): it runs from the restart new PSW's address")
    void restartWakesAWaitingCpu() {
        Rig rig = Rig.of(2);
        rig.write(0x1A0, 8, S390Registers.PSW_MASK_RESET);
        rig.write(0x1A8, 8, 0x3000);
        rig.write(0xE00, 8, 0x0302_0001_8000_0000L);
        rig.write(0xE08, 8, 0x2004);
        rig.m.load(0x2000, rig.vm.assemble("lpswe 0xe00\n", 0x2000).bytes());
        rig.m.load(0x3000, rig.vm.assemble("lpswe 0xe00\n", 0x3000).bytes());
        rig.regs(0).pc(0x2000);
        rig.m.initialState(1, VcpuState.HALTED);
        rig.m.run(5, Long.MAX_VALUE);
        assertEquals(VcpuState.HALTED, rig.m.stateOf(0));
        assertEquals(1, rig.m.instructions(0));
        rig.regs(1).set(3, 0);
        rig.regs(1).pc(0x2100);
        rig.m.load(0x2100, dev.hcsim.core.Bytes.parseHex("ae430006")); // sigp %r4,%r3,6 (restart)
        rig.vm.trap(1, rig.regs(1), rig.m.memory(), rig.m);
        assertEquals(0x3000, rig.regs(0).pc());
        rig.m.run(5, Long.MAX_VALUE);
        assertEquals(2, rig.m.instructions(0), "the LPSWE at the restart address ran");
        assertEquals(0x2004, rig.regs(0).pc());
    }

    @Test
    @DisplayName("QEMU handle_diag_308: subcode & ~0xffff is a specification exception also with unpack, where 1 << 32 | 5 passes the >= 8 test")
    void iplSubcodeUpperBitsWithUnpack() {
        Rig rig = unpackWithCcwBlockAt0x4000();
        rig.regs().set(3, 0x77);
        rig.regs().set(4, 1L << 32 | 5);
        rig.trap("diag %r2,%r4,0x308");
        assertEquals(6, rig.faultCode(0));
        assertEquals(0x77, rig.regs().get(3));
    }

    @Test
    @DisplayName("QEMU handle_diag_308: STORE PV (9) reads the PV block, not the one SET (5) stored: still 0x0902 no PV configuration")
    void storePvIgnoresTheNormalBlock() {
        Rig rig = unpackWithCcwBlockAt0x4000();
        rig.regs().set(4, 5);
        rig.trap("diag %r2,%r4,0x308");
        assertEquals(1, rig.regs().get(3), "SET stored the block");
        rig.regs().set(2, 0x6000);
        rig.regs().set(4, 9);
        rig.trap("diag %r2,%r4,0x308");
        assertEquals(0x0902, rig.regs().get(3));
        assertEquals(0, rig.read(0x6000, 4), "nothing stored");
    }

    @Test
    @DisplayName("QEMU diag308_parm_check (address_space_access_valid over the 4K block): a block whose first byte is not memory is an "
            + "addressing exception even when its last byte is")
    void iplParmCheckFirstByte() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(1).memory(0, 0x10000).memory(0x20800, 0x10000));
        rig.regs().set(4, 6);
        rig.regs().set(2, 0x20000);
        rig.regs().set(3, 0x77);
        rig.trap("diag %r2,%r4,0x308");
        assertEquals(5, rig.faultCode(0), "PGM_ADDRESSING");
        assertEquals(0x77, rig.regs().get(3));
    }
}
