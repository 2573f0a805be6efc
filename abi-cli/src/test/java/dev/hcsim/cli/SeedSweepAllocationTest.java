package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.Interleave;
import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.trace.TraceSink;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What one seed of a sweep costs (issue 18 item 4): the sweep's threads share the heap, so every byte a seed allocates
 * is collection work that stops them all. Counted per thread with ThreadMXBean, never timed.
 *
 * <p>Not through abi-core's test jar ({@code AllocationRounds}): that jar's classes come with the tests' toy
 * architecture, which a module's tests then find beside the real ones, and abi-cli's generated-docs and fuzz tests
 * enumerate every architecture. The rounds here follow the same rule: the best of several, since the first ones run
 * before the JIT has compiled (and escape-analysed) the per-seed path.
 */
class SeedSweepAllocationTest {
    private static final Scenario RACE = ScenarioReader.read(Path.of(SeedSweepTest.RACE));
    private static final ScenarioRunner.Budget BUDGET = new ScenarioRunner.Budget(0, 0, ScenarioRunner.Budget.DEFAULT_INSTRUCTIONS,
            Long.MAX_VALUE);
    private static final int SEEDS = 200;

    /**
     * The bound, per seed of the lost-wakeup race (4 x86 vCPUs, 3 programs of about 40 instructions, one data page).
     * What a seed must build: 4 guest pages of 4 KiB (3 of code, 1 of data), the VM (its vCPUs' register files and
     * trap frames, the architecture's per-VM state such as the Hyper-V and Xen tables), the scheduler, and the guest
     * decoded once (each instruction with its text): about 53 KB measured. Each of the two fixed 4096-slot tables a
     * machine had before (a 64 KiB decode cache and a 48 KiB block cache, cleared per seed; 190 KB a seed in all), or
     * tracing every scheduler event into words when nothing reads the trace, would take a seed past it.
     */
    static final long BYTES_PER_SEED = 96 * 1024;

    @Test
    @DisplayName("a seed of the lost-wakeup sweep allocates under 96 KiB once the JIT has settled (190 KB before the caches were sized to the program)")
    void perSeedAllocationIsBounded() throws Exception {
        ScenarioRunner.Prepared prepared = ScenarioRunner.prepare(RACE);
        long[] next = {1};
        Object threads = ManagementFactory.getThreadMXBean();
        // the JDK's per-thread counter, reached by name: forbiddenapis refuses the non-portable type in code
        Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        List<Long> rounds = new ArrayList<>();
        long bytes = Long.MAX_VALUE;
        for (int round = 0; round < 30 && bytes >= BYTES_PER_SEED * SEEDS; round++) {
            long before = (Long) allocated.invoke(threads);
            for (int i = 0; i < SEEDS; i++) {
                ScenarioRunner.firstFailure(RACE, prepared.build(next[0]++), BUDGET);
            }
            long used = (Long) allocated.invoke(threads) - before;
            rounds.add(used);
            bytes = Math.min(bytes, used);
        }
        assertTrue(rounds.get(0) > 0, "the thread allocation counter saw nothing");
        assertTrue(bytes < BYTES_PER_SEED * SEEDS, SEEDS + " seeds of " + RACE.name() + ": bytes per round " + rounds);
        System.out.println("seed sweep: " + bytes / SEEDS + " bytes per seed of " + RACE.name());
    }

    @Test
    @DisplayName("a sweep's seed (machines from the prepared scenario, run untraced) gets the verdict of the ordinary run with --seed: the same first missed expectation, in the same words, for any seed and both interleavings")
    void sweptVerdictIsTheOrdinaryOne() {
        for (Interleave il : Interleave.values()) {
            Scenario s = RACE.withInterleave(il);
            ScenarioRunner.Prepared prepared = ScenarioRunner.prepare(s);
            qt().withExamples(150).forAll(longs().between(0, 1_000_000_000L)).checkAssert(seed -> {
                ScenarioRunner.Check traced = SeedSweep.runOne(s, seed, BUDGET, TraceSink.NONE).checks().stream().filter(c -> !c.passed())
                        .findFirst().orElse(null);
                assertEquals(traced, ScenarioRunner.firstFailure(s, prepared.build(seed), BUDGET), il + " seed " + seed);
            });
        }
    }
}
