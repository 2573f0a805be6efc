package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code hcsim run FILE --seeds A..B --jobs N} (issue 18, item 4): one scenario under many seeds on several threads.
 * The bundled lost-wakeup scenario passes on its own seed and fails on some others; the sweep must find exactly those,
 * the same whatever N, and each seed it reports must fail when run alone.
 */
class SeedSweepTest {
    static final String RACE = "../examples/x86-pv-spinlock-lost-wakeup.json";
    static final String SEEDS = "1..120";

    /** The failing seeds the report lists ("seeds: 1, 4..7, 9"), expanded. */
    static List<Long> failingSeeds(String report) {
        List<Long> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s+seeds: (.*)$").matcher(report);
        while (m.find()) {
            for (String part : m.group(1).split(", ")) {
                String[] ab = part.split("\\.\\.");
                for (long s = Long.parseLong(ab[0]); s <= Long.parseLong(ab[ab.length - 1]); s++) {
                    out.add(s);
                }
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    @DisplayName("the same report with 1 and 2 jobs; it lists failing seeds, and each fails alone (--seed) while the others pass")
    void sameReportWhateverTheJobs(@TempDir Path dir) throws Exception {
        Path t1 = dir.resolve("one.jsonl");
        Path t2 = dir.resolve("two.jsonl");
        CliTest.Run one = CliTest.hcsim("run", RACE, "--seeds", SEEDS, "--jobs", "1", "--trace", t1.toString());
        CliTest.Run two = CliTest.hcsim("run", RACE, "--seeds", SEEDS, "--jobs", "2", "--trace", t2.toString());
        assertEquals(1, one.code(), one.out() + one.err());
        assertEquals(one.out().replace(t1.toString(), "T"), two.out().replace(t2.toString(), "T"), "the report does not depend on --jobs");
        assertEquals(Files.readString(t1), Files.readString(t2), "the same trace of the smallest failing seed");
        List<Long> failing = failingSeeds(one.out());
        assertFalse(failing.isEmpty(), one.out());
        assertTrue(failing.size() < 120, "only some seeds expose the race: " + one.out());
        assertTrue(one.out().contains((120 - failing.size()) + " of 120 seeds met every expectation"), one.out());
        assertTrue(one.out().contains("smallest failing seed: " + failing.get(0)), one.out());
        // cross-check with the ordinary run: the reported seeds fail, a seed not reported passes
        assertEquals(1, CliTest.hcsim("run", RACE, "--seed", "" + failing.get(0), "--quiet").code());
        assertEquals(1, CliTest.hcsim("run", RACE, "--seed", "" + failing.get(failing.size() - 1), "--quiet").code());
        long passing = 1;
        while (failing.contains(passing)) {
            passing++;
        }
        assertEquals(0, CliTest.hcsim("run", RACE, "--seed", "" + passing, "--quiet").code());
        // the trace written is that seed's: the ordinary run with --seed gives the same bytes
        Path again = dir.resolve("again.jsonl");
        CliTest.hcsim("run", RACE, "--seed", "" + failing.get(0), "--quiet", "--trace", again.toString());
        assertEquals(Files.readString(again), Files.readString(t1));
        // no progress bar when not on a terminal: stderr holds the timing line only
        assertTrue(one.err().startsWith("hcsim: 120 seeds in "), one.err());
        assertFalse(one.err().contains("\r") || one.out().contains("\r"));
    }

    @Test
    @DisplayName("the bundled racy scenario passes on its own seed (the demo and the scenario tests run it so)")
    void defaultSeedPasses() {
        CliTest.Run r = CliTest.hcsim("run", RACE, "--quiet");
        assertEquals(0, r.code(), r.out() + r.err());
    }

    @Test
    @DisplayName("a sweep where every seed passes exits 0 and says so")
    void allPass() {
        CliTest.Run r = CliTest.hcsim("run", "../examples/x86-pv-spinlock-kick.json", "--seeds", "1..20", "--jobs", "2");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("20 of 20 seeds met every expectation"), r.out());
        assertFalse(r.out().contains("smallest failing seed"), r.out());
    }

    @Test
    @DisplayName("without --trace the smallest failing seed's trace goes to NAME.seed-N.jsonl, and an existing file of that name is never replaced")
    void defaultTraceFileNeverClobbers(@TempDir Path dir) throws Exception {
        Path race = Path.of(RACE).toAbsolutePath();
        BoundedRunTest.Child first = child(dir, "run", race.toString(), "--seeds", SEEDS, "--jobs", "2");
        assertEquals(1, first.code(), first.out() + first.err());
        long seed = failingSeeds(first.out()).get(0);
        Path written = dir.resolve("x86-pv-spinlock-lost-wakeup.seed-" + seed + ".jsonl");
        assertTrue(first.out().contains("trace of seed " + seed + ": " + written.getFileName()), first.out());
        assertTrue(Files.readString(written).contains("\"vm\""), "a JSON-lines trace");
        Files.writeString(written, "mine\n");
        BoundedRunTest.Child second = child(dir, "run", race.toString(), "--seeds", SEEDS, "--jobs", "2");
        assertEquals(1, second.code());
        assertEquals("mine\n", Files.readString(written), "an existing file is left alone");
        assertTrue(second.out().contains("not written, " + written.getFileName() + " exists (name a file with --trace)"), second.out());
    }

    /** hcsim in a child JVM whose working directory is {@code dir} (where the default trace file goes). */
    static BoundedRunTest.Child child(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("child.out");
        Path err = dir.resolve("child.err");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "hcsim ended");
        return new BoundedRunTest.Child(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10..1", "1..", "..5", "a..5", "1...5", "-3..4", "1..x", "", "0..99999999999"})
    @DisplayName("a bad range is one clear error and exit 2, before anything runs")
    void badRanges(String range) {
        CliTest.Run r = CliTest.hcsim("run", RACE, "--seeds", range);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--seeds"), r.err());
        assertEquals("", r.out());
    }

    @Test
    @DisplayName("on a terminal the bar counts the seeds the workers have finished, never past the total")
    void progressCountsSeeds() {
        java.io.StringWriter err = new java.io.StringWriter();
        try (Progress p = new Progress(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err), true, 1000, () -> 0)) {
            p.begin("race seeds 1..1000");
            p.doneSoFar(250);
            assertTrue(p.line().startsWith("[######..................] 250/1000  race seeds 1..1000"), p.line());
            p.doneSoFar(5000);
            assertTrue(p.line().contains("1000/1000"), p.line());
        }
    }

    @Test
    @DisplayName("the range parser: FIRST..LAST inclusive, or one seed")
    void parse() {
        assertEquals(new SeedSweep.Range(1, 100000), SeedSweep.Range.parse("1..100000"));
        assertEquals(100000, SeedSweep.Range.parse("1..100000").count());
        assertEquals(new SeedSweep.Range(42, 42), SeedSweep.Range.parse("42"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SeedSweep.Range.parse("9..3"));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertEquals("1, 3..5, 7, 8", SeedSweep.ranges(List.of(1L, 3L, 4L, 5L, 7L, 8L)));
    }

    @Test
    @DisplayName("options that do not fit a sweep are clear errors: --jobs alone or out of range, two files, --seed with --seeds, json, pictures")
    void misuse(@TempDir Path dir) {
        String[][] bad = {
            {"run", RACE, "--jobs", "2"},
            {"run", RACE, "--seeds", "1..3", "--jobs", "0"},
            {"run", RACE, RACE, "--seeds", "1..3"},
            {"run", RACE, "--seeds", "1..3", "--seed", "4"},
            {"run", RACE, "--seeds", "1..3", "--format", "json"},
            {"run", RACE, "--seeds", "1..3", "--svg", dir.resolve("x.svg").toString()},
            {"run", RACE, "--seed", "-1"},
        };
        for (String[] args : bad) {
            CliTest.Run r = CliTest.hcsim(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("hcsim: "), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
    }
}
