package dev.hcsim.core;

/**
 * A range of guest physical memory a VM owns: {@code [base, base + size)}.
 *
 * @param base first guest physical address
 * @param size length in bytes, at least 1
 */
public record MemoryRegion(long base, long size) {
    public MemoryRegion {
        if (size <= 0) {
            throw new IllegalArgumentException("memory region size must be positive, got " + size);
        }
        if (base < 0 || base + size < 0 || base + size < base) {
            throw new IllegalArgumentException(String.format("memory region 0x%x+0x%x runs past the 63-bit physical address space", base, size));
        }
    }

    /** First address past the region. */
    public long end() {
        return base + size;
    }

    /** True when {@code [gpa, gpa+len)} lies wholly inside this region. */
    public boolean contains(long gpa, long len) {
        return gpa >= base && len >= 0 && gpa - base <= size - len;
    }

    public boolean overlaps(MemoryRegion o) {
        return base < o.end() && o.base < end();
    }
}
