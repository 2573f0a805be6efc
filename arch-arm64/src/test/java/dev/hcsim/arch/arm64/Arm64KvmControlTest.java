package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmControl;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * arm64 through the one VMM-side control surface ({@code Vm.control()}), with the kernel's answers:
 * arch/arm64/kvm/hypercalls.c kvm_arm_get_fw_reg / kvm_arm_set_fw_reg / kvm_arm_set_fw_reg_bmap /
 * kvm_smccc_set_filter / kvm_vm_smccc_has_attr, arch/arm64/kvm/pvtime.c kvm_arm_pvtime_set_attr.
 */
class Arm64KvmControlTest {
    private static void assertErrno(Errno e, Executable call) {
        KvmException x = assertThrows(KvmException.class, call);
        assertEquals(e, x.errno(), x.getMessage());
    }

    static byte[] filter(long base, long nr, int action) {
        return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt((int) base).putInt((int) nr).put((byte) action).array();
    }

    private static Harness all() {
        return new Harness(VmConfig.builder("arm64").vcpus(2).feature("ptp", true).build());
    }

    @Test
    @DisplayName("kvm_arm_get_fw_reg: every bitmap reads back what kvm_arm_set_fw_reg_bmap stored")
    void bitmapsReadBack() {
        Harness h = all();
        KvmControl c = h.vm.control();
        long full = c.getOneReg(0, Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP);
        c.setOneReg(0, Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP, full & 1);
        assertEquals(full & 1, c.getOneReg(1, Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP), "the bitmaps are per VM");
        c.setOneReg(1, Arm64FirmwareRegisters.REG_STD_BMAP, 0);
        assertEquals(0, c.getOneReg(0, Arm64FirmwareRegisters.REG_STD_BMAP));
        c.setOneReg(0, Arm64FirmwareRegisters.REG_STD_HYP_BMAP, 0);
        assertEquals(0, c.getOneReg(0, Arm64FirmwareRegisters.REG_STD_HYP_BMAP));
    }

    @Test
    @DisplayName("kvm_arm_set_fw_reg_bmap: a bit outside the supported features is -EINVAL; an unknown id -ENOENT")
    void unsupportedBits() {
        KvmControl c = all().vm.control();
        assertErrno(Errno.EINVAL, () -> c.setOneReg(0, Arm64FirmwareRegisters.REG_STD_BMAP, 2));
        assertErrno(Errno.EINVAL, () -> c.setOneReg(0, Arm64FirmwareRegisters.REG_STD_HYP_BMAP, 1L << 63));
        assertErrno(Errno.EINVAL, () -> c.setOneReg(0, Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP, 8));
        assertErrno(Errno.ENOENT, () -> c.setOneReg(0, Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP_2 + 1, 0));
        assertErrno(Errno.ENOENT, () -> c.getOneReg(0, 0x6030_0000_0016_0004L));
    }

    @Test
    @DisplayName("kvm_arm_set_fw_reg_bmap: after the first run a change is -EBUSY, the same value is accepted")
    void busyAfterFirstRun() {
        Harness h = all();
        KvmControl c = h.vm.control();
        long std = c.getOneReg(0, Arm64FirmwareRegisters.REG_STD_BMAP);
        assertFalse(h.vm.hasRun());
        h.hvc(0x8000_0000L); // SMCCC_VERSION: the first KVM_RUN
        assertTrue(h.vm.hasRun());
        assertErrno(Errno.EBUSY, () -> c.setOneReg(0, Arm64FirmwareRegisters.REG_STD_BMAP, std ^ 1));
        c.setOneReg(0, Arm64FirmwareRegisters.REG_STD_BMAP, std);
        assertEquals(std, c.getOneReg(0, Arm64FirmwareRegisters.REG_STD_BMAP));
    }

    @Test
    @DisplayName("kvm_arm_set_fw_reg: PSCI_VERSION 0.2..1.3 with PSCI_0_2, 0.1 refused (-EINVAL), value read back")
    void psciVersion() {
        KvmControl c = all().vm.control();
        c.setOneReg(0, Arm64FirmwareRegisters.REG_PSCI_VERSION, 0x10000);
        assertEquals(0x10000, c.getOneReg(0, Arm64FirmwareRegisters.REG_PSCI_VERSION));
        assertErrno(Errno.EINVAL, () -> c.setOneReg(0, Arm64FirmwareRegisters.REG_PSCI_VERSION, 1));
        assertErrno(Errno.EINVAL, () -> c.setOneReg(0, Arm64FirmwareRegisters.REG_PSCI_VERSION, 0x10004));
    }

    @Test
    @DisplayName("kvm_arm_set_fw_reg WORKAROUND_2: UNKNOWN (1) maps to NOT_AVAIL and is accepted on a vulnerable host; 4+ is -EINVAL")
    void workaround2Levels() {
        KvmControl c = new Harness(VmConfig.builder("arm64").option("spectre-v4", "vulnerable").build()).vm.control();
        assertEquals(0, c.getOneReg(0, Arm64FirmwareRegisters.REG_WORKAROUND_2));
        c.setOneReg(0, Arm64FirmwareRegisters.REG_WORKAROUND_2, 1);
        c.setOneReg(0, Arm64FirmwareRegisters.REG_WORKAROUND_2, 0);
        assertErrno(Errno.EINVAL, () -> c.setOneReg(0, Arm64FirmwareRegisters.REG_WORKAROUND_2, 2));
        assertErrno(Errno.EINVAL, () -> c.setOneReg(0, Arm64FirmwareRegisters.REG_WORKAROUND_2, 4));
        assertErrno(Errno.EINVAL, () -> c.setOneReg(0, Arm64FirmwareRegisters.REG_WORKAROUND_2, 0x11));
    }

    @Test
    @DisplayName("kvm_smccc_set_filter as KVM_SET_DEVICE_ATTR: padding, zero length, wrap, bad action -EINVAL; overlap -EEXIST; after the run -EBUSY")
    void filterAttribute() {
        Harness h = all();
        KvmControl c = h.vm.control();
        long g = Arm64Ioctls.KVM_ARM_VM_SMCCC_CTRL;
        long a = Arm64Ioctls.KVM_ARM_VM_SMCCC_FILTER;
        assertTrue(c.hasDeviceAttr(g, a));
        assertFalse(c.hasDeviceAttr(g, 1));
        byte[] padded = filter(0x8600_0000L, 1, SmcccFilter.DENY);
        padded[23] = 1;
        assertErrno(Errno.EINVAL, () -> c.setDeviceAttr(g, a, padded));
        assertErrno(Errno.EINVAL, () -> c.setDeviceAttr(g, a, filter(0x8600_0000L, 0, SmcccFilter.DENY)));
        assertErrno(Errno.EINVAL, () -> c.setDeviceAttr(g, a, filter(0xFFFF_FFFFL, 2, SmcccFilter.DENY)));
        assertErrno(Errno.EINVAL, () -> c.setDeviceAttr(g, a, filter(0x8600_0000L, 1, 3)));
        assertErrno(Errno.ENXIO, () -> c.setDeviceAttr(g, 1, filter(0x8600_0000L, 1, 1)));
        assertErrno(Errno.EFAULT, () -> c.setDeviceAttr(g, a, new byte[8]));
        c.setDeviceAttr(g, a, filter(0x8600_0000L, 16, SmcccFilter.FWD_TO_USER));
        assertErrno(Errno.EEXIST, () -> c.setDeviceAttr(g, a, filter(0x8600_000FL, 1, SmcccFilter.DENY)));
        assertErrno(Errno.EEXIST, () -> c.setDeviceAttr(g, a, filter(0x8000_0000L, 1, SmcccFilter.DENY)));
        assertErrno(Errno.ENXIO, () -> c.getDeviceAttr(g, a));
        h.hvc(0x8000_0000L);
        assertErrno(Errno.EBUSY, () -> c.setDeviceAttr(g, a, filter(0x8700_0000L, 1, SmcccFilter.DENY)));
        assertEquals(SmcccFilter.FWD_TO_USER, h.arm().smcccFilter().action(0x8600_0003L));
    }

    @Test
    @DisplayName("pvtime.c kvm_arm_pvtime_set_attr: misaligned -EINVAL, outside memory -EINVAL, set twice -EEXIST, read back; other attr -ENXIO")
    void pvtimeAttribute() {
        Harness h = all();
        KvmControl c = h.vm.control();
        long g = Arm64Ioctls.KVM_ARM_VCPU_PVTIME_CTRL;
        long a = Arm64Ioctls.KVM_ARM_VCPU_PVTIME_IPA;
        assertTrue(c.hasVcpuAttr(0, g, a));
        assertFalse(c.hasVcpuAttr(0, g, 1));
        assertEquals(-1L, KvmControl.u64(c.getVcpuAttr(0, g, a)), "INVALID_GPA before it is set");
        assertErrno(Errno.EINVAL, () -> c.setVcpuAttr(0, g, a, KvmControl.u64(0x4020)));
        assertErrno(Errno.EINVAL, () -> c.setVcpuAttr(0, g, a, KvmControl.u64(0x10_0000)));
        c.setVcpuAttr(0, g, a, KvmControl.u64(0x4000));
        assertErrno(Errno.EEXIST, () -> c.setVcpuAttr(0, g, a, KvmControl.u64(0x4040)));
        assertArrayEquals(KvmControl.u64(0x4000), c.getVcpuAttr(0, g, a));
        c.setVcpuAttr(1, g, a, KvmControl.u64(0x4040));
        assertErrno(Errno.ENXIO, () -> c.setVcpuAttr(1, Arm64Ioctls.KVM_ARM_VCPU_PVLOCK_CTRL, 0, KvmControl.u64(0x5000)));
    }

    @Test
    @DisplayName("arm.c kvm_vm_ioctl_enable_cap KVM_CAP_ARM_SYSTEM_SUSPEND (216): PSCI SYSTEM_SUSPEND becomes offered")
    void systemSuspendCap() {
        Harness h = all();
        assertFalse(Engine.context(h.vm).hypercalls().isOffered(0xC400_000EL));
        h.vm.control().enableCap(Arm64Ioctls.KVM_CAP_ARM_SYSTEM_SUSPEND);
        assertTrue(Engine.context(h.vm).hypercalls().isOffered(0xC400_000EL));
    }

    @Test
    @DisplayName("KVM_CAP_ARM_SYSTEM_SUSPEND enabled between two SYSTEM_SUSPEND traps at the same address: the second is handled "
            + "(psci.c kvm_psci_1_x_call checks the flag at each call), though the call site kept the first answer")
    void systemSuspendCapBetweenTrapsAtOneSite() {
        Harness h = all();
        TrapResult before = h.trap(0, "hvc #0", 0xC400_000EL, 0x2000, 0);
        assertEquals(Outcome.RESUME, before.outcome());
        assertEquals(-1L, h.regs(0).get(0), "PSCI_RET_NOT_SUPPORTED before the capability");
        h.vm.control().enableCap(Arm64Ioctls.KVM_CAP_ARM_SYSTEM_SUSPEND);
        TrapResult after = h.trap(0, "hvc #0", 0xC400_000EL, 0x2000, 0);
        assertEquals(Outcome.EXIT_TO_HOST, after.outcome(), "a KVM_SYSTEM_EVENT_SUSPEND exit once the capability is on");
    }

    @Test
    @DisplayName("arm.c kvm_vm_ioctl_check_extension: KVM_CAP_ARM_SYSTEM_SUSPEND is 1, a capability arm64 does not serve (x86's 190) is 0")
    void checkExtension() {
        KvmControl c = all().vm.control();
        assertEquals(1, c.checkExtension(Arm64Ioctls.KVM_CAP_ARM_SYSTEM_SUSPEND));
        assertEquals(0, c.checkExtension(190));
    }

    @Test
    @DisplayName("misuse of the Java API is an IllegalArgumentException, not a KvmException; MSRs and CPUID are -ENOTTY on arm64")
    void misuse() {
        KvmControl c = all().vm.control();
        assertThrows(IllegalArgumentException.class, () -> c.getOneReg(2, Arm64FirmwareRegisters.REG_STD_BMAP));
        assertThrows(IllegalArgumentException.class, () -> c.setVcpuAttr(-1, 2, 0, KvmControl.u64(0)));
        assertErrno(Errno.ENOTTY, () -> c.setMsrs(0));
        assertErrno(Errno.ENOTTY, () -> c.getCpuid(0));
        assertErrno(Errno.EINVAL, () -> c.enableCap(215));
        assertErrno(Errno.EINVAL, () -> c.enableVcpuCap(0, 216));
    }
}
