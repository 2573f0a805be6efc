package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A lowcore that is only partly guest memory is never left half-written: the interruption's stores (old PSW, codes)
 * happen only when every field the delivery writes and reads is guest memory (arch/s390/kvm/interrupt.c
 * __deliver_prog / __deliver_restart store several fields; a vCPU whose lowcore is not wholly in a memory slot
 * cannot take the interruption, and hcsim then writes none of them). Code runs from a second region at 0x2000.
 */
class S390TornLowcoreTest {
    private static Rig rig(int vcpus, long lowcoreBytes) {
        return Rig.of(VmConfig.builder("s390").vcpus(vcpus).memory(0, lowcoreBytes).memory(0x2000, 0x1000));
    }

    private static byte[] bytes(Rig rig, long gpa, int len) {
        byte[] b = new byte[len];
        rig.m.memory().read(gpa, b, 0, len);
        return b;
    }

    @Test
    @DisplayName("interrupt.c __deliver_prog: lowcore memory ends at 0x140 (before the program old PSW at 0x150): ILC and code are not stored")
    void programInterruption() {
        Rig rig = rig(1, 0x140);
        rig.regs().set(1, 5); // DIAG 0x500 subcode 5: specification exception
        rig.trap("diag %r2,%r4,0x500");
        assertArrayEquals(new byte[4], bytes(rig, 0x8C, 4), "no ILC / program code without the old PSW");
    }

    @Test
    @DisplayName("SIGP RESTART of another CPU: lowcore ends at 0x1A0 (the restart new PSW): the restart old PSW at 0x120 is not stored")
    void restartOther() {
        Rig rig = rig(2, 0x1A0);
        rig.regs(1).pc(0x1111);
        rig.state(1, VcpuState.OFF);
        rig.regs().set(3, 1);
        rig.trap("sigp %r4,%r3,6");
        rig.m.run(1, 1_000_000); // the target takes its request at its own next entry
        assertArrayEquals(new byte[16], bytes(rig, 0x120, 16));
    }

    @Test
    @DisplayName("SIGP RESTART to itself: lowcore ends at 0x1A0: the restart old PSW at 0x120 is not stored, the CPU continues after SIGP")
    void restartSelf() {
        Rig rig = rig(1, 0x1A0);
        rig.regs().set(3, 0);
        rig.trap("sigp %r4,%r3,6");
        assertArrayEquals(new byte[16], bytes(rig, 0x120, 16));
        assertEquals(Rig.PC + 4, rig.regs().pc());
    }

    @Test
    @DisplayName("SIGP STOP AND STORE STATUS: the save area at 0x1280..0x131c runs past memory ending at 0x1300: no GPR is stored")
    void stopAndStoreStatus() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(2).memory(0, 0x1300).memory(0x2000, 0x1000));
        rig.regs(1).set(3, 0x3333);
        rig.regs().set(3, 1);
        rig.trap("sigp %r4,%r3,9");
        rig.m.run(1, 1_000_000);
        assertArrayEquals(new byte[0x80], bytes(rig, 0x1280, 0x80));
    }
}
