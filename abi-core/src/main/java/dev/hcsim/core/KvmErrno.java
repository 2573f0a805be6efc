package dev.hcsim.core;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * The generic KVM hypercall error codes of {@code include/uapi/linux/kvm_para.h} (KVM_ENOSYS 1000,
 * KVM_EFAULT 14, KVM_EINVAL 22, KVM_E2BIG 7, KVM_EPERM 1, KVM_EOPNOTSUPP 95), returned negated.
 * Architectures whose return register uses them share this codec.
 */
@API(status = INTERNAL, since = "1.0")
public final class KvmErrno {
    private KvmErrno() {
    }

    /** The {@code -KVM_E*} family: success is 0, every error is the negated code. */
    public static final StatusCodec CODEC = StatusCodec.builder("KVM_E* (include/uapi/linux/kvm_para.h)")
            .code(Status.SUCCESS, 0, "0")
            .code(Status.PERMISSION, -1, "-KVM_EPERM")
            .code(Status.TOO_BIG, -7, "-KVM_E2BIG")
            .code(Status.FAULT, -14, "-KVM_EFAULT")
            .code(Status.INVALID_PARAMETER, -22, "-KVM_EINVAL")
            .code(Status.NOT_SUPPORTED, -95, "-KVM_EOPNOTSUPP")
            .code(Status.NOT_IMPLEMENTED, -1000, "-KVM_ENOSYS")
            .build();
}
