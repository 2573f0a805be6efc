package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.nio.ByteOrder;
import org.apiguardian.api.API;

/**
 * Typed reads and writes of 1, 2, 4 and 8 bytes over a {@link GuestMemory} in one byte order.
 * A miss throws {@link GuestFault}, which the engine turns into the architecture's fault answer.
 * One instance per vCPU: it keeps a scratch buffer so that typed accesses allocate nothing.
 */
@API(status = STABLE, since = "1.0")
public final class MemoryAccess {
    private final byte[] scratch = new byte[64];
    private GuestMemory memory;
    private final boolean bigEndian;
    private WriteListener listener;

    /** Notified of every successful write made through this accessor (for traces and `memoryWrites`). */
    @FunctionalInterface
    public interface WriteListener {
        /**
         * Called after {@code len} bytes from {@code src[off..]} were written at {@code gpa}.
         * @param gpa the guest physical address of the first byte written
         * @param src the buffer the bytes came from (valid only during the call)
         * @param off the offset in {@code src}
         * @param len how many bytes
         */
        void written(long gpa, byte[] src, int off, int len);
    }

    /**
     * An accessor over {@code memory} in byte order {@code order}.
     * @param memory the guest memory accessed (rebind with {@link #bind})
     * @param order the guest's byte order for multi-byte values
     */
    public MemoryAccess(GuestMemory memory, ByteOrder order) {
        this.memory = memory;
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
    }

    /**
     * The memory this accessor reads and writes now.
     * @return the bound guest memory
     */
    public GuestMemory memory() {
        return memory;
    }

    /**
     * Rebinds this accessor to another memory (the embedding path passes memory per trap).
     * @param m the memory to access from now on
     */
    public void bind(GuestMemory m) {
        if (memory != m) { // no write barrier when the trap path binds the same memory again
            memory = m;
        }
    }

    /**
     * Installs the listener told of every successful write (null: none).
     * @param l the listener, or null
     */
    public void listener(WriteListener l) {
        this.listener = l;
    }

    /**
     * The byte order of multi-byte values.
     * @return the guest's byte order
     */
    public ByteOrder order() {
        return bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /**
     * Reads an unsigned value of {@code size} (1, 2, 4 or 8) bytes, zero-extended.
     * @param gpa the guest physical address of the first byte
     * @param size the access size in bytes
     * @return the value
     * @throws GuestFault when any byte is outside guest memory
     */
    public long read(long gpa, int size) {
        if (!memory.read(gpa, scratch, 0, size)) {
            throw new GuestFault(gpa, size, false);
        }
        return Bytes.get(scratch, 0, size, bigEndian);
    }

    /**
     * Writes the low {@code size} bytes of {@code value}.
     * @param gpa the guest physical address of the first byte
     * @param size the access size in bytes, 1, 2, 4 or 8
     * @param value the value; higher bytes are dropped
     * @throws GuestFault when any byte is outside guest memory (nothing is written then)
     */
    public void write(long gpa, int size, long value) {
        Bytes.put(scratch, 0, size, value, bigEndian);
        writeBytes(gpa, scratch, 0, size);
    }

    /**
     * Reads one byte.
     * @param gpa the guest physical address
     * @return the byte, zero-extended
     * @throws GuestFault when the byte is outside guest memory
     */
    public long read8(long gpa) {
        return read(gpa, 1);
    }

    /**
     * Reads a 16-bit value in the guest's byte order.
     * @param gpa the guest physical address of the first byte
     * @return the value, zero-extended
     * @throws GuestFault when any byte is outside guest memory
     */
    public long read16(long gpa) {
        return read(gpa, 2);
    }

    /**
     * Reads a 32-bit value in the guest's byte order.
     * @param gpa the guest physical address of the first byte
     * @return the value, zero-extended
     * @throws GuestFault when any byte is outside guest memory
     */
    public long read32(long gpa) {
        return read(gpa, 4);
    }

    /**
     * Reads a 64-bit value in the guest's byte order.
     * @param gpa the guest physical address of the first byte
     * @return the value
     * @throws GuestFault when any byte is outside guest memory
     */
    public long read64(long gpa) {
        return read(gpa, 8);
    }

    /**
     * Reads {@code len} bytes at {@code gpa} into {@code dst[off..]}.
     * @param gpa the guest physical address of the first byte
     * @param dst the buffer to fill
     * @param off the offset in {@code dst}
     * @param len how many bytes
     * @throws GuestFault when any byte is outside guest memory
     */
    public void readBytes(long gpa, byte[] dst, int off, int len) {
        if (!memory.read(gpa, dst, off, len)) {
            throw new GuestFault(gpa, len, false);
        }
    }

    /**
     * Writes {@code len} bytes from {@code src[off..]} at {@code gpa} and tells the listener.
     * @param gpa the guest physical address of the first byte
     * @param src the bytes to write
     * @param off the offset in {@code src}
     * @param len how many bytes
     * @throws GuestFault when any byte is outside guest memory (nothing is written then)
     */
    public void writeBytes(long gpa, byte[] src, int off, int len) {
        if (!memory.write(gpa, src, off, len)) {
            throw new GuestFault(gpa, len, true);
        }
        if (listener != null) {
            listener.written(gpa, src, off, len);
        }
    }

    /**
     * Writes a private copy of {@code src[off..off+len)}: the embedder's {@link GuestMemory#write} never sees a
     * buffer that another write, another vCPU or another VM also uses, so an embedder that reuses or scribbles on
     * {@code src} changes nothing else. Allocates only for more than 64 bytes.
     * @param gpa the guest physical address of the first byte
     * @param src the bytes to write (a constant or a per-VM table)
     * @param off the offset in {@code src}
     * @param len how many bytes
     * @throws GuestFault when any byte is outside guest memory (nothing is written then)
     */
    public void writeCopy(long gpa, byte[] src, int off, int len) {
        byte[] b = len <= scratch.length ? scratch : new byte[len];
        System.arraycopy(src, off, b, 0, len);
        writeBytes(gpa, b, 0, len);
    }

    /**
     * Writes {@code len} zero bytes at {@code gpa}, all or nothing, from a buffer refilled before every piece (no
     * shared zero page an embedder could scribble on). Allocates nothing.
     * @param gpa the guest physical address of the first byte
     * @param len how many bytes
     * @throws GuestFault when any byte is outside guest memory (nothing is written then)
     */
    public void writeZeros(long gpa, int len) {
        if (!readable(gpa, len)) {
            throw new GuestFault(gpa, len, true);
        }
        for (int done = 0; done < len; done += scratch.length) {
            java.util.Arrays.fill(scratch, (byte) 0);
            writeBytes(gpa + done, scratch, 0, Math.min(scratch.length, len - done));
        }
    }

    /**
     * True when {@code len} bytes at {@code gpa} can be read (probing without a fault). A record that KVM reaches
     * through one cached mapping (kvm_gfn_to_hva_cache_init) is written only when this holds for the whole record,
     * so that a guest never sees it half-written. Allocates nothing.
     * @param gpa the guest physical address of the first byte
     * @param len how many bytes
     * @return whether all of them are guest memory
     */
    public boolean readable(long gpa, int len) {
        if (gpa + len < gpa && len > 0) {
            return false; // wraps past 2^64
        }
        for (int done = 0; done < len; done += scratch.length) {
            if (!memory.read(gpa + done, scratch, 0, Math.min(scratch.length, len - done))) {
                return false;
            }
        }
        return len > 0 || memory.read(gpa, scratch, 0, 0);
    }
}
