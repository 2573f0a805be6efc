package dev.hcsim.arch.ppc;

import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.spi.KvmIoctls;
import java.util.List;

/**
 * PowerPC's VMM-side controls: KVM_ENABLE_CAP(KVM_CAP_PPC_ENABLE_HCALL) on the VM, which sets or clears one hcall in
 * the enabled-hcall bitmap of a Book3S VM (arch/powerpc/kvm/powerpc.c kvm_vm_ioctl_enable_cap). The options
 * papr-enable and papr-disable make the same calls when the VM is created.
 */
final class PpcIoctls implements KvmIoctls {
    /** KVM_CAP_PPC_ENABLE_HCALL (include/uapi/linux/kvm.h). */
    static final long KVM_CAP_PPC_ENABLE_HCALL = 104;

    private final PpcVm vm;

    PpcIoctls(PpcVm vm) {
        this.vm = vm;
    }

    @Override
    public void enableCap(int vcpu, long cap, long[] args) {
        PpcPapr papr = vm.papr();
        if (vcpu >= 0 || cap != KVM_CAP_PPC_ENABLE_HCALL || papr == null) {
            throw new KvmException("KVM_ENABLE_CAP", Errno.EINVAL, "capability " + cap + (papr == null ? " needs a Book3S host" : ""));
        }
        long hcall = args.length > 0 ? args[0] : 0;
        long on = args.length > 1 ? args[1] : 0;
        if (Long.compareUnsigned(on, 1) > 0 || papr.enableHcall(hcall, on == 1) != 0) {
            throw new KvmException("KVM_ENABLE_CAP", Errno.EINVAL, "KVM_CAP_PPC_ENABLE_HCALL 0x" + Long.toHexString(hcall) + ", " + on
                    + ": above MAX_HCALL_OPCODE, not a multiple of 4, args[1] > 1, or not implemented by " + vm.host().optionValue());
        }
    }

    @Override
    public List<String> describe() {
        return List.of("KVM_ENABLE_CAP (VM) KVM_CAP_PPC_ENABLE_HCALL 104, args[0] = hcall, args[1] = 1/0: the kernel answers the "
                + "hcall itself or hands it to the host; -EINVAL above MAX_HCALL_OPCODE 0x488, for an opcode not a multiple of "
                + "4, args[1] > 1, or an hcall this Book3S flavour does not implement (powerpc.c kvm_vm_ioctl_enable_cap)");
    }
}
