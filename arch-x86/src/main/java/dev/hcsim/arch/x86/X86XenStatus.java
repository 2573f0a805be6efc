package dev.hcsim.arch.x86;

import dev.hcsim.core.Status;
import dev.hcsim.core.StatusCodec;

/**
 * What KVM's Xen hypercalls return in RAX: Linux's own negative errno values (arch/x86/kvm/xen.c
 * {@code kvm_xen_hypercall} starts from {@code r = -ENOSYS}; include/uapi/asm-generic/errno-base.h,
 * errno.h), not the {@code -KVM_E*} codes of KVM's own hypercalls. All 64 bits of RAX are written in
 * either mode ({@code kvm_xen_hypercall_set_result}: {@code kvm_rax_write}).
 */
public final class X86XenStatus {
    private X86XenStatus() {
    }

    /** -EFAULT: a guest structure could not be read ({@code kvm_read_guest_virt} failed). */
    public static final long EFAULT = -14;
    /** -EINVAL: a port past the 2-level limit, more than 128 ports to poll, or the wrong Xen vCPU id. */
    public static final long EINVAL = -22;
    /** -ENOSYS: the value {@code kvm_xen_hypercall} starts from (never returned in the kernel: an unhandled call exits). */
    public static final long ENOSYS = -38;
    /** -ENOTCONN: {@code kvm_xen_set_evtchn_fast} found the port masked (EVTCHNOP_send still answers 0). */
    static final long ENOTCONN = -107;
    /** -EWOULDBLOCK: the shared_info page is not mapped ({@code kvm_gpc_check} failed). */
    static final long EWOULDBLOCK = -11;

    /** The codec: 0, -EFAULT, -EINVAL, -ENOSYS. */
    public static final StatusCodec CODEC = StatusCodec.builder("Linux -errno (arch/x86/kvm/xen.c, include/uapi/asm-generic/errno*.h)")
            .code(Status.SUCCESS, 0, "0")
            .code(Status.FAULT, EFAULT, "-EFAULT")
            .code(Status.INVALID_PARAMETER, EINVAL, "-EINVAL")
            .code(Status.NOT_IMPLEMENTED, ENOSYS, "-ENOSYS")
            .build();
}
