package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Guest physical memory as the library reaches it: byte ranges at guest physical addresses.
 *
 * <p>An embedding emulator implements this over its own RAM. A miss (an address the VM does not
 * own, or a range that runs off its end) is answered with {@code false}: the library turns it into
 * the architecture's fault status. Implementations must not throw for any address.
 */
@API(status = STABLE, since = "1.0")
public interface GuestMemory {
    /**
     * Reads {@code len} bytes at {@code gpa} into {@code dst[off..]}; {@code false} if any byte is not guest memory.
     * @param gpa the guest physical address of the first byte
     * @param dst the buffer to fill
     * @param off the offset in {@code dst}
     * @param len how many bytes
     * @return true when every byte was read
     */
    boolean read(long gpa, byte[] dst, int off, int len);

    /**
     * Writes {@code len} bytes from {@code src[off..]} at {@code gpa}; {@code false} (and nothing written) on a miss.
     * @param gpa the guest physical address of the first byte
     * @param src the bytes to write
     * @param off the offset in {@code src}
     * @param len how many bytes
     * @return true when every byte was written
     */
    boolean write(long gpa, byte[] src, int off, int len);
}
