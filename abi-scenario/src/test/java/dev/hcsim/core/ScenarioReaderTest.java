package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioException;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Malformed scenarios get one line naming the file, the place and what was expected. */
class ScenarioReaderTest {

    private static String error(String text) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioRunner.build(ScenarioReader.parse(text, "s.json")));
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "truncated|{\"vm\": {\"arch\": \"toy\"|s.json:1:",
        "not an object|[1, 2]|expected a JSON object",
        "unknown top-level key|{\"vm\": {\"arch\": \"toy\"}, \"expekt\": []}|unknown key 'expekt'",
        "unknown VM key|{\"vm\": {\"arch\": \"toy\", \"vcpu\": 2}}|(at $.vm.vcpu)",
        "wrong type|{\"vm\": {\"arch\": \"toy\", \"vcpus\": \"many\"}}|(at $.vm.vcpus)",
        "out of range|{\"vm\": {\"arch\": \"toy\", \"vcpus\": 10000000}}|out of range",
        "missing arch|{\"vm\": {\"vcpus\": 1}}|missing \"arch\"",
        "unknown architecture|{\"vm\": {\"arch\": \"vax\"}}|unknown architecture 'vax'",
        "unknown mnemonic|{\"vm\": {\"arch\": \"toy\", \"programs\": [{\"source\": \"nop\\nfly\"}]}}|line 2",
        "bad register|{\"vm\": {\"arch\": \"toy\", \"cpus\": [{\"vcpu\": 0, \"registers\": {\"r9\": 1}}]}}|unknown toy register 'r9'",
        "number too big|{\"vm\": {\"arch\": \"toy\", \"seed\": 123456789012345678901234567890}}|does not fit in 64 bits",
        "duplicate key|{\"vm\": {\"arch\": \"toy\", \"arch\": \"toy\"}}|duplicate key 'arch'",
        "duplicate vCPU|{\"vm\": {\"arch\": \"toy\", \"vcpus\": 2, \"cpus\": [{\"vcpu\": 1}, {\"vcpu\": 1}]}}|described twice",
        "bad hex|{\"vm\": {\"arch\": \"toy\", \"data\": [{\"at\": 0, \"bytes\": \"zz\"}]}}|(at $.vm.data[0].bytes)",
        "program outside memory|{\"vm\": {\"arch\": \"toy\", \"programs\": [{\"at\": \"0x7fffffff\", \"source\": \"nop\"}]}}|do not fit in the VM's memory",
        "unknown feature|{\"vm\": {\"arch\": \"toy\", \"features\": {\"warp\": true}}}|unknown feature 'warp'",
        "bad option value|{\"vm\": {\"arch\": \"toy\", \"options\": {\"flavour\": \"c\"}}}|flavour=c is not accepted",
        "bad expectation|{\"vm\": {\"arch\": \"toy\"}, \"expect\": [{\"vcpu\": 0}]}|an expectation needs one of",
        "mask of 0|{\"vm\": {\"arch\": \"toy\"}, \"expect\": [{\"register\": \"r3\", \"equals\": 0, \"mask\": 0}]}|(at $.expect[0].mask)",
        "equals outside mask|{\"vm\": {\"arch\": \"toy\"}, \"expect\": [{\"register\": \"r3\", \"equals\": 256, \"mask\": 255}]}|bits outside \"mask\" (0x100)",
        "mask without register|{\"vm\": {\"arch\": \"toy\"}, \"expect\": [{\"state\": \"halted\", \"mask\": 255}]}|belongs to a register expectation",
        "bad state|{\"vm\": {\"arch\": \"toy\"}, \"expect\": [{\"state\": \"asleep\"}]}|(at $.expect[0].state)",
        "unknown entry|{\"vm\": {\"arch\": \"toy\", \"cpus\": [{\"vcpu\": 0, \"entry\": \"nowhere\"}]}}|neither a program, a label nor an address"})
    void malformed(String what, String text, String expected) {
        String msg = error(text);
        assertTrue(msg.startsWith("s.json"), msg);
        assertTrue(msg.contains(expected), what + ": " + msg);
    }

    @Test
    @DisplayName("a register expectation with a mask compares only the mask's bits; a failure shows the compared bits and the whole register")
    void registerMask() {
        String vm = "{\"vm\": {\"arch\": \"toy\", \"programs\": [{\"source\": \"hlt\"}], \"cpus\": [{\"vcpu\": 0, \"registers\": "
                + "{\"r3\": \"0x1234\"}}]}, \"expect\": [";
        ScenarioRunner.Result ok = ScenarioRunner.run(ScenarioReader.parse(vm + "{\"register\": \"r3\", \"equals\": \"0x34\", \"mask\": \"0xff\"}]}",
                "m.json"));
        assertTrue(ok.passed(), ok.checks().toString());
        assertEquals(-1L, ((Scenario.RegisterEquals) ScenarioReader.parse(vm + "{\"register\": \"r3\", \"equals\": 1}]}", "m.json").expectations()
                .get(0)).mask(), "no mask: every bit");
        ScenarioRunner.Result bad = ScenarioRunner.run(ScenarioReader.parse(vm + "{\"register\": \"r3\", \"equals\": \"0x35\", \"mask\": \"0xff\"}]}",
                "m.json"));
        assertTrue(!bad.passed());
        ScenarioRunner.Check c = bad.checks().get(0);
        assertEquals("vm0/vcpu0 r3 & 0x00000000000000ff == 0x0000000000000035", c.description());
        assertEquals("0x0000000000000034 (whole register 0x0000000000001234)", c.actual());
        ScenarioRunner.Result unmasked = ScenarioRunner.run(ScenarioReader.parse(vm + "{\"register\": \"r3\", \"equals\": \"0x34\"}]}", "m.json"));
        assertTrue(!unmasked.passed(), "without a mask the high bits count");
    }

    @Test
    @DisplayName("an error names the line and column of the offending value")
    void lineAndColumn() {
        String msg = error("{\n  \"vm\": {\n    \"arch\": \"toy\",\n    \"pcpus\": -1\n  }\n}");
        assertTrue(msg.startsWith("s.json:4:14: "), msg);
    }

    @Test
    @DisplayName("a file larger than the limit is refused before it is read")
    void hugeFile(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.json");
        try (var out = Files.newOutputStream(big)) {
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) ' ');
            for (int i = 0; i < 5; i++) {
                out.write(chunk);
            }
        }
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioReader.read(big));
        assertTrue(e.getMessage().contains("at most"), e.getMessage());
        assertThrows(ScenarioException.class, () -> ScenarioReader.read(dir.resolve("missing.json")));
    }

    @Test
    @DisplayName("a well-formed scenario reads with defaults")
    void defaults() {
        Scenario s = ScenarioReader.parse("{\"vm\": {\"arch\": \"toy\"}}", "ok.json");
        assertEquals("vm0", s.vms().get(0).name());
        assertEquals(1, s.vms().get(0).vcpus());
        assertEquals(1000, s.vms().get(0).quantum());
    }
}
