package dev.hcsim.arch.mips;

import dev.hcsim.core.KvmErrno;
import dev.hcsim.core.StatusCodec;

/**
 * How a status reaches v0: the generic {@code -KVM_E*} codes (include/uapi/linux/kvm_para.h) as
 * 64-bit sign-extended values in an {@code unsigned long} GPR. KVM/MIPS itself only ever writes
 * {@code -KVM_ENOSYS} (arch/mips/kvm/hypcall.c kvm_mips_hypercall); {@code -KVM_EFAULT} and
 * {@code -KVM_E2BIG} are reachable only through the {@code paravirt-guest} option's console output.
 */
public final class MipsStatus {
    /** KVM_ENOSYS (include/uapi/linux/kvm_para.h). */
    public static final long KVM_ENOSYS = 1000;

    static final StatusCodec CODEC = KvmErrno.CODEC;

    private MipsStatus() {
    }

    /**
     * The codec.
     * @return the MIPS status codec (the generic -KVM_E* codes in v0)
     */
    public static StatusCodec codec() {
        return CODEC;
    }
}
