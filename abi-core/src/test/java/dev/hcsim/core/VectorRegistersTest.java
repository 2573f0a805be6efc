package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** 128-bit vector registers: an optional capability of RegisterAccess, carried by RegisterLayout and RegisterFile. */
class VectorRegistersTest {
    static final RegisterLayout WITH = RegisterLayout.builder().general("r0").control("flags", 64).vectors("xmm", 16).build();
    static final RegisterLayout WITHOUT = RegisterLayout.builder().general("r0").build();

    @Test
    void namesAreThePrefixAndANumberBelowTheCount() {
        assertEquals(0, WITH.vectorIndexOf("xmm0"));
        assertEquals(15, WITH.vectorIndexOf("%XMM15"));
        assertEquals(-1, WITH.vectorIndexOf("xmm16"));
        assertEquals(-1, WITH.vectorIndexOf("xmm03"));
        assertEquals(-1, WITH.vectorIndexOf("xmm"));
        assertEquals(-1, WITH.vectorIndexOf("xmm1a"));
        assertEquals(-1, WITH.vectorIndexOf("ymm1"));
        assertEquals(-1, WITHOUT.vectorIndexOf("xmm0"));
        assertEquals("xmm7", WITH.vectorName(7));
        assertEquals(16, WITH.vectorCount());
        assertEquals(-1, WITH.indexOf("xmm0"), "vector registers are not 64-bit layout registers");
    }

    @Test
    void registerFileHoldsBothHalvesAndCopiesThem() {
        RegisterFile r = new RegisterFile(WITH);
        assertEquals(16, r.vectorRegisters());
        r.setVector(3, false, 0x1111);
        r.setVector(3, true, 0x2222);
        assertEquals(0x1111, r.getVector(3, false));
        assertEquals(0x2222, r.getVector(3, true));
        RegisterFile c = new RegisterFile(WITH);
        assertNotEquals(r, c);
        c.copyFrom(r);
        assertEquals(r, c);
        assertEquals(0x2222, c.getVector(3, true));
        assertTrue(r.toString().contains("xmm3=0x00000000000022220000000000001111"), r.toString());
        assertThrows(IndexOutOfBoundsException.class, () -> r.getVector(16, false));
    }

    @Test
    void withoutThemTheDefaultsSaySoClearly() {
        RegisterFile r = new RegisterFile(WITHOUT);
        assertEquals(0, r.vectorRegisters());
        RegisterAccess bare = new RegisterAccess() {
            @Override
            public long get(int reg) {
                return 0;
            }

            @Override
            public void set(int reg, long value) {
            }

            @Override
            public long pc() {
                return 0;
            }

            @Override
            public void pc(long value) {
            }
        };
        assertEquals(0, bare.vectorRegisters());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> bare.getVector(0, false));
        assertTrue(e.getMessage().contains("implement RegisterAccess.vectorRegisters, getVector and setVector"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> bare.setVector(0, true, 1));
    }
}
