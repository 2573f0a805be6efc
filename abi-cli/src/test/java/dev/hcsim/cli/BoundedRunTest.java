package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.views.TimelineModel;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded memory and time for any accepted input (docs/robustness.md, "Limits" and "Budgets"): the trace streams
 * instead of being kept, totals are checked before anything is allocated, budgets count guest instructions and a
 * wall clock, and the pictures stay bounded however long the run. The memory cases run {@code hcsim} in a child JVM
 * with a small heap, so that "bounded" is what is checked, not how much the test JVM happens to have.
 */
class BoundedRunTest {
    record Child(int code, String out, String err) {
    }

    /** Runs {@code hcsim args} in a fresh JVM with {@code -Xmx<heap>}; output to files (it may be long). */
    static Child hcsimIn(String heap, Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        File out = dir.resolve("child.out").toFile();
        File err = dir.resolve("child.err").toFile();
        Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("hcsim did not end within 300 s: " + cmd);
        }
        return new Child(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
    }

    private static Path write(Path dir, String name, String json) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, json);
        return f;
    }

    /** Eight vCPUs on one physical CPU trapping in a three-line loop: about a million traps with the default budgets. */
    static final String TRAP_LOOP = "{\"vm\": {\"arch\": \"x86\", \"vcpus\": 8, \"programs\": [{\"at\": \"0x1000\", \"source\": "
            + "[\"loop: mov $5, %rax\", \"vmcall\", \"jmp loop\"]}]}}";

    @Test
    @DisplayName("item 6: three lines of guest code on 8 vCPUs with the default budgets run in a 64 MiB heap; the trace file still gets every event")
    void traceIsStreamed(@TempDir Path dir) throws Exception {
        Path f = write(dir, "loop.json", TRAP_LOOP);
        Path trace = dir.resolve("t.jsonl");
        Child c = hcsimIn("64m", dir, "run", f.toString(), "--trace", trace.toString(), "--svg", dir.resolve("t.svg").toString());
        assertEquals(0, c.code(), c.err());
        long lines;
        try (var s = Files.lines(trace)) {
            lines = s.count();
        }
        assertTrue(lines > 300_000, "every event is in the trace file: " + lines);
        Matcher m = Pattern.compile("\\.\\.\\. (\\d+) more events not shown").matcher(c.out());
        assertTrue(m.find(), "the text timeline says how many events it left out");
        assertEquals(lines, Long.parseLong(m.group(1)) + RunLimits.KEPT_EVENTS, "kept + not shown = all");
        assertTrue(Files.size(dir.resolve("t.svg")) < 8L << 20, "the picture of a long run stays bounded: " + Files.size(dir.resolve("t.svg")));
    }

    @Test
    @DisplayName("item 7: 200 VMs of 16 384 vCPUs (a 14 KB file) are refused before any is created, with the total named")
    void tooManyVcpus(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("{\"vms\": [");
        for (int i = 0; i < 200; i++) {
            sb.append(i > 0 ? "," : "").append("{\"name\": \"v").append(i).append("\", \"arch\": \"x86\", \"vcpus\": 16384}");
        }
        Path f = write(dir, "wide.json", sb.append("]}").toString());
        Child c = hcsimIn("256m", dir, "run", f.toString());
        assertEquals(2, c.code(), c.err());
        assertTrue(c.err().contains("at most " + RunLimits.MAX_TOTAL_VCPUS + " vCPUs together"), c.err());
        assertEquals("", c.out());
    }

    @Test
    @DisplayName("item 7: '.zero 1048576' repeated (a 4 KB file) is refused while assembling, before the bytes are kept")
    void tooManyAssembledBytes(@TempDir Path dir) throws Exception {
        StringBuilder src = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            src.append(i > 0 ? "," : "").append("\".zero 1048576\"");
        }
        Path f = write(dir, "zero.json", "{\"vm\": {\"arch\": \"x86\", \"programs\": [{\"at\": \"0x1000\", \"source\": [" + src + "]}]}}");
        Child c = hcsimIn("256m", dir, "run", f.toString());
        assertEquals(2, c.code(), c.err());
        assertTrue(c.err().contains("larger than"), c.err());
    }

    @Test
    @DisplayName("item 7: 250 000 VMs are refused at once (at most 256 per scenario), and VM names are checked with a set, not pairwise")
    void manyVms(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("{\"vms\": [");
        for (int i = 0; i < 250_000; i++) {
            sb.append(i > 0 ? "," : "").append("{\"arch\":\"x86\"}");
        }
        Path f = write(dir, "many.json", sb.append("]}").toString());
        CliTest.Run r = CliTest.hcsim("run", f.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("at most 256"), r.err());
        StringBuilder dup = new StringBuilder("{\"vms\": [");
        for (int i = 0; i < 256; i++) {
            dup.append(i > 0 ? "," : "").append("{\"name\":\"v").append(i == 255 ? 3 : i).append("\",\"arch\":\"x86\"}");
        }
        CliTest.Run d = CliTest.hcsim("run", write(dir, "dup.json", dup.append("]}").toString()).toString());
        assertTrue(d.err().contains("VM name 'v3' is used twice") && d.err().contains("$.vms[255].name"), d.err());
    }

    @Test
    @DisplayName("item 7: the size limit applies while reading: /dev/zero as a scenario is cut at 4 MiB + 1 byte and refused")
    void devZero() {
        CliTest.Run r = CliTest.hcsim("run", "/dev/zero");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("/dev/zero: is more than 4194304 bytes"), r.err());
    }

    @Test
    @DisplayName("item 7: more files than one run takes, or more input than 16 MiB together, are refused before anything runs")
    void tooManyFiles(@TempDir Path dir) throws Exception {
        String[] args = new String[RunLimits.MAX_FILES + 2];
        args[0] = "run";
        for (int i = 1; i < args.length; i++) {
            args[i] = "../examples/x86-send-ipi.json";
        }
        CliTest.Run r = CliTest.hcsim(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("at most " + RunLimits.MAX_FILES), r.err());
        assertEquals("", r.out());
        String pad = " ".repeat((int) (ScenarioReaderLimits.FILE - 200));
        List<String> big = new ArrayList<>(List.of("run"));
        for (int i = 0; i < 5; i++) {
            big.add(write(dir, "big" + i + ".json", "{\"vm\": {\"arch\": \"x86\"}}" + pad).toString());
        }
        CliTest.Run b = CliTest.hcsim(big.toArray(String[]::new));
        assertEquals(2, b.code(), b.err());
        assertTrue(b.err().contains("at most " + RunLimits.MAX_TOTAL_INPUT_BYTES + " bytes together"), b.err());
        assertEquals("", b.out());
    }

    /** The per-file limit, named once. */
    static final class ScenarioReaderLimits {
        static final long FILE = dev.hcsim.core.scenario.ScenarioReader.MAX_FILE_BYTES;
    }

    @Test
    @DisplayName("item 8: 4 096 physical CPUs and the most steps a file may ask for end at the guest-instruction budget, not after hours")
    void instructionBudget(@TempDir Path dir) throws Exception {
        Path f = write(dir, "wide.json", "{\"vm\": {\"arch\": \"x86\", \"vcpus\": 4096, \"pcpus\": 4096, \"maxSteps\": 1000000000, "
                + "\"maxTimeNs\": 9000000000000000000, \"programs\": [{\"at\": \"0x1000\", \"source\": \"l: jmp l\"}]}}");
        CliTest.Run r = CliTest.hcsim("run", f.toString(), "--quiet", "--max-instructions", "2000000");
        assertEquals(0, r.code(), r.err());
        // Checked between ticks: the tick that crosses the budget runs to its end, at most pcpus - 1 = 4095 past it.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ended instruction_budget after (\\d+) guest instructions").matcher(r.out());
        assertTrue(m.find(), r.out());
        long ran = Long.parseLong(m.group(1));
        assertTrue(ran >= 2_000_000 && ran <= 2_000_000 + 4095, ran + " instructions for a budget of 2000000 on 4096 physical CPUs");
    }

    @Test
    @DisplayName("item 8: --max-wall-seconds stops a run that every other budget would let go on")
    void wallClock(@TempDir Path dir) throws Exception {
        Path f = write(dir, "spin.json", "{\"vm\": {\"arch\": \"x86\", \"maxSteps\": 1000000000, \"maxTimeNs\": 9000000000000000000, "
                // a hypercall per loop (KVM_HC_VAPIC_POLL_IRQ): a bare `jmp` loop is compiled into one block and runs the
                // 10^9 steps of the schema's largest budget in well under the second
                + "\"programs\": [{\"at\": \"0x1000\", \"source\": [\"l: mov $1, %rax\", \"vmcall\", \"jmp l\"]}]}}");
        CliTest.Run r = CliTest.hcsim("run", f.toString(), "--quiet", "--max-wall-seconds", "1", "--max-instructions", "9000000000000000000");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ended wall_clock"), r.out());
    }

    @Test
    @DisplayName("item 9: a long run's picture aggregates dense stretches: at most 2 x LANE_CAP markers per lane, each counting its events")
    void pictureIsBounded(@TempDir Path dir) throws Exception {
        Path f = write(dir, "loop.json", "{\"vm\": {\"arch\": \"x86\", \"programs\": [{\"at\": \"0x1000\", \"source\": "
                + "[\"loop: mov $5, %rax\", \"vmcall\", \"jmp loop\"]}]}}");
        Path svg = dir.resolve("t.svg");
        CliTest.Run r = CliTest.hcsim("run", f.toString(), "--quiet", "--svg", svg.toString(), "--max-steps", "300000");
        assertEquals(0, r.code(), r.err());
        String s = Files.readString(svg, StandardCharsets.UTF_8);
        int traps = s.split("<g class=\"trap\">", -1).length - 1;
        assertTrue(traps > 0 && traps < 2 * TimelineModel.LANE_CAP, "markers drawn: " + traps);
        assertTrue(s.contains(" events from "), "an aggregated marker says how many events it stands for");
        assertFalse(s.contains("\u001b"));
    }
}
