package dev.hcsim.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OptionSpecTest {
    @Test
    @DisplayName("a fixed-value option accepts exactly its values; a numeric one any number and nothing else")
    void singleValued() {
        OptionSpec vendor = new OptionSpec("vendor", List.of("intel", "amd"), "intel", "host vendor");
        assertTrue(vendor.accepts("amd"));
        assertFalse(vendor.accepts("via"));
        assertEquals("intel | amd", vendor.expected());
        OptionSpec n = new OptionSpec("vcpu-id", List.of(), "0", "a number");
        assertTrue(n.accepts("0x10"));
        assertFalse(n.accepts("0x10,0x14"), "a single-valued numeric option takes one number");
        assertEquals("a number", n.expected());
    }

    @Test
    @DisplayName("a list-valued option accepts comma-separated numbers with spaces and empty items, and refuses any non-number item")
    void listValued() {
        OptionSpec l = OptionSpec.numberList("papr-enable", "one ioctl per opcode");
        assertTrue(l.accepts(""));
        assertTrue(l.accepts("0x10"));
        assertTrue(l.accepts("0x10, 20 ,0x14,"));
        assertFalse(l.accepts("0x10,zz"));
        assertEquals("a comma-separated list of numbers", l.expected());
        assertEquals(List.of("0x10", "20", "0x14"), OptionSpec.items("0x10, 20 ,,0x14,"));
        assertEquals(List.of(), OptionSpec.items(""));
        assertThrows(IllegalArgumentException.class, () -> new OptionSpec("x", List.of("a"), "a", "d", true),
                "a list of numbers cannot also have fixed values");
    }
}
