package dev.hcsim.core;

import java.nio.ByteOrder;

/**
 * Typed reads and writes of 1, 2, 4 and 8 bytes over a {@link GuestMemory} in one byte order.
 * A miss throws {@link GuestFault}, which the engine turns into the architecture's fault answer.
 * One instance per vCPU: it keeps a scratch buffer so that typed accesses allocate nothing.
 */
public final class MemoryAccess {
    private final byte[] scratch = new byte[8];
    private GuestMemory memory;
    private final boolean bigEndian;
    private WriteListener listener;

    /** Notified of every successful write made through this accessor (for traces and `memoryWrites`). */
    @FunctionalInterface
    public interface WriteListener {
        void written(long gpa, byte[] src, int off, int len);
    }

    public MemoryAccess(GuestMemory memory, ByteOrder order) {
        this.memory = memory;
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
    }

    public GuestMemory memory() {
        return memory;
    }

    /** Rebinds this accessor to another memory (the embedding path passes memory per trap). */
    public void bind(GuestMemory m) {
        if (memory != m) { // no write barrier when the trap path binds the same memory again
            memory = m;
        }
    }

    public void listener(WriteListener l) {
        this.listener = l;
    }

    public ByteOrder order() {
        return bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /** Reads an unsigned value of {@code size} (1, 2, 4 or 8) bytes, zero-extended. */
    public long read(long gpa, int size) {
        if (!memory.read(gpa, scratch, 0, size)) {
            throw new GuestFault(gpa, size, false);
        }
        return Bytes.get(scratch, 0, size, bigEndian);
    }

    /** Writes the low {@code size} bytes of {@code value}. */
    public void write(long gpa, int size, long value) {
        Bytes.put(scratch, 0, size, value, bigEndian);
        writeBytes(gpa, scratch, 0, size);
    }

    public long read8(long gpa) {
        return read(gpa, 1);
    }

    public long read16(long gpa) {
        return read(gpa, 2);
    }

    public long read32(long gpa) {
        return read(gpa, 4);
    }

    public long read64(long gpa) {
        return read(gpa, 8);
    }

    public void readBytes(long gpa, byte[] dst, int off, int len) {
        if (!memory.read(gpa, dst, off, len)) {
            throw new GuestFault(gpa, len, false);
        }
    }

    public void writeBytes(long gpa, byte[] src, int off, int len) {
        if (!memory.write(gpa, src, off, len)) {
            throw new GuestFault(gpa, len, true);
        }
        if (listener != null) {
            listener.written(gpa, src, off, len);
        }
    }

    /** True when {@code len} bytes at {@code gpa} can be read (probing without a fault). */
    public boolean readable(long gpa, int len) {
        byte[] probe = len <= 8 ? scratch : new byte[len];
        return memory.read(gpa, probe, 0, len);
    }
}
