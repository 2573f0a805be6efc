package dev.hcsim.arch.loongarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmControl;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * LoongArch through the VMM-side control surface: arch/loongarch/kvm/vcpu.c
 * kvm_loongarch_pvtime_set_attr / get_attr / has_attr and kvm_loongarch_cpucfg_set_attr.
 */
class LoongArchKvmControlTest {
    private static final long GPA = 0x8000;

    private static void assertErrno(Errno e, Executable call) {
        KvmException x = assertThrows(KvmException.class, call);
        assertEquals(e, x.errno(), x.getMessage());
    }

    @Test
    @DisplayName("kvm_loongarch_pvtime_set_attr: stray low bits -EINVAL, outside memory -EINVAL, read back, set again (migration) allowed")
    void stealTimeGpa() {
        KvmControl c = Vm.create(VmConfig.builder("loongarch").vcpus(2).build()).control();
        long g = LoongArchIoctls.KVM_LOONGARCH_VCPU_PVTIME_CTRL;
        long a = LoongArchIoctls.KVM_LOONGARCH_VCPU_PVTIME_GPA;
        assertTrue(c.hasVcpuAttr(1, g, a));
        assertErrno(Errno.EINVAL, () -> c.setVcpuAttr(1, g, a, KvmControl.u64(GPA | 2)));
        assertErrno(Errno.EINVAL, () -> c.setVcpuAttr(1, g, a, KvmControl.u64(0x7_0000_0000L | 1)));
        c.setVcpuAttr(1, g, a, KvmControl.u64(GPA | 1));
        assertEquals(GPA | 1, KvmControl.u64(c.getVcpuAttr(1, g, a)));
        c.setVcpuAttr(1, g, a, KvmControl.u64(GPA + 64 | 1));
        assertEquals(GPA + 64 | 1, KvmControl.u64(c.getVcpuAttr(1, g, a)));
        assertEquals(0, KvmControl.u64(c.getVcpuAttr(0, g, a)));
        assertErrno(Errno.ENXIO, () -> c.setVcpuAttr(0, g, 1, KvmControl.u64(0)));
    }

    @Test
    @DisplayName("without KVM_FEATURE_STEAL_TIME the PVTIME group is -ENXIO (guest_pv_has form of kvm_loongarch_pvtime_*_attr)")
    void stealTimeOff() {
        KvmControl c = Vm.create(VmConfig.builder("loongarch").feature("steal-time", false).build()).control();
        assertFalse(c.hasVcpuAttr(0, 1, 0));
        assertErrno(Errno.ENXIO, () -> c.setVcpuAttr(0, 1, 0, KvmControl.u64(GPA | 1)));
        assertErrno(Errno.ENXIO, () -> c.getVcpuAttr(0, 1, 0));
    }

    @Test
    @DisplayName("kvm_loongarch_cpucfg_set_attr CPUCFG_KVM_FEATURE: outside LOONGARCH_PV_FEAT_MASK -EINVAL, a second different value -EINVAL")
    void featureMask() {
        KvmControl c = Vm.create(VmConfig.builder("loongarch").build()).control();
        long g = LoongArchIoctls.KVM_LOONGARCH_VCPU_CPUCFG;
        long a = LoongArchDiscovery.CPUCFG_KVM_FEATURE;
        assertErrno(Errno.EINVAL, () -> c.setVcpuAttr(0, g, a, KvmControl.u64(1L << 4)));
        c.setVcpuAttr(0, g, a, KvmControl.u64(LoongArchDiscovery.FEATURE_IPI));
        assertEquals(LoongArchDiscovery.FEATURE_IPI, KvmControl.u64(c.getVcpuAttr(0, g, a)));
        assertErrno(Errno.EINVAL, () -> c.setVcpuAttr(0, g, a, KvmControl.u64(0x6)));
        assertErrno(Errno.ENXIO, () -> c.setVcpuAttr(0, g, 2, KvmControl.u64(0)));
        assertErrno(Errno.ENOENT, () -> c.getOneReg(0, 0));
    }
}
