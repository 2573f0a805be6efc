package dev.hcsim.arch.s390;

import dev.hcsim.core.Status;
import dev.hcsim.core.StatusCodec;

/**
 * How s390 answers, as one codec. DIAGNOSE 0x500 writes a value to {@code r2} (0, a cookie, or
 * {@code -EINVAL} as QEMU stores it); everything else that goes wrong is not a register value on
 * s390 but a program interruption: the interruption code is stored at lowcore 0x8E, the old PSW
 * (pointing past the instruction) at 0x150, and no general register changes (arch/s390/kvm/interrupt.c
 * __deliver_prog). The codec names both, so that every status a trap reports is documented; the
 * values of the program-interruption statuses are interruption codes and are never written to
 * {@code r2}.
 *
 * <ul>
 * <li>{@code -EINVAL} in r2: {@link Status#INVALID_ADDRESS} (0x500 subcode 0, address outside RAM) and
 * {@link Status#NOT_PRESENT} (0x500 subcode 3, no such subchannel or queue).</li>
 * <li>specification exception 0x0006: {@link Status#NOT_IMPLEMENTED} (unknown function code or
 * subcode) and {@link Status#INVALID_PARAMETER} (a bad operand of a known code).</li>
 * <li>addressing 0x0005: {@link Status#FAULT}; privileged operation 0x0002: {@link Status#PERMISSION};
 * operation 0x0001: {@link Status#NOT_SUPPORTED}.</li>
 * </ul>
 */
public final class S390Status {
    /** Program interruption code 0x0001, operation exception (DIAG 0x501 without a debugger). */
    public static final int PGM_OPERATION = 0x0001;
    /** Program interruption code 0x0002, privileged-operation exception. */
    public static final int PGM_PRIVILEGED_OP = 0x0002;
    /** Program interruption code 0x0005, addressing exception. */
    public static final int PGM_ADDRESSING = 0x0005;
    /** Program interruption code 0x0006, specification exception. */
    public static final int PGM_SPECIFICATION = 0x0006;

    /** {@code -EINVAL} as QEMU stores it in {@code r2} (hw/s390x/s390-hypercall.c, an int sign-extended). */
    public static final long EINVAL = -22;

    /** The s390 codec: DIAGNOSE 0x500 results in {@code r2} and program-interruption codes. */
    public static final StatusCodec CODEC = StatusCodec.builder("DIAG 0x500 r2 / program interruption")
            .code(Status.SUCCESS, 0, "0")
            .code(Status.INVALID_ADDRESS, EINVAL, "-EINVAL")
            .code(Status.NOT_PRESENT, EINVAL, "-EINVAL")
            .code(Status.NOT_SUPPORTED, PGM_OPERATION, "PGM_OPERATION")
            .code(Status.PERMISSION, PGM_PRIVILEGED_OP, "PGM_PRIVILEGED_OP")
            .code(Status.FAULT, PGM_ADDRESSING, "PGM_ADDRESSING")
            .code(Status.INVALID_PARAMETER, PGM_SPECIFICATION, "PGM_SPECIFICATION")
            .code(Status.NOT_IMPLEMENTED, PGM_SPECIFICATION, "PGM_SPECIFICATION")
            .build();

    private S390Status() {
    }

    /** The neutral status of program interruption {@code code} ({@code invalidOperand}: a spec exception for a bad operand rather than an unknown code). */
    static Status of(int code, boolean invalidOperand) {
        return switch (code) {
            case PGM_OPERATION -> Status.NOT_SUPPORTED;
            case PGM_PRIVILEGED_OP -> Status.PERMISSION;
            case PGM_ADDRESSING -> Status.FAULT;
            default -> invalidOperand ? Status.INVALID_PARAMETER : Status.NOT_IMPLEMENTED;
        };
    }

}
