package dev.hcsim.arch.loongarch;

import dev.hcsim.core.Status;
import dev.hcsim.core.StatusCodec;

/**
 * How a neutral status lands in a0: the three codes of arch/loongarch/include/asm/kvm_para.h,
 * stored as unsigned long (so -1 is 0xffff_ffff_ffff_ffff). Nothing else is ever written: KVM
 * has no fault or permission code for HVCL.
 */
public final class LoongArchStatus {
    private LoongArchStatus() {
    }

    /** KVM_HCALL_SUCCESS. */
    public static final long KVM_HCALL_SUCCESS = 0;
    /** KVM_HCALL_INVALID_CODE: "hypercall not implemented" in hypercalls.rst. */
    public static final long KVM_HCALL_INVALID_CODE = -1;
    /** KVM_HCALL_INVALID_PARAMETER: "hypercall parameter error". */
    public static final long KVM_HCALL_INVALID_PARAMETER = -2;

    /** The KVM_HCALL_* family. */
    public static final StatusCodec CODEC = StatusCodec.builder("KVM_HCALL_* (arch/loongarch/include/asm/kvm_para.h)")
            .code(Status.SUCCESS, KVM_HCALL_SUCCESS, "KVM_HCALL_SUCCESS")
            .code(Status.NOT_IMPLEMENTED, KVM_HCALL_INVALID_CODE, "KVM_HCALL_INVALID_CODE")
            .code(Status.INVALID_PARAMETER, KVM_HCALL_INVALID_PARAMETER, "KVM_HCALL_INVALID_PARAMETER")
            .build();
}
