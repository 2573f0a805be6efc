package dev.hcsim.arch.loongarch;

import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmControl;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.spi.KvmIoctls;
import java.util.List;

/**
 * LoongArch's VMM-side controls, as arch/loongarch/kvm/vcpu.c answers them (vCPU device attributes):
 * <ul>
 * <li>KVM_LOONGARCH_VCPU_CPUCFG (0) / CPUCFG_KVM_FEATURE: the VM's PV feature mask
 *     (kvm_loongarch_cpucfg_set_attr: -EINVAL for a bit outside LOONGARCH_PV_FEAT_MASK or a value
 *     that differs from one already set);</li>
 * <li>KVM_LOONGARCH_VCPU_PVTIME_CTRL (1) / KVM_LOONGARCH_VCPU_PVTIME_GPA (0): the steal-time GPA
 *     (kvm_loongarch_pvtime_set_attr: -ENXIO without KVM_FEATURE_STEAL_TIME, -EINVAL for bits
 *     outside KVM_STEAL_PHYS_MASK | KVM_STEAL_PHYS_VALID or a GPA outside every memslot). Unlike
 *     arm64's PVTIME_IPA, setting it again is allowed: migration sets it on the destination.</li>
 * </ul>
 */
final class LoongArchIoctls implements KvmIoctls {
    /** KVM_LOONGARCH_VCPU_CPUCFG (arch/loongarch/include/uapi/asm/kvm.h). */
    static final long KVM_LOONGARCH_VCPU_CPUCFG = 0;
    /** KVM_LOONGARCH_VCPU_PVTIME_CTRL. */
    static final long KVM_LOONGARCH_VCPU_PVTIME_CTRL = 1;
    /** KVM_LOONGARCH_VCPU_PVTIME_GPA. */
    static final long KVM_LOONGARCH_VCPU_PVTIME_GPA = 0;

    private final LoongArchVm vm;

    LoongArchIoctls(LoongArchVm vm) {
        this.vm = vm;
    }

    @Override
    public boolean hasDeviceAttr(int vcpu, long group, long attr) {
        if (vcpu < 0) {
            return false;
        }
        if (group == KVM_LOONGARCH_VCPU_CPUCFG) {
            return attr == LoongArchDiscovery.CPUCFG_KVM_FEATURE;
        }
        // kvm_loongarch_pvtime_has_attr: the guest_pv_has(KVM_FEATURE_STEAL_TIME) form of the check
        return group == KVM_LOONGARCH_VCPU_PVTIME_CTRL && attr == KVM_LOONGARCH_VCPU_PVTIME_GPA
                && vm.hasFeature(LoongArchDiscovery.FEATURE_STEAL_TIME);
    }

    @Override
    public void setDeviceAttr(int vcpu, long group, long attr, byte[] value) {
        if (vcpu < 0 || (group != KVM_LOONGARCH_VCPU_CPUCFG && group != KVM_LOONGARCH_VCPU_PVTIME_CTRL)
                || (group == KVM_LOONGARCH_VCPU_CPUCFG && attr != LoongArchDiscovery.CPUCFG_KVM_FEATURE)
                || (group == KVM_LOONGARCH_VCPU_PVTIME_CTRL && attr != KVM_LOONGARCH_VCPU_PVTIME_GPA)) {
            throw new KvmException("KVM_SET_DEVICE_ATTR", Errno.ENXIO, "group " + group + " attr 0x" + Long.toHexString(attr));
        }
        if (value.length < 8) {
            throw new KvmException("KVM_SET_DEVICE_ATTR", Errno.EFAULT, "get_user of a u64: " + value.length + " of 8 bytes");
        }
        long v = KvmControl.u64(value);
        int ret = group == KVM_LOONGARCH_VCPU_CPUCFG ? vm.setPvFeatures(v) : vm.setStealTimeGpa(vcpu, v);
        if (ret != 0) {
            throw new KvmException("KVM_SET_DEVICE_ATTR", Errno.ofReturn(ret), (group == KVM_LOONGARCH_VCPU_CPUCFG
                    ? "vcpu.c kvm_loongarch_cpucfg_set_attr: CPUCFG_KVM_FEATURE = 0x" : "vcpu.c kvm_loongarch_pvtime_set_attr: GPA 0x")
                    + Long.toHexString(v));
        }
    }

    @Override
    public byte[] getDeviceAttr(int vcpu, long group, long attr) {
        if (!hasDeviceAttr(vcpu, group, attr)) {
            throw new KvmException("KVM_GET_DEVICE_ATTR", Errno.ENXIO, "group " + group + " attr 0x" + Long.toHexString(attr));
        }
        return KvmControl.u64(group == KVM_LOONGARCH_VCPU_CPUCFG ? vm.featureLeaf() : vm.stealTimeGpa(vcpu));
    }

    @Override
    public List<String> describe() {
        return List.of(
                "KVM_SET/GET/HAS_DEVICE_ATTR (vCPU) KVM_LOONGARCH_VCPU_CPUCFG 0 / CPUCFG_KVM_FEATURE 0x40000004: the PV feature mask; "
                        + "-EINVAL for a bit outside LOONGARCH_PV_FEAT_MASK or a change once set (vcpu.c kvm_loongarch_cpucfg_set_attr)",
                "KVM_SET/GET/HAS_DEVICE_ATTR (vCPU) KVM_LOONGARCH_VCPU_PVTIME_CTRL 1 / KVM_LOONGARCH_VCPU_PVTIME_GPA 0: u64 GPA | valid bit; "
                        + "-ENXIO without steal-time, -EINVAL for stray bits or a GPA outside memory (kvm_loongarch_pvtime_set_attr)",
                KvmIoctls.runDelayLine("struct kvm_steal_time.steal at PVTIME_GPA (vcpu.c kvm_update_stolen_time)"));
    }
}
