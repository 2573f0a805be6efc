package dev.hcsim.arch.riscv;

import dev.hcsim.core.Status;
import dev.hcsim.core.StatusCodec;

/**
 * The SBI error codes in a0 (arch/riscv/include/asm/sbi.h SBI_SUCCESS .. SBI_ERR_DENIED_LOCKED, SBI
 * specification v3.0 section 3.2 table 1). Every code is listed; the neutral statuses map onto the ones
 * a KVM handler returns. BAD_RANGE, TIMEOUT and IO are never returned by KVM (no vcpu_sbi*.c path
 * produces them); TOO_BIG and RETRY map onto them only so that no status can make the engine throw.
 */
public final class RiscvStatus {
    private RiscvStatus() {
    }

    /** SBI_SUCCESS. */
    public static final long SBI_SUCCESS = 0;
    /** SBI_ERR_FAILURE (the spec's SBI_ERR_FAILED). */
    public static final long SBI_ERR_FAILURE = -1;
    /** SBI_ERR_NOT_SUPPORTED: unknown extension or function, or a function this VM does not offer. */
    public static final long SBI_ERR_NOT_SUPPORTED = -2;
    /** SBI_ERR_INVALID_PARAM. */
    public static final long SBI_ERR_INVALID_PARAM = -3;
    /** SBI_ERR_DENIED. */
    public static final long SBI_ERR_DENIED = -4;
    /** SBI_ERR_INVALID_ADDRESS. */
    public static final long SBI_ERR_INVALID_ADDRESS = -5;
    /** SBI_ERR_ALREADY_AVAILABLE: HART_START of a hart that is not stopped. */
    public static final long SBI_ERR_ALREADY_AVAILABLE = -6;
    /** SBI_ERR_ALREADY_STARTED: PMU COUNTER_START of a started counter. */
    public static final long SBI_ERR_ALREADY_STARTED = -7;
    /** SBI_ERR_ALREADY_STOPPED: PMU COUNTER_STOP of a stopped counter. */
    public static final long SBI_ERR_ALREADY_STOPPED = -8;
    /** SBI_ERR_NO_SHMEM: PMU snapshot requested without a snapshot area. */
    public static final long SBI_ERR_NO_SHMEM = -9;
    /** SBI_ERR_INVALID_STATE (SBI 2.0). */
    public static final long SBI_ERR_INVALID_STATE = -10;
    /** SBI_ERR_BAD_RANGE (SBI 2.0). */
    public static final long SBI_ERR_BAD_RANGE = -11;
    /** SBI_ERR_TIMEOUT (SBI 3.0). */
    public static final long SBI_ERR_TIMEOUT = -12;
    /** SBI_ERR_IO (SBI 3.0). */
    public static final long SBI_ERR_IO = -13;
    /** SBI_ERR_DENIED_LOCKED (SBI 3.0): FWFT SET of a locked feature. */
    public static final long SBI_ERR_DENIED_LOCKED = -14;

    /** The SBI error family. */
    public static final StatusCodec SBI = StatusCodec.builder("SBI error (arch/riscv/include/asm/sbi.h)")
            .code(Status.SUCCESS, SBI_SUCCESS, "SBI_SUCCESS")
            .code(Status.INTERNAL_FAILURE, SBI_ERR_FAILURE, "SBI_ERR_FAILURE")
            .code(Status.NOT_IMPLEMENTED, SBI_ERR_NOT_SUPPORTED, "SBI_ERR_NOT_SUPPORTED")
            .code(Status.NOT_SUPPORTED, SBI_ERR_NOT_SUPPORTED, "SBI_ERR_NOT_SUPPORTED")
            .code(Status.INVALID_PARAMETER, SBI_ERR_INVALID_PARAM, "SBI_ERR_INVALID_PARAM")
            .code(Status.DENIED, SBI_ERR_DENIED, "SBI_ERR_DENIED")
            .code(Status.INVALID_ADDRESS, SBI_ERR_INVALID_ADDRESS, "SBI_ERR_INVALID_ADDRESS")
            // A guest-memory miss inside a handler: KVM's kvm_vcpu_write_guest failures answer INVALID_ADDRESS or FAILURE.
            .code(Status.FAULT, SBI_ERR_INVALID_ADDRESS, "SBI_ERR_INVALID_ADDRESS")
            .code(Status.ALREADY_ON, SBI_ERR_ALREADY_AVAILABLE, "SBI_ERR_ALREADY_AVAILABLE")
            .code(Status.BUSY, SBI_ERR_ALREADY_STARTED, "SBI_ERR_ALREADY_STARTED")
            .code(Status.DISABLED, SBI_ERR_ALREADY_STOPPED, "SBI_ERR_ALREADY_STOPPED")
            .code(Status.NOT_PRESENT, SBI_ERR_NO_SHMEM, "SBI_ERR_NO_SHMEM")
            .code(Status.ON_PENDING, SBI_ERR_INVALID_STATE, "SBI_ERR_INVALID_STATE")
            .code(Status.TOO_BIG, SBI_ERR_BAD_RANGE, "SBI_ERR_BAD_RANGE")
            .code(Status.RETRY, SBI_ERR_TIMEOUT, "SBI_ERR_TIMEOUT")
            .code(Status.PERMISSION, SBI_ERR_DENIED_LOCKED, "SBI_ERR_DENIED_LOCKED")
            .build();

    /**
     * The name of an SBI error code, "SBI_ERR_IO" for -13.
     * @param code a value of a0 after a call
     * @return its name, or null for a value no SBI error has
     */
    public static String name(long code) {
        return switch ((int) code == code ? (int) code : 1) {
            case 0 -> "SBI_SUCCESS";
            case -1 -> "SBI_ERR_FAILURE";
            case -2 -> "SBI_ERR_NOT_SUPPORTED";
            case -3 -> "SBI_ERR_INVALID_PARAM";
            case -4 -> "SBI_ERR_DENIED";
            case -5 -> "SBI_ERR_INVALID_ADDRESS";
            case -6 -> "SBI_ERR_ALREADY_AVAILABLE";
            case -7 -> "SBI_ERR_ALREADY_STARTED";
            case -8 -> "SBI_ERR_ALREADY_STOPPED";
            case -9 -> "SBI_ERR_NO_SHMEM";
            case -10 -> "SBI_ERR_INVALID_STATE";
            case -11 -> "SBI_ERR_BAD_RANGE";
            case -12 -> "SBI_ERR_TIMEOUT";
            case -13 -> "SBI_ERR_IO";
            case -14 -> "SBI_ERR_DENIED_LOCKED";
            default -> null;
        };
    }
}
