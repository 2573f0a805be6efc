package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Interleave;
import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.trace.TraceEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler's two interleavings of physical CPUs (issue 18 item 3; docs/performance.md, "Scheduler: block
 * interleaving"): instruction interleaving is the scheduler as it was, byte for byte; block interleaving is
 * deterministic by seed whatever the number of host threads running machines, keeps trace times in order, and is
 * a different interleaving.
 */
class BlockInterleavingTest {
    /**
     * {@code sha256(final state) sha256(trace) file}, one line per bundled scenario: what {@code hcsim run ../examples/F
     * --final-state --trace T} printed and wrote at commit 2d37c86 (main before block interleaving was merged; its scheduler
     * interleaved single instructions on more than one physical CPU). Computed by that commit's jar, not by this code.
     * A later change that alters a trace on purpose (a new field, another call's answer) makes this fail: recompute the
     * file with that change's parent built from a worktree ({@code git worktree add /tmp/base PARENT}, {@code mvn -o -q
     * -DskipTests package -pl abi-cli -am}, then the run above per file, from {@code /tmp/base/abi-cli}) and say so.
     */
    private static final Path BEFORE = Path.of("src/test/resources/interleave/instruction-2d37c86.sha256");

    static List<Path> scenarios() throws IOException {
        return TranslatedTracesTest.scenarios();
    }

    @Test
    @DisplayName("--interleave instruction reproduces the traces and final states of the scheduler before block interleaving, byte for byte")
    void instructionInterleavingIsTheSchedulerBefore(@TempDir Path dir) throws IOException {
        List<String> lines = Files.readAllLines(BEFORE);
        assertEquals(scenarios().size(), lines.size(), "one line per bundled scenario");
        for (String line : lines) {
            String[] f = line.split(" ");
            Path trace = dir.resolve(f[2] + ".jsonl");
            CliTest.Run r = CliTest.hcsim("run", "../examples/" + f[2], "--interleave", "instruction", "--final-state", "--trace", trace.toString());
            assertTrue(r.code() <= 1, r.err());
            assertEquals(f[0], sha256(r.out().getBytes(StandardCharsets.UTF_8)), f[2] + ": final state");
            assertEquals(f[1], sha256(Files.readAllBytes(trace)), f[2] + ": trace");
        }
    }

    @Test
    @DisplayName("block interleaving: the same seed gives the same trace, byte for byte, run after run and with 1 or 4 host threads")
    void sameSeedSameTraceWhateverTheThreads() throws Exception {
        Map<Path, String> once = new LinkedHashMap<>();
        for (Path p : scenarios()) {
            once.put(p, run(p, null));
        }
        for (Path p : scenarios()) {
            assertEquals(once.get(p), run(p, null), p + ": a second run");
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (Path p : scenarios()) {
                    futures.add(pool.submit(() -> run(p, null)));
                }
            }
            int i = 0;
            for (int round = 0; round < 2; round++) {
                for (Path p : scenarios()) {
                    assertEquals(once.get(p), futures.get(i++).get(), p + ": on 4 host threads at once");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("block interleaving keeps the trace in virtual-time order on every bundled scenario, and differs from instruction interleaving")
    void blockTracesAreInTimeOrderAndAnotherInterleaving() throws IOException {
        int differ = 0;
        for (Path p : scenarios()) {
            Scenario s = ScenarioReader.parse(Files.readString(p), p.getFileName().toString()).withInterleave(Interleave.BLOCK);
            Map<String, Long> last = new LinkedHashMap<>();
            List<TraceEvent> events = new ArrayList<>();
            ScenarioRunner.run(s, ScenarioRunner.build(s), budget(), 0, events::add);
            for (TraceEvent e : events) {
                long before = last.getOrDefault(e.vm(), 0L);
                assertTrue(e.time() >= before, p + ": " + JsonLines.line(e) + " after time " + before);
                last.put(e.vm(), e.time());
            }
            if (!run(p, Interleave.BLOCK).equals(run(p, Interleave.INSTRUCTION))) {
                differ++;
            }
        }
        // Most multi-CPU scenarios meet at another tick or order under blocks; one-CPU scenarios never differ.
        assertTrue(differ >= 10, differ + " scenarios differ");
        Path oneCpu = Path.of("../examples/x86-steal-time.json");
        assertEquals(run(oneCpu, Interleave.BLOCK), run(oneCpu, Interleave.INSTRUCTION), "one physical CPU: the same run either way");
        Path twoCpus = Path.of("../examples/s390-sigp-restart-stop.json");
        assertNotEquals(run(twoCpus, Interleave.BLOCK), run(twoCpus, Interleave.INSTRUCTION));
    }

    @Test
    @DisplayName("a bad interleaving is refused with one line, on the command line and in a scenario file")
    void badValues(@TempDir Path dir) throws IOException {
        CliTest.Run r = CliTest.hcsim("run", "../examples/x86-send-ipi.json", "--interleave", "blocks");
        assertEquals(2, r.code());
        assertEquals("hcsim: --interleave must be block or instruction, got 'blocks'", r.err().strip());
        Path f = dir.resolve("bad.json");
        Files.writeString(f, Files.readString(Path.of("../examples/x86-send-ipi.json")).replaceFirst("\"pcpus\": 2,", "\"pcpus\": 2, \"interleave\": \"tick\","));
        r = CliTest.hcsim("run", f.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("$.vm.interleave") && r.err().contains("got 'tick'") && r.err().strip().lines().count() == 1, r.err());
    }

    private static ScenarioRunner.Budget budget() {
        return new ScenarioRunner.Budget(0, 0, ScenarioRunner.Budget.DEFAULT_INSTRUCTIONS, Long.MAX_VALUE);
    }

    /** The trace, the results and every vCPU's final registers and instruction count, as written or with {@code interleave}. */
    private static String run(Path file, Interleave interleave) throws IOException {
        Scenario s = ScenarioReader.parse(Files.readString(file), file.getFileName().toString());
        if (interleave != null) {
            s = s.withInterleave(interleave);
        }
        Map<String, Machine> machines = ScenarioRunner.build(s);
        StringBuilder out = new StringBuilder();
        ScenarioRunner.Result r = ScenarioRunner.run(s, machines, budget(), 0, e -> out.append(JsonLines.line(e)).append('\n'));
        out.append(r.runs()).append('\n').append(r.checks()).append('\n');
        machines.forEach((name, m) -> {
            for (int v = 0; v < m.vm().vcpuCount(); v++) {
                out.append(name).append(' ').append(v).append(' ').append(m.registers(v)).append(' ').append(m.instructions(v)).append('\n');
            }
        });
        return out.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
