package dev.hcsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import dev.hcsim.core.testing.AllocationRounds;
import dev.hcsim.core.trace.SchedEvent;
import dev.hcsim.core.trace.Trace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the benchmarks rely on, checked as behaviour (no timing here: speed is measured by the JMH
 * benchmarks only): the untraced scheduler allocates nothing per event, its event counter counts
 * exactly the trace's scheduler lines, and tracing does not change what runs.
 */
class SchedulerHotPathTest {
    @Test
    @DisplayName("an untraced run of the 1024-vCPU IPI storm allocates nothing per scheduler event (ThreadMXBean)")
    void untracedSchedulerAllocatesNothing() throws Exception {
        Machine m = SchedulerBenchmark.ipiStorm();
        long[] events = {0};
        AllocationRounds.assertSettlesBelow(8192, "a run of 200000 ticks", () -> {
            long eventsBefore = m.events();
            RunResult r = m.run(200_000, Long.MAX_VALUE);
            events[0] = m.events() - eventsBefore;
            assertEquals(RunResult.Reason.STEP_BUDGET, r.reason());
        });
        assertTrue(events[0] > 100_000, "the storm made only " + events[0] + " scheduler events");
    }

    @Test
    @DisplayName("events() counts the trace's scheduler lines, and a traced run ends as an untraced one (kick ring, 64 vCPUs)")
    void eventCounterMatchesTraceKickRing() {
        assertTracingChangesNothing(SchedulerBenchmark.kickRing(64), SchedulerBenchmark.kickRing(64), 5_000);
    }

    @Test
    @DisplayName("events() counts the trace's scheduler lines, and a traced run ends as an untraced one (IPI storm, 1024 vCPUs)")
    void eventCounterMatchesTraceIpiStorm() {
        assertTracingChangesNothing(SchedulerBenchmark.ipiStorm(), SchedulerBenchmark.ipiStorm(), 2_000);
    }

    @Test
    @DisplayName("a run that does no tick, then a real run: every vCPU is queued once and runs (the run queue keeps no duplicates)")
    void emptyRunThenRun() {
        Machine m = SchedulerBenchmark.kickRing(64);
        assertEquals(RunResult.Reason.STEP_BUDGET, m.run(0, Long.MAX_VALUE).reason());
        assertEquals(RunResult.Reason.STEP_BUDGET, m.run(5_000, Long.MAX_VALUE).reason());
        for (int v = 0; v < 64; v++) {
            assertTrue(m.instructions(v) > 0, "vCPU " + v + " never ran");
        }
    }

    private static void assertTracingChangesNothing(Machine traced, Machine untraced, long ticks) {
        Trace trace = new Trace();
        traced.traceTo(trace);
        RunResult a = traced.run(ticks, Long.MAX_VALUE);
        RunResult b = untraced.run(ticks, Long.MAX_VALUE);
        long schedLines = trace.events().stream().filter(e -> e instanceof SchedEvent).count();
        assertTrue(schedLines > ticks / 10, "only " + schedLines + " scheduler events");
        assertEquals(schedLines, traced.events());
        assertEquals(traced.events(), untraced.events());
        assertEquals(a, b);
        for (int v = 0; v < traced.vm().vcpuCount(); v++) {
            assertEquals(traced.registers(v), untraced.registers(v), "vCPU " + v);
            assertEquals(traced.stateOf(v), untraced.stateOf(v), "vCPU " + v);
            assertEquals(traced.interrupts(v), untraced.interrupts(v), "vCPU " + v);
        }
    }
}
