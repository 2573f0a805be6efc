package dev.hcsim.selftests;

import dev.hcsim.selftests.StealTimeRun.Ucall;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * steal_time.c main()'s three assertions, the same for every architecture part (read at commit 15a9a2ba): each
 * port supplies its run of main()'s loop body and where its guest passes the steal it read.
 */
abstract class StealTimeMainAssertions {
    /** main()'s loop body for vCPU i: the ucalls SYNC(0), SYNC(1), DONE. */
    abstract Ucall[] ucalls(int i);

    /** The index in the SYNC(1) and DONE ucalls' args of the steal the guest read. */
    abstract int stealArg();

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c main: TEST_ASSERT(stolen_time <= run_delay, 'Expected stolen time <= %ld, got %ld')")
    void stolenAtMostRunDelay(int i) {
        StealTimeRun.assertStolenAtMostRunDelay(ucalls(i), stealArg());
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c main: TEST_ASSERT(run_delay >= MIN_RUN_DELAY_NS, 'Expected run_delay >= %ld, got %ld')")
    void stealPhaseDelays(int i) {
        StealTimeRun.assertStealPhaseDelays(ucalls(i));
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c main: TEST_ASSERT(stolen_time >= run_delay, 'Expected stolen time >= %ld, got %ld')")
    void stolenCoversRunDelay(int i) {
        StealTimeRun.assertStolenCoversRunDelay(ucalls(i), stealArg());
    }
}
