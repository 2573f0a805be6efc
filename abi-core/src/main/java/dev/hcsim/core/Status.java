package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The architecture-neutral outcome of a hypercall. Each architecture encodes it into its return
 * register with its {@link StatusCodec} ({@code -KVM_ENOSYS}, a firmware interface's codes, ...).
 */
@API(status = STABLE, since = "1.0")
public enum Status {
    /** The call did what it documents; its value, if any, is in the result registers. */
    SUCCESS,
    /** The number is not a hypercall of this architecture (or its feature is off). */
    NOT_IMPLEMENTED,
    /** The call exists but this configuration does not support the request. */
    NOT_SUPPORTED,
    /** An argument is out of range or malformed. */
    INVALID_PARAMETER,
    /** A guest address given as argument is not guest memory. */
    FAULT,
    /** The caller's privilege level does not allow the call. */
    PERMISSION,
    /** An argument is too large. */
    TOO_BIG,
    /** The resource is busy; try again. */
    BUSY,
    /** The target is already on (PSCI). */
    ALREADY_ON,
    /** The target is being turned on (PSCI). */
    ON_PENDING,
    /** The implementation failed internally. */
    INTERNAL_FAILURE,
    /** The target does not exist. */
    NOT_PRESENT,
    /** The target is disabled. */
    DISABLED,
    /** An address argument is invalid. */
    INVALID_ADDRESS,
    /** The operation was denied by policy (filter, firmware). */
    DENIED,
    /** Not enough entropy or a transient condition; retry later. */
    RETRY
}
