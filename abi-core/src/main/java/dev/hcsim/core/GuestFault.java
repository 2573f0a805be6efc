package dev.hcsim.core;

/**
 * Raised inside the library when a guest memory access misses; the engine catches it and answers
 * with the architecture's fault status or fault outcome. It never escapes a public entry point.
 */
public final class GuestFault extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long gpa;
    private final int length;
    private final boolean write;

    public GuestFault(long gpa, int length, boolean write) {
        super(null, null, false, false);
        this.gpa = gpa;
        this.length = length;
        this.write = write;
    }

    public long gpa() {
        return gpa;
    }

    public int length() {
        return length;
    }

    public boolean isWrite() {
        return write;
    }

    @Override
    public String getMessage() {
        return (write ? "write" : "read") + " of " + length + " bytes at 0x" + Long.toHexString(gpa) + " is outside guest memory";
    }
}
