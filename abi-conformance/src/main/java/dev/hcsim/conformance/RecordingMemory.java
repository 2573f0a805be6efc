package dev.hcsim.conformance;

import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.MemoryRegion;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest memory that records every access a handler makes: where, how long, read or write, and
 * whether it was answered. What the memory properties and the differential comparison look at.
 */
final class RecordingMemory implements GuestMemory {
    /** One access: a miss ({@code ok} false) is legal, a hit must lie inside the VM's regions. */
    record Access(long gpa, int length, boolean write, boolean ok) {
        @Override
        public String toString() {
            return (write ? "write" : "read") + " of " + length + " bytes at 0x" + Long.toHexString(gpa) + (ok ? "" : " (missed)");
        }
    }

    private final GuestMemory inner;
    private final List<Access> accesses = new ArrayList<>();

    RecordingMemory(GuestMemory inner) {
        this.inner = inner;
    }

    @Override
    public boolean read(long gpa, byte[] dst, int off, int len) {
        boolean ok = inner.read(gpa, dst, off, len);
        accesses.add(new Access(gpa, len, false, ok));
        return ok;
    }

    @Override
    public boolean write(long gpa, byte[] src, int off, int len) {
        boolean ok = inner.write(gpa, src, off, len);
        accesses.add(new Access(gpa, len, true, ok));
        return ok;
    }

    List<Access> accesses() {
        return List.copyOf(accesses);
    }

    /** The answered accesses that reach outside {@code regions}. */
    List<Access> outside(List<MemoryRegion> regions) {
        List<Access> out = new ArrayList<>();
        for (Access a : accesses) {
            if (a.ok() && regions.stream().noneMatch(r -> r.contains(a.gpa(), a.length()))) {
                out.add(a);
            }
        }
        return out;
    }
}
