package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.Interleave;
import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.testing.AllocationRounds;
import dev.hcsim.core.trace.TraceSink;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What one seed of a seed sweep ({@code hcsim run FILE --seeds A..B}, abi-cli's {@code SeedSweep}) costs, on the
 * bundled x86 lost-wakeup race (issue 18 item 4): the sweep's threads share the heap, so every byte a seed allocates is
 * collection work that stops them all. A seed of the sweep is {@link ScenarioRunner.Prepared#build} and
 * {@link ScenarioRunner#firstFailure}, as here. Counted per thread with ThreadMXBean ({@link AllocationRounds}), never
 * timed. (Here and not in abi-cli: abi-core's test jar, which has the counter, also registers a test architecture
 * that abi-cli's generated-docs tests must not see.)
 */
class X86SeedSweepAllocationTest {
    private static final Scenario RACE = ScenarioReader.read(Path.of("../examples/x86-pv-spinlock-lost-wakeup.json"));
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
        long bytes = AllocationRounds.assertSettlesBelow(BYTES_PER_SEED * SEEDS, SEEDS + " seeds of " + RACE.name(), () -> {
            for (int i = 0; i < SEEDS; i++) {
                ScenarioRunner.firstFailure(RACE, prepared.build(next[0]++), BUDGET);
            }
        });
        System.out.println("seed sweep: " + bytes / SEEDS + " bytes per seed of " + RACE.name());
    }

    @Test
    @DisplayName("a sweep's seed (machines from the prepared scenario, run untraced) gets the verdict of the ordinary run with --seed: the same first missed expectation, in the same words, for any seed and both interleavings")
    void sweptVerdictIsTheOrdinaryOne() {
        for (Interleave il : Interleave.values()) {
            Scenario s = RACE.withInterleave(il);
            ScenarioRunner.Prepared prepared = ScenarioRunner.prepare(s);
            qt().withExamples(150).forAll(longs().between(0, 1_000_000_000L)).checkAssert(seed -> {
                Scenario seeded = s.withSeed(seed);
                ScenarioRunner.Check traced = ScenarioRunner.run(seeded, ScenarioRunner.build(seeded), BUDGET, 0, TraceSink.NONE).checks()
                        .stream().filter(c -> !c.passed()).findFirst().orElse(null);
                assertEquals(traced, ScenarioRunner.firstFailure(s, prepared.build(seed), BUDGET), il + " seed " + seed);
            });
        }
    }
}
