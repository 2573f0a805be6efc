package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.engine.Engine;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The control surface's rules that hold for every architecture (an architecture with no controls answers as KVM does). */
class KvmControlTest {
    private static Vm toy() {
        return Engine.create(new ToyArchitecture(), VmConfig.builder("toy").vcpus(2).build());
    }

    @Test
    @DisplayName("an architecture without controls: ONE_REG -ENOENT, attributes -ENXIO, caps -EINVAL, MSRs and CPUID -ENOTTY")
    void defaults() {
        KvmControl c = toy().control();
        assertEquals(Errno.ENOENT, assertThrows(KvmException.class, () -> c.getOneReg(0, 1)).errno());
        assertEquals(Errno.ENOENT, assertThrows(KvmException.class, () -> c.setOneReg(1, 1, 0)).errno());
        assertFalse(c.hasDeviceAttr(0, 0));
        assertFalse(c.hasVcpuAttr(1, 0, 0));
        assertEquals(Errno.ENXIO, assertThrows(KvmException.class, () -> c.setDeviceAttr(0, 0, new byte[8])).errno());
        assertEquals(Errno.ENXIO, assertThrows(KvmException.class, () -> c.getVcpuAttr(0, 0, 0)).errno());
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> c.enableCap(190, 1)).errno());
        assertEquals(Errno.ENOTTY, assertThrows(KvmException.class, () -> c.getMsrs(0, 0x10)).errno());
        assertEquals(Errno.ENOTTY, assertThrows(KvmException.class, () -> c.setCpuid(0, List.of())).errno());
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> c.getSyncReg(0, 1)).errno());
        assertEquals(List.of(), c.describe());
        assertEquals(0, c.checkExtension(190), "KVM_CHECK_EXTENSION of a capability the VM lacks");
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> c.setGuestDebug(0, 3)).errno());
    }

    @Test
    @DisplayName("a KvmException names the ioctl and the errno as the kernel writes it; Errno maps both ways")
    void exceptionText() {
        KvmException x = new KvmException("KVM_SET_ONE_REG", Errno.EBUSY, "the VM has run");
        assertEquals("KVM_SET_ONE_REG: -EBUSY (the VM has run)", x.getMessage());
        assertEquals(-16, x.errno().returnValue());
        for (Errno e : Errno.values()) {
            assertEquals(e, Errno.ofReturn(e.returnValue()));
        }
        assertThrows(IllegalArgumentException.class, () -> Errno.ofReturn(-3));
    }

    @Test
    @DisplayName("misuse: a vCPU index out of range or more than 4 cap args is an IllegalArgumentException with a one-line message")
    void misuse() {
        KvmControl c = toy().control();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> c.getOneReg(2, 1));
        assertEquals("vCPU index 2 is out of range: this VM has vCPUs 0 to 1", x.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.enableCap(1, 1, 2, 3, 4, 5));
        assertThrows(IllegalArgumentException.class, () -> new MsrEntry(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> CpuidEntry.of(0x1_0000_0000L, 0, 0, 0, 0));
    }

    @Test
    @DisplayName("kvm_vm_has_ran_once: false after creation, true after the first trap, never cleared")
    void firstRun() {
        Vm vm = toy();
        assertFalse(vm.hasRun());
        Engine.context(vm).markRun(); // what the scheduler does at a schedule-in
        assertTrue(vm.hasRun());
        Engine.context(vm).markRun(); // what the scheduler does at a schedule-in
        assertTrue(vm.hasRun());
    }

    @Test
    @DisplayName("u64 attribute values are 8 little-endian bytes")
    void u64() {
        assertEquals(0x0102030405060708L, KvmControl.u64(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}));
        assertEquals(-1L, KvmControl.u64(KvmControl.u64(-1L)));
        assertThrows(IllegalArgumentException.class, () -> KvmControl.u64(new byte[4]));
    }
}
