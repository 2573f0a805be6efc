package dev.hcsim.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The shared allocation check still catches a path that allocates per run, and forgives only a settling JIT. */
class AllocationRoundsTest {
    private static final int CHUNK = 8192;
    private static final long BOUND = 1024;

    /** Where the rounds put what they allocate: a static field, so that no escape analysis can remove it. */
    @SuppressWarnings("unused")
    private static volatile Object sink;

    @Test
    @DisplayName("a round that allocates on every run fails after MAX_ROUNDS runs, the message listing every run's bytes")
    void allocatingEveryRoundFails() {
        int[] runs = {0};
        AssertionError e = assertThrows(AssertionError.class, () -> AllocationRounds.assertSettlesBelow(BOUND, "8 KiB a round", () -> {
            runs[0]++;
            sink = new byte[CHUNK];
        }));
        assertEquals(AllocationRounds.MAX_ROUNDS, runs[0]);
        String message = e.getMessage();
        assertTrue(message.startsWith("8 KiB a round: no round of " + AllocationRounds.MAX_ROUNDS + " allocated fewer than 1024 bytes"), message);
        String list = message.substring(message.indexOf('[') + 1, message.indexOf(']'));
        long[] perRound = Arrays.stream(list.split(", ")).mapToLong(Long::parseLong).toArray();
        assertEquals(AllocationRounds.MAX_ROUNDS, perRound.length, message);
        for (long bytes : perRound) {
            assertTrue(bytes >= CHUNK, message);
        }
    }

    @Test
    @DisplayName("a round that allocates only in its first 5 runs passes at run 6 and runs no further")
    void allocatingOnlyWhileSettlingPasses() throws Exception {
        int[] runs = {0};
        long bytes = AllocationRounds.assertSettlesBelow(BOUND, "settling", () -> {
            if (++runs[0] <= 5) {
                sink = new byte[CHUNK];
            }
        });
        assertEquals(6, runs[0]);
        assertTrue(bytes < BOUND, bytes + " bytes");
    }

    @Test
    @DisplayName("the bound is exclusive, and a round limit of 3 gives up after 3 runs (counter given: exact byte counts)")
    void boundIsExclusive() {
        long[] counter = {0};
        int[] runs = {0};
        AssertionError e = assertThrows(AssertionError.class, () -> AllocationRounds.assertSettlesBelow(100, 3, "exactly 100", () -> {
            runs[0]++;
            counter[0] += 100;
        }, () -> counter[0]));
        assertEquals(3, runs[0]);
        assertTrue(e.getMessage().endsWith("bytes per round: [100, 100, 100]"), e.getMessage());
    }

    @Test
    @DisplayName("the thread counter sees an allocation of the current thread")
    void counterSeesAllocation() throws Exception {
        var counter = AllocationRounds.threadAllocatedBytes();
        long before = counter.getAsLong();
        sink = new byte[CHUNK];
        assertTrue(counter.getAsLong() - before >= CHUNK);
    }
}
