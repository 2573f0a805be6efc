package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Raised inside the library when a guest memory access misses; the engine catches it and answers
 * with the architecture's fault status or fault outcome. It never escapes a public entry point.
 */
@API(status = STABLE, since = "1.0")
public final class GuestFault extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The guest physical address of the first byte accessed. */
    private final long gpa;
    /** How many bytes were accessed. */
    private final int length;
    /** True for a write, false for a read. */
    private final boolean write;

    /**
     * A miss of the access of {@code length} bytes at {@code gpa}; no stack trace is captured.
     * @param gpa the guest physical address of the first byte accessed
     * @param length how many bytes were accessed
     * @param write true for a write, false for a read
     */
    public GuestFault(long gpa, int length, boolean write) {
        super(null, null, false, false);
        this.gpa = gpa;
        this.length = length;
        this.write = write;
    }

    /**
     * The guest physical address of the access that missed.
     * @return the address of its first byte
     */
    public long gpa() {
        return gpa;
    }

    /**
     * The length of the access that missed.
     * @return its size in bytes
     */
    public int length() {
        return length;
    }

    /**
     * Whether the access that missed was a write.
     * @return true for a write, false for a read
     */
    public boolean isWrite() {
        return write;
    }

    @Override
    public String getMessage() {
        return (write ? "write" : "read") + " of " + length + " bytes at 0x" + Long.toHexString(gpa) + " is outside guest memory";
    }
}
