package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A VMM-side control that KVM refuses: the ioctl's name, the errno it returns, and why. Every method
 * of {@link KvmControl} answers a refusal with this one exception, never with a negative int.
 */
@API(status = STABLE, since = "1.0")
public final class KvmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The refused ioctl's uAPI name (part of the serialized form). */
    private final String ioctl;
    /** The errno KVM answers with (part of the serialized form). */
    private final Errno errno;

    /**
     * A refusal.
     * @param ioctl the ioctl as the uAPI names it ({@code KVM_SET_ONE_REG})
     * @param errno the errno the ioctl returns (negated)
     * @param detail why, in one line, with the kernel function that decides it
     */
    public KvmException(String ioctl, Errno errno, String detail) {
        super(ioctl + ": " + errno + " (" + detail + ")");
        this.ioctl = Objects.requireNonNull(ioctl, "ioctl");
        this.errno = Objects.requireNonNull(errno, "errno");
    }

    /**
     * The ioctl that was refused.
     * @return its uAPI name
     */
    public String ioctl() {
        return ioctl;
    }

    /**
     * The errno KVM answers with.
     * @return the errno; its {@link Errno#returnValue()} is what the ioctl returns
     */
    public Errno errno() {
        return errno;
    }
}
