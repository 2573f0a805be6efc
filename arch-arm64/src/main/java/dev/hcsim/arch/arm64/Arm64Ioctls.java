package dev.hcsim.arch.arm64;

import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmControl;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.spi.KvmIoctls;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * arm64's VMM-side controls, as arch/arm64/kvm answers them:
 * <ul>
 * <li>KVM_GET/SET_ONE_REG of the firmware pseudo-registers (hypercalls.c kvm_arm_get_fw_reg,
 *     kvm_arm_set_fw_reg, kvm_arm_set_fw_reg_bmap): read back; -EINVAL for a bit or level the host
 *     does not support; -EBUSY for a changed bitmap once the VM has run; -ENOENT for another id;</li>
 * <li>KVM_SET_DEVICE_ATTR KVM_ARM_VM_SMCCC_CTRL / KVM_ARM_VM_SMCCC_FILTER on the VM
 *     (kvm_vm_smccc_set_attr, kvm_smccc_set_filter), a 24-byte {@code struct kvm_smccc_filter};</li>
 * <li>KVM_SET/GET/HAS_DEVICE_ATTR KVM_ARM_VCPU_PVTIME_CTRL / KVM_ARM_VCPU_PVTIME_IPA on a vCPU
 *     (pvtime.c kvm_arm_pvtime_set_attr): -EINVAL unless 64-byte aligned, -EEXIST when set twice;</li>
 * <li>the seed's KVM_ARM_VCPU_PVLOCK_CTRL (group 3) with the {@code pvlock} option.</li>
 * </ul>
 */
final class Arm64Ioctls implements KvmIoctls {
    /** KVM_ARM_VM_SMCCC_CTRL (arch/arm64/include/uapi/asm/kvm.h, device control API on the VM fd). */
    static final long KVM_ARM_VM_SMCCC_CTRL = 0;
    /** KVM_ARM_VM_SMCCC_FILTER. */
    static final long KVM_ARM_VM_SMCCC_FILTER = 0;
    /** KVM_ARM_VCPU_PVTIME_CTRL (vCPU device control group). */
    static final long KVM_ARM_VCPU_PVTIME_CTRL = 2;
    /** KVM_ARM_VCPU_PVTIME_IPA. */
    static final long KVM_ARM_VCPU_PVTIME_IPA = 0;
    /** The seed RFC's KVM_ARM_VCPU_PVLOCK_CTRL (never merged). */
    static final long KVM_ARM_VCPU_PVLOCK_CTRL = 3;
    /** The seed RFC's KVM_ARM_VCPU_PVLOCK_IPA. */
    static final long KVM_ARM_VCPU_PVLOCK_IPA = 0;
    /** KVM_CAP_ARM_SYSTEM_SUSPEND (include/uapi/linux/kvm.h). */
    static final long KVM_CAP_ARM_SYSTEM_SUSPEND = 216;
    /** sizeof(struct kvm_smccc_filter): u32 base, u32 nr_functions, u8 action, u8 pad[15]. */
    static final int SMCCC_FILTER_SIZE = 24;

    private final Arm64Vm vm;

    Arm64Ioctls(Arm64Vm vm) {
        this.vm = vm;
    }

    private static void check(String ioctl, int ret, String what) {
        if (ret != 0) {
            throw new KvmException(ioctl, Errno.ofReturn(ret), what);
        }
    }

    @Override
    public long getOneReg(int vcpu, long id) {
        Long v = vm.firmware().get(id);
        if (v == null) {
            throw new KvmException("KVM_GET_ONE_REG", Errno.ENOENT, "hypercalls.c kvm_arm_get_fw_reg: no register 0x" + Long.toHexString(id));
        }
        return v;
    }

    @Override
    public void setOneReg(int vcpu, long id, long value) {
        check("KVM_SET_ONE_REG", vm.firmware().set(id, value), "hypercalls.c kvm_arm_set_fw_reg: register 0x" + Long.toHexString(id)
                + " = 0x" + Long.toHexString(value));
    }

    @Override
    public boolean hasDeviceAttr(int vcpu, long group, long attr) {
        if (vcpu < 0) {
            return group == KVM_ARM_VM_SMCCC_CTRL && attr == KVM_ARM_VM_SMCCC_FILTER; // kvm_vm_smccc_has_attr
        }
        return group == KVM_ARM_VCPU_PVTIME_CTRL && attr == KVM_ARM_VCPU_PVTIME_IPA
                || group == KVM_ARM_VCPU_PVLOCK_CTRL && attr == KVM_ARM_VCPU_PVLOCK_IPA && vm.pvlockOption();
    }

    @Override
    public void setDeviceAttr(int vcpu, long group, long attr, byte[] value) {
        if (!hasDeviceAttr(vcpu, group, attr)) {
            throw new KvmException("KVM_SET_DEVICE_ATTR", Errno.ENXIO, (vcpu < 0 ? "VM" : "vCPU") + " group " + group + " attr " + attr);
        }
        if (vcpu < 0) {
            if (value.length < SMCCC_FILTER_SIZE) {
                throw new KvmException("KVM_SET_DEVICE_ATTR", Errno.EFAULT, "copy_from_user of struct kvm_smccc_filter: "
                        + value.length + " of 24 bytes");
            }
            ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
            long base = b.getInt(0) & 0xFFFF_FFFFL;
            long nr = b.getInt(4) & 0xFFFF_FFFFL;
            int action = b.get(8) & 0xFF;
            int pad = 0;
            for (int i = 9; i < SMCCC_FILTER_SIZE; i++) {
                pad |= value[i];
            }
            check("KVM_SET_DEVICE_ATTR", vm.setSmcccFilter(base, nr, action, pad), "hypercalls.c kvm_smccc_set_filter: base 0x"
                    + Long.toHexString(base) + ", " + nr + " functions, action " + action + (pad != 0 ? ", padding not zero" : ""));
            return;
        }
        long ipa = KvmControl.u64(requireU64(value));
        if (group == KVM_ARM_VCPU_PVTIME_CTRL) {
            check("KVM_SET_DEVICE_ATTR", vm.pvTime().setPvtimeIpa(vcpu, ipa), "pvtime.c kvm_arm_pvtime_set_attr: IPA 0x" + Long.toHexString(ipa));
        } else {
            check("KVM_SET_DEVICE_ATTR", vm.pvTime().setPvlockIpa(vcpu, ipa), "seed KVM_ARM_VCPU_PVLOCK_IPA: IPA 0x" + Long.toHexString(ipa));
        }
    }

    private static byte[] requireU64(byte[] value) {
        if (value.length < 8) {
            throw new KvmException("KVM_SET_DEVICE_ATTR", Errno.EFAULT, "get_user of a u64: " + value.length + " of 8 bytes");
        }
        return value;
    }

    @Override
    public byte[] getDeviceAttr(int vcpu, long group, long attr) {
        if (vcpu < 0 || !hasDeviceAttr(vcpu, group, attr)) {
            // arm.c has no KVM_GET_DEVICE_ATTR for the SMCCC filter (write-only), so it is -ENXIO as any unknown attribute.
            throw new KvmException("KVM_GET_DEVICE_ATTR", Errno.ENXIO, (vcpu < 0 ? "VM" : "vCPU") + " group " + group + " attr " + attr);
        }
        return KvmControl.u64(group == KVM_ARM_VCPU_PVTIME_CTRL ? vm.pvTime().pvtimeIpa(vcpu) : vm.pvTime().pvlockIpa(vcpu));
    }

    /** arm.c kvm_vm_ioctl_check_extension: KVM_CAP_ARM_SYSTEM_SUSPEND is 1; the rest of the list is not the hypercall ABI's. */
    @Override
    public long checkExtension(long cap) {
        return cap == KVM_CAP_ARM_SYSTEM_SUSPEND ? 1 : 0;
    }

    @Override
    public void enableCap(int vcpu, long cap, long[] args) {
        if (vcpu < 0 && cap == KVM_CAP_ARM_SYSTEM_SUSPEND) {
            vm.enableSystemSuspend(); // arm.c kvm_vm_ioctl_enable_cap: set_bit(KVM_ARCH_FLAG_SYSTEM_SUSPEND_ENABLED), r = 0
            return;
        }
        throw new KvmException("KVM_ENABLE_CAP", Errno.EINVAL, "capability " + cap + " (arm.c kvm_vm_ioctl_enable_cap)");
    }

    @Override
    public List<String> describe() {
        return List.of(
                "KVM_GET/SET_ONE_REG KVM_REG_ARM_PSCI_VERSION 0x6030000000140000: 1 (0.1), 2 (0.2), 0x10000-0x10003 (1.0-1.3); -EINVAL for "
                        + "another or one the vCPU's PSCI_0_2 feature excludes (hypercalls.c kvm_arm_set_fw_reg)",
                "KVM_GET/SET_ONE_REG KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1/2/3 0x6030000000140001-3: the host's level; -EINVAL above it",
                "KVM_GET/SET_ONE_REG KVM_REG_ARM_STD_BMAP, STD_HYP_BMAP, VENDOR_HYP_BMAP, VENDOR_HYP_BMAP_2 0x6030000000160000-3: "
                        + "-EINVAL for an unsupported bit, -EBUSY for a change after the first run (kvm_arm_set_fw_reg_bmap)",
                "KVM_SET_DEVICE_ATTR (VM) KVM_ARM_VM_SMCCC_CTRL 0 / KVM_ARM_VM_SMCCC_FILTER 0: struct kvm_smccc_filter (24 bytes); -EINVAL for "
                        + "padding, zero length, wrap or action >= 3, -EEXIST for overlap, -EBUSY after the first run; no range limit",
                "KVM_SET/GET/HAS_DEVICE_ATTR (vCPU) KVM_ARM_VCPU_PVTIME_CTRL 2 / KVM_ARM_VCPU_PVTIME_IPA 0: u64 IPA; -EINVAL unless "
                        + "64-byte aligned and in guest memory, -EEXIST when set twice (pvtime.c kvm_arm_pvtime_set_attr)",
                "KVM_SET/GET/HAS_DEVICE_ATTR (vCPU) group 3 attr 0: the seed RFC's PV-lock IPA, with option pvlock=on",
                "KVM_ENABLE_CAP (VM) KVM_CAP_ARM_SYSTEM_SUSPEND 216: PSCI SYSTEM_SUSPEND exits to the VMM (KVM_SYSTEM_EVENT_SUSPEND); "
                        + "KVM_CHECK_EXTENSION answers it 1 (arm.c kvm_vm_ioctl_check_extension), any other capability 0",
                KvmIoctls.runDelayLine("stolen_time at PVTIME_IPA + 8 (pvtime.c kvm_update_stolen_time)"),
                KvmIoctls.reenterLine("PSCI SYSTEM_OFF/OFF2 SHUTDOWN, SYSTEM_RESET/RESET2 RESET, SYSTEM_SUSPEND SUSPEND; ndata 1, "
                        + "data[0] the flags, psci.c kvm_prepare_system_event"));
    }

}
