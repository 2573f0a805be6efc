package dev.hcsim.conformance;

import dev.hcsim.core.GuestMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest memory that records every access a handler makes: where, how long, read or write, and
 * whether it was answered. What the memory properties and the differential comparison look at.
 */
final class RecordingMemory implements GuestMemory {
    private final GuestMemory inner;
    private final List<GuestAccess> accesses = new ArrayList<>();

    RecordingMemory(GuestMemory inner) {
        this.inner = inner;
    }

    @Override
    public boolean read(long gpa, byte[] dst, int off, int len) {
        boolean ok = inner.read(gpa, dst, off, len);
        accesses.add(new GuestAccess(gpa, len, false, ok));
        return ok;
    }

    @Override
    public boolean write(long gpa, byte[] src, int off, int len) {
        boolean ok = inner.write(gpa, src, off, len);
        accesses.add(new GuestAccess(gpa, len, true, ok));
        return ok;
    }

    List<GuestAccess> accesses() {
        return List.copyOf(accesses);
    }
}
