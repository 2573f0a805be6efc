package dev.hcsim.arch.mips;

import dev.hcsim.core.Status;
import dev.hcsim.core.StatusCodec;

/**
 * How a status reaches v0. KVM/MIPS only ever writes {@code -KVM_ENOSYS} (arch/mips/kvm/hypcall.c
 * kvm_mips_hypercall); the other codes (include/uapi/linux/kvm_para.h) are reachable only with the
 * {@code paravirt-guest} option, whose handlers touch guest memory. Values are the 64-bit
 * sign-extended negatives KVM stores into an {@code unsigned long} GPR.
 */
public final class MipsStatus {
    /** KVM_ENOSYS (include/uapi/linux/kvm_para.h). */
    public static final long KVM_ENOSYS = 1000;
    /** KVM_EFAULT. */
    public static final long KVM_EFAULT = 14;
    /** KVM_E2BIG. */
    public static final long KVM_E2BIG = 7;

    static final StatusCodec CODEC = StatusCodec.builder("KVM_E*")
            .code(Status.SUCCESS, 0, "0")
            .code(Status.NOT_IMPLEMENTED, -KVM_ENOSYS, "-KVM_ENOSYS")
            .code(Status.FAULT, -KVM_EFAULT, "-KVM_EFAULT")
            .code(Status.TOO_BIG, -KVM_E2BIG, "-KVM_E2BIG")
            .build();

    private MipsStatus() {
    }

    /** The codec. */
    public static StatusCodec codec() {
        return CODEC;
    }
}
