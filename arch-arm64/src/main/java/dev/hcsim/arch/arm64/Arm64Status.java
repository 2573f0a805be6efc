package dev.hcsim.arch.arm64;

import dev.hcsim.core.Status;
import dev.hcsim.core.StatusCodec;

/**
 * How neutral statuses land in x0. Three families share the register: SMCCC (the default, and the
 * vendor and standard-hypervisor services), PSCI (its own codes, DEN0022) and TRNG (DEN0098, where
 * INVALID_PARAMETER is -2, not SMCCC's -3). Sources: {@code include/linux/arm-smccc.h},
 * {@code include/uapi/linux/psci.h}, {@code arch/arm64/kvm/trng.c}.
 */
public final class Arm64Status {
    /** SMCCC return codes (DEN0028): SUCCESS 0, NOT_SUPPORTED -1, NOT_REQUIRED -2, INVALID_PARAMETER -3. */
    public static final StatusCodec SMCCC = StatusCodec.builder("SMCCC")
            .code(Status.SUCCESS, 0, "SMCCC_RET_SUCCESS")
            .code(Status.NOT_IMPLEMENTED, -1, "SMCCC_RET_NOT_SUPPORTED")
            .code(Status.NOT_SUPPORTED, -1, "SMCCC_RET_NOT_SUPPORTED")
            // ARCH_FEATURES(WORKAROUND_2): the mitigation is not required (arm-smccc.h SMCCC_RET_NOT_REQUIRED).
            .code(Status.DISABLED, -2, "SMCCC_RET_NOT_REQUIRED")
            .code(Status.INVALID_PARAMETER, -3, "SMCCC_RET_INVALID_PARAMETER")
            // No arm64 call reports a guest-memory fault (pvtime.c ignores a failed write); kept so a
            // fault can never make the engine throw.
            .code(Status.FAULT, -1, "SMCCC_RET_NOT_SUPPORTED")
            .build();

    /** PSCI return codes (include/uapi/linux/psci.h PSCI_RET_*). */
    public static final StatusCodec PSCI = StatusCodec.builder("PSCI")
            .code(Status.SUCCESS, 0, "PSCI_RET_SUCCESS")
            .code(Status.NOT_IMPLEMENTED, -1, "PSCI_RET_NOT_SUPPORTED")
            .code(Status.NOT_SUPPORTED, -1, "PSCI_RET_NOT_SUPPORTED")
            .code(Status.INVALID_PARAMETER, -2, "PSCI_RET_INVALID_PARAMS")
            .code(Status.DENIED, -3, "PSCI_RET_DENIED")
            .code(Status.ALREADY_ON, -4, "PSCI_RET_ALREADY_ON")
            .code(Status.ON_PENDING, -5, "PSCI_RET_ON_PENDING")
            .code(Status.INTERNAL_FAILURE, -6, "PSCI_RET_INTERNAL_FAILURE")
            .code(Status.NOT_PRESENT, -7, "PSCI_RET_NOT_PRESENT")
            .code(Status.DISABLED, -8, "PSCI_RET_DISABLED")
            .code(Status.INVALID_ADDRESS, -9, "PSCI_RET_INVALID_ADDRESS")
            .build();

    /** TRNG return codes (DEN0098; arch/arm64/kvm/trng.c TRNG_*). */
    public static final StatusCodec TRNG = StatusCodec.builder("TRNG")
            .code(Status.SUCCESS, 0, "TRNG_SUCCESS")
            .code(Status.NOT_IMPLEMENTED, -1, "TRNG_NOT_SUPPORTED")
            .code(Status.NOT_SUPPORTED, -1, "TRNG_NOT_SUPPORTED")
            .code(Status.INVALID_PARAMETER, -2, "TRNG_INVALID_PARAMETER")
            .code(Status.RETRY, -3, "TRNG_NO_ENTROPY")
            .build();

    private Arm64Status() {
    }
}
