package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MemoryTest {
    @Test
    @DisplayName("for all addresses and lengths: an access succeeds exactly when every byte is owned, and never throws")
    void ownership() {
        SparseMemory m = new SparseMemory(List.of(new MemoryRegion(0x1000, 0x3000), new MemoryRegion(0x4000, 0x1000),
                new MemoryRegion(1L << 40, 0x1000)));
        qt().withExamples(5000).forAll(longs().all().mix(longs().between(0, 0x6000), 70), integers().between(0, 64)).checkAssert((gpa, len) -> {
            byte[] buf = new byte[len];
            boolean owned = len == 0 ? true : inside(gpa, len);
            assertEquals(owned, m.write(gpa, buf, 0, len), "write");
            assertEquals(owned, m.read(gpa, buf, 0, len), "read");
        });
    }

    private static boolean inside(long gpa, int len) {
        long end = gpa + len;
        if (end < gpa) {
            return false; // runs past the top of the address space
        }
        return (gpa >= 0x1000 && end <= 0x5000) || (gpa >= (1L << 40) && end <= (1L << 40) + 0x1000);
    }

    @Test
    @DisplayName("memory is sparse: touching a few pages at high addresses costs a few pages")
    void sparse() {
        SparseMemory m = new SparseMemory(List.of(new MemoryRegion(0, 1L << 50)));
        m.write((1L << 49) + 5, new byte[] {1, 2, 3}, 0, 3);
        m.write(0xFFF, new byte[] {9, 9}, 0, 2); // crosses a page boundary
        assertEquals(3, m.residentPages());
        byte[] got = new byte[3];
        assertTrue(m.read((1L << 49) + 5, got, 0, 3));
        assertArrayEquals(new byte[] {1, 2, 3}, got);
    }

    @Test
    @DisplayName("typed accesses follow the byte order; a miss is a GuestFault naming the address")
    void typed() {
        SparseMemory m = new SparseMemory(List.of(new MemoryRegion(0, 0x100)));
        MemoryAccess be = new MemoryAccess(m, ByteOrder.BIG_ENDIAN);
        MemoryAccess le = new MemoryAccess(m, ByteOrder.LITTLE_ENDIAN);
        be.write(0x10, 4, 0x11223344);
        assertEquals(0x44332211L, le.read32(0x10));
        assertEquals(0x1122L, be.read16(0x10));
        GuestFault f = assertThrows(GuestFault.class, () -> le.read64(0xFC));
        assertTrue(f.getMessage().contains("0xfc"));
        assertFalse(le.readable(0x100, 1));
    }

    @Test
    @DisplayName("overlapping regions and regions past the address space are refused")
    void badRegions() {
        assertThrows(IllegalArgumentException.class, () -> new SparseMemory(List.of(new MemoryRegion(0, 0x2000), new MemoryRegion(0x1000, 0x10))));
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(Long.MAX_VALUE - 10, 100));
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(0, 0));
    }
}
