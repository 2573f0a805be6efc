package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code xmm0=0x<up to 32 hex digits>}: a 128-bit register on the command line, split into its two halves. */
class VectorArgumentTest {
    @Test
    void thirtyTwoHexDigitsAreHighThenLow() {
        assertArrayEquals(new long[] {0x1122334455667788L, 0x99aabbccddeeff00L},
                CallCommand.vector128("xmm0", "0x99aabbccddeeff001122334455667788"));
        assertArrayEquals(new long[] {0x123, 0}, CallCommand.vector128("xmm1", "0x123"));
    }

    @Test
    void anythingElseIsAOneLineError() {
        for (String bad : new String[] {"123", "0x", "0xZZ", "0x" + "1".repeat(33)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CallCommand.vector128("xmm2", bad));
            assertTrue(e.getMessage().startsWith("xmm2 is a 128-bit register"), e.getMessage());
        }
    }

    @Test
    void theCallSeesTheRegister() {
        // an XMM fast HvFlushVirtualAddressSpaceEx reads its VP set from XMM0: format 1 = HV_GENERIC_SET_ALL
        CliTest.Run r = CliTest.hcsim("call", "--arch", "x86", "--feature", "hyperv", "--format", "text", "rcx=0x10013",
                "xmm0=0x00000000000000000000000000000001");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("HV_STATUS_SUCCESS"), r.out());
    }
}
