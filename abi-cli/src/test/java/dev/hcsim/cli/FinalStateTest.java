package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.SparseMemory;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FinalStateTest {
    @Test
    @DisplayName("run --final-state of x86-clock-pairing: registers, state, PC and exactly the bytes kvm_pv_clock_pairing wrote (arch/x86/kvm/x86.c)")
    void clockPairing() throws Exception {
        CliTest.Run r = CliTest.hcsim("run", "--final-state", "../examples/x86-clock-pairing.json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out()); // one JSON document, nothing else on stdout
        assertEquals("hcsim-final-state/1", j.get("format").asText());
        JsonNode vm = j.get("scenarios").get(0).get("vms").get(0);
        assertEquals("clock", vm.get("name").asText());
        assertEquals("x86", vm.get("arch").asText());
        JsonNode cpu = vm.get("vcpus").get(0);
        assertEquals("halted", cpu.get("state").asText());
        // sec of 2026-01-01T00:00:00Z = 1767225600 = 0x6955b900; nsec and tsc 3 (the scenario's own expectations)
        assertEquals("0x000000006955b900", cpu.get("registers").get("r9").asText());
        assertEquals("0xfffffffffffffff2", cpu.get("registers").get("r13").asText(), "-KVM_EFAULT");
        assertTrue(cpu.get("pc").asText().startsWith("0x00000000000010"), cpu.toString());
        // struct kvm_clock_pairing at 0x2000: sec (le64), nsec, tsc; only the bytes that are no longer 0 changed
        JsonNode mem = vm.get("memoryChanged");
        assertEquals(3, mem.size(), mem.toString());
        assertEquals("0x0000000000002001", mem.get(0).get("gpa").asText());
        assertEquals("b95569", mem.get(0).get("bytes").asText());
        assertEquals("0x0000000000002008", mem.get(1).get("gpa").asText());
        assertEquals("03", mem.get(1).get("bytes").asText());
        assertEquals("0x0000000000002010", mem.get(2).get("gpa").asText());
        assertFalse(r.out().contains("✓") || r.out().contains("expect"), "no timeline or expectation text on stdout");
    }

    @Test
    @DisplayName("--final-state with --format json is refused: both would write to stdout")
    void notWithJsonLines() {
        CliTest.Run r = CliTest.hcsim("run", "--final-state", "--format", "json", "../examples/x86-clock-pairing.json");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--final-state prints JSON on stdout"), r.err());
    }

    @Test
    @DisplayName("changed ranges: maximal runs of differing bytes, merged across a page boundary; a new page counts against zeros")
    void changedRanges() {
        SparseMemory m = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        m.write(0x1000, new byte[] {1, 2, 3, 4}, 0, 4);
        TreeMap<Long, byte[]> before = m.snapshotPages();
        m.write(0x1001, new byte[] {2, 9}, 0, 2); // 0x1001 unchanged, 0x1002 changed
        m.write(0x1ffe, new byte[] {7, 7, 7, 7}, 0, 4); // across the page boundary into a new page
        m.write(0x3000, new byte[] {0, 5}, 0, 2); // a new page: the 0 is no change
        List<long[]> got = FinalState.changed(before, m);
        assertEquals(3, got.size());
        assertArrayEquals(new long[] {0x1002, 1}, got.get(0));
        assertArrayEquals(new long[] {0x1ffe, 4}, got.get(1));
        assertArrayEquals(new long[] {0x3001, 1}, got.get(2));
    }
}
