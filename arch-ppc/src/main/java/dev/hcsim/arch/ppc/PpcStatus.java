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
    public static final int EV_SUCCESS = 0;
    public static final int EV_EPERM = 1;
    public static final int EV_ENOENT = 2;
    public static final int EV_EIO = 3;
    public static final int EV_EAGAIN = 4;
    public static final int EV_ENOMEM = 5;
    public static final int EV_EFAULT = 6;
    public static final int EV_ENODEV = 7;
    public static final int EV_EINVAL = 8;
    public static final int EV_INTERNAL = 9;
    public static final int EV_CONFIG = 10;
    public static final int EV_INVALID_STATE = 11;
    public static final int EV_UNIMPLEMENTED = 12;
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
