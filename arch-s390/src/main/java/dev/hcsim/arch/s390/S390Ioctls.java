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

    /** KVM_CAP_S390_UCONTROL. */
    static final long KVM_CAP_S390_UCONTROL = 73;
    /** KVM_CAP_SYNC_REGS. */
    static final long KVM_CAP_SYNC_REGS = 74;
    /** KVM_CAP_S390_DIAG318. */
    static final long KVM_CAP_S390_DIAG318 = 186;

    /**
     * kvm-s390.c kvm_vm_ioctl_check_extension: UCONTROL 1 (CONFIG_KVM_S390_UCONTROL), SYNC_REGS 1, DIAG318 1 (a host
     * with sclp.has_diag318, as every z15 or later).
     */
    @Override
    public long checkExtension(long cap) {
        return cap == KVM_CAP_S390_UCONTROL || cap == KVM_CAP_SYNC_REGS || cap == KVM_CAP_S390_DIAG318 ? 1 : 0;
    }

    @Override
    public void setGuestDebug(int vcpu, long control) {
        vm.debug.set(vcpu, control);
    }

    @Override
    public List<String> describe() {
        return List.of(
                "KVM_GET/SET_ONE_REG KVM_REG_S390_PFTOKEN 0x5030000000000005, PFCOMPARE ...6, PFSELECT ...7: the DIAG 0x258 pfault "
                        + "handshake; another id -EINVAL (kvm-s390.c kvm_arch_vcpu_ioctl_set_one_reg)",
                "kvm_run->s.regs.diag318 with KVM_SYNC_DIAG318 (1 << 12): the DIAG 0x318 control-program code (kvm-s390.c sync_regs)",
                "KVM_CHECK_EXTENSION: KVM_CAP_S390_UCONTROL 73, KVM_CAP_SYNC_REGS 74, KVM_CAP_S390_DIAG318 186 answer 1; any other 0",
                "KVM_CREATE_VM KVM_VM_S390_UCONTROL: option vm-type=ucontrol; every intercepted instruction (DIAG 0x44 too) exits "
                        + "KVM_EXIT_S390_SIEIC to the VMM (intercept.c kvm_handle_sie_intercept)",
                "KVM_SET_GUEST_DEBUG (vCPU) KVM_GUESTDBG_ENABLE 1 | KVM_GUESTDBG_SINGLESTEP 2 (| USE_HW_BP 0x10000, none set): after a "
                        + "DIAGNOSE KVM handles, KVM_EXIT_DEBUG with the PSW past it; after one it hands to the VMM, KVM_EXIT_DEBUG at the "
                        + "next KVM_RUN; after a delivered program interruption, at its handler; -EINVAL for other flags (guestdbg.c)",
                "KVM_S390_IRQ KVM_S390_PROGRAM_INT at a KVM_EXIT_S390_SIEIC: S390Vm.injectProgramInterruption(vcpu, code); the next "
                        + "KVM_RUN delivers it (a pending single-step exit then stops in its handler)",
                KvmIoctls.reenterLine("the DIAG 0x288 watchdog's RESET, a disabled-wait LPSWE's SHUTDOWN or CRASH"));
    }
}
