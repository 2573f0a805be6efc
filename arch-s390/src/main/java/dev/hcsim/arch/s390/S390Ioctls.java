package dev.hcsim.arch.s390;

import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.spi.KvmIoctls;
import java.util.List;

/**
 * s390's VMM-side controls for the diagnose ABI, as arch/s390/kvm/kvm-s390.c answers them:
 * <ul>
 * <li>KVM_GET/SET_ONE_REG KVM_REG_S390_PFTOKEN, PFCOMPARE, PFSELECT (kvm_arch_vcpu_ioctl_get_one_reg /
 *     set_one_reg): the pfault handshake of DIAG 0x258; any other id is -EINVAL, as s390 answers;</li>
 * <li>{@code kvm_run->s.regs.diag318} with KVM_SYNC_DIAG318 (sync_regs / store_regs): the control
 *     program code the guest reported with DIAG 0x318 and that the VMM sets on every CPU.</li>
 * </ul>
 */
final class S390Ioctls implements KvmIoctls {
    /** KVM_REG_S390 | KVM_REG_SIZE_U64 | 0x5 (arch/s390/include/uapi/asm/kvm.h). */
    static final long KVM_REG_S390_PFTOKEN = 0x5030_0000_0000_0005L;
    /** KVM_REG_S390_PFCOMPARE. */
    static final long KVM_REG_S390_PFCOMPARE = 0x5030_0000_0000_0006L;
    /** KVM_REG_S390_PFSELECT. */
    static final long KVM_REG_S390_PFSELECT = 0x5030_0000_0000_0007L;
    /** KVM_SYNC_DIAG318: bit 12 of kvm_dirty_regs / kvm_valid_regs. */
    static final long KVM_SYNC_DIAG318 = 1L << 12;

    private final S390Vm vm;

    S390Ioctls(S390Vm vm) {
        this.vm = vm;
    }

    @Override
    public long getOneReg(int vcpu, long id) {
        if (id == KVM_REG_S390_PFTOKEN) {
            return vm.pfaultToken[vcpu];
        } else if (id == KVM_REG_S390_PFCOMPARE) {
            return vm.pfaultCompare[vcpu];
        } else if (id == KVM_REG_S390_PFSELECT) {
            return vm.pfaultSelect[vcpu];
        }
        throw new KvmException("KVM_GET_ONE_REG", Errno.EINVAL, "kvm-s390.c kvm_arch_vcpu_ioctl_get_one_reg: no register 0x" + Long.toHexString(id));
    }

    @Override
    public void setOneReg(int vcpu, long id, long value) {
        if (id == KVM_REG_S390_PFTOKEN) {
            vm.pfaultToken[vcpu] = value; // PFAULT_TOKEN_INVALID also clears the completion queue: none is modelled
        } else if (id == KVM_REG_S390_PFCOMPARE) {
            vm.pfaultCompare[vcpu] = value;
        } else if (id == KVM_REG_S390_PFSELECT) {
            vm.pfaultSelect[vcpu] = value;
        } else {
            throw new KvmException("KVM_SET_ONE_REG", Errno.EINVAL, "kvm-s390.c kvm_arch_vcpu_ioctl_set_one_reg: no register 0x"
                    + Long.toHexString(id));
        }
    }

    @Override
    public long getSyncReg(int vcpu, long syncBit) {
        if (syncBit != KVM_SYNC_DIAG318) {
            return KvmIoctls.super.getSyncReg(vcpu, syncBit);
        }
        return vm.diag318Info;
    }

    @Override
    public void setSyncReg(int vcpu, long syncBit, long value) {
        if (syncBit != KVM_SYNC_DIAG318) {
            KvmIoctls.super.setSyncReg(vcpu, syncBit, value);
            return;
        }
        vm.diag318Info = value; // sync_regs: diag318_info.val = s.regs.diag318 (one value for the VM here, as QEMU sets every CPU)
    }

    @Override
    public List<String> describe() {
        return List.of(
                "KVM_GET/SET_ONE_REG KVM_REG_S390_PFTOKEN 0x5030000000000005, PFCOMPARE ...6, PFSELECT ...7: the DIAG 0x258 pfault "
                        + "handshake; another id -EINVAL (kvm-s390.c kvm_arch_vcpu_ioctl_set_one_reg)",
                "kvm_run->s.regs.diag318 with KVM_SYNC_DIAG318 (1 << 12): the DIAG 0x318 control-program code (kvm-s390.c sync_regs)");
    }
}
