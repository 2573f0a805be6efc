package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * A range of guest physical memory a VM owns: {@code [base, base + size)}.
 *
 * @param base first guest physical address
 * @param size length in bytes, at least 1
 */
@API(status = STABLE, since = "1.0")
public record MemoryRegion(long base, long size) {
    /**
     * Checks the region.
     * @param base first guest physical address
     * @param size length in bytes, at least 1
     * @throws IllegalArgumentException when {@code size} is not positive or the region runs past the 63-bit address
     *   space
     */
    public MemoryRegion {
        if (size <= 0) {
            throw new IllegalArgumentException("memory region size must be positive, got " + size);
        }
        if (base < 0 || base + size < 0 || base + size < base) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "memory region 0x%x+0x%x runs past the 63-bit physical address space", base, size));
        }
    }

    /**
     * First address past the region.
     * @return {@code base + size}
     */
    public long end() {
        return base + size;
    }

    /**
     * True when {@code [gpa, gpa+len)} lies wholly inside this region.
     * @param gpa the first guest physical address
     * @param len the length in bytes
     * @return whether the whole range is in this region (false for a negative length)
     */
    public boolean contains(long gpa, long len) {
        return gpa >= base && len >= 0 && gpa - base <= size - len;
    }

    /**
     * True when this region and {@code o} share at least one address.
     * @param o the other region
     * @return whether the two overlap
     */
    public boolean overlaps(MemoryRegion o) {
        return base < o.end() && o.base < end();
    }
}
