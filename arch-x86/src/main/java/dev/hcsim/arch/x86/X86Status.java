package dev.hcsim.arch.x86;

import dev.hcsim.core.KvmErrno;
import dev.hcsim.core.StatusCodec;

/**
 * x86 returns the generic {@code -KVM_E*} codes in RAX (include/uapi/linux/kvm_para.h); in 32-bit
 * mode they are cut to 32 bits and zero-extended ({@code complete_hypercall_exit}).
 */
public final class X86Status {
    private X86Status() {
    }

    /** The status codec: the generic -KVM_E* codes in RAX, cut to 32 bits in 32-bit mode. */
    public static final StatusCodec CODEC = KvmErrno.CODEC;
}
