package dev.hcsim.arch.ppc;

import dev.hcsim.core.Status;
import dev.hcsim.core.StatusCodec;

/**
 * The ePAPR {@code EV_*} return codes in r3 ({@code arch/powerpc/include/uapi/asm/epapr_hcalls.h}).
 * KVM itself only ever returns {@code EV_SUCCESS} and {@code EV_UNIMPLEMENTED}
 * ({@code arch/powerpc/kvm/powerpc.c kvmppc_kvm_pv}); the rest are listed so that every neutral status
 * the engine may produce (a guest fault becomes {@code EV_EFAULT}) has its ePAPR name.
 * {@code EV_EIO} (3) and {@code EV_ENOMEM} (5) have no neutral counterpart.
 */
public final class PpcStatus {
    /** EV_SUCCESS (0): the call succeeded. */
    public static final int EV_SUCCESS = 0;
    /** EV_EPERM (1): operation not permitted. */
    public static final int EV_EPERM = 1;
    /** EV_ENOENT (2): entry not found. */
    public static final int EV_ENOENT = 2;
    /** EV_EIO (3): I/O error occurred. */
    public static final int EV_EIO = 3;
    /** EV_EAGAIN (4): the operation had insufficient resources to complete and should be retried. */
    public static final int EV_EAGAIN = 4;
    /** EV_ENOMEM (5): there was insufficient memory to complete the operation. */
    public static final int EV_ENOMEM = 5;
    /** EV_EFAULT (6): bad guest address. */
    public static final int EV_EFAULT = 6;
    /** EV_ENODEV (7): no such device. */
    public static final int EV_ENODEV = 7;
    /** EV_EINVAL (8): an argument supplied to the hcall was out of range or invalid. */
    public static final int EV_EINVAL = 8;
    /** EV_INTERNAL (9): an internal error occurred. */
    public static final int EV_INTERNAL = 9;
    /** EV_CONFIG (10): a configuration error was detected. */
    public static final int EV_CONFIG = 10;
    /** EV_INVALID_STATE (11): the object is in an invalid state. */
    public static final int EV_INVALID_STATE = 11;
    /** EV_UNIMPLEMENTED (12): unimplemented hypercall, what KVM answers for every token it does not know. */
    public static final int EV_UNIMPLEMENTED = 12;
    /** EV_BUFFER_OVERFLOW (13): the caller-supplied buffer is too small. */
    public static final int EV_BUFFER_OVERFLOW = 13;

    /** The codec. */
    public static final StatusCodec EV = StatusCodec.builder("EV_*")
            .code(Status.SUCCESS, EV_SUCCESS, "EV_SUCCESS")
            .code(Status.PERMISSION, EV_EPERM, "EV_EPERM")
            .code(Status.NOT_PRESENT, EV_ENOENT, "EV_ENOENT")
            .code(Status.BUSY, EV_EAGAIN, "EV_EAGAIN")
            .code(Status.FAULT, EV_EFAULT, "EV_EFAULT")
            .code(Status.NOT_SUPPORTED, EV_ENODEV, "EV_ENODEV")
            .code(Status.INVALID_PARAMETER, EV_EINVAL, "EV_EINVAL")
            .code(Status.INTERNAL_FAILURE, EV_INTERNAL, "EV_INTERNAL")
            .code(Status.DENIED, EV_CONFIG, "EV_CONFIG")
            .code(Status.DISABLED, EV_INVALID_STATE, "EV_INVALID_STATE")
            .code(Status.NOT_IMPLEMENTED, EV_UNIMPLEMENTED, "EV_UNIMPLEMENTED")
            .code(Status.TOO_BIG, EV_BUFFER_OVERFLOW, "EV_BUFFER_OVERFLOW")
            .build();

    private PpcStatus() {
    }
}
