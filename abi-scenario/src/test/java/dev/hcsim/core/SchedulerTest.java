package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.sched.RunResult;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The shared deterministic scheduler, driven through the toy architecture. */
class SchedulerTest {
    private static ScenarioRunner.Result run(String vm, String expect) {
        return ScenarioRunner.run(ScenarioReader.parse("{\"vm\": " + vm + ", \"expect\": [" + expect + "]}", "test.json"));
    }

    private static String trace(ScenarioRunner.Result r) {
        StringWriter w = new StringWriter();
        JsonLines.write(r.trace().events(), w);
        return w.toString();
    }

    /** Two vCPUs race to power on vCPU 2; the winner's r0 is 0, the loser's -4. */
    private static String race(long seed) {
        return "{\"arch\": \"toy\", \"vcpus\": 3, \"pcpus\": 2, \"seed\": " + seed + ", \"programs\": ["
                + "{\"name\": \"racer\", \"at\": \"0x100\", \"source\": \"nop; nop; trap; hlt\"},"
                + "{\"name\": \"started\", \"at\": \"0x200\", \"source\": \"inc r3; hlt\"}],"
                + "\"cpus\": [{\"vcpu\": 0, \"registers\": {\"r0\": 4, \"r1\": 2, \"r2\": \"0x200\"}},"
                + "{\"vcpu\": 1, \"registers\": {\"r0\": 4, \"r1\": 2, \"r2\": \"0x200\"}}, {\"vcpu\": 2, \"state\": \"off\"}]}";
    }

    @Test
    @DisplayName("same seed, byte-identical trace; for every seed exactly one racer's CPU_ON succeeds; the winner depends on the seed")
    void seededRace() {
        Set<Long> winners = new HashSet<>();
        qt().withExamples(60).forAll(longs().between(0, 1_000_000)).checkAssert(seed -> {
            ScenarioRunner.Result a = run(race(seed), "");
            ScenarioRunner.Result b = run(race(seed), "");
            assertEquals(trace(a), trace(b));
            var m = a.machines().get("vm0");
            long r0 = m.registers(0).get(0);
            long r1 = m.registers(1).get(0);
            assertEquals(Set.of(0L, -4L), Set.of(r0, r1), "one SUCCESS, one refusal");
            assertEquals(1, m.registers(2).get(3), "the started vCPU ran once");
            assertEquals(0x77, m.registers(2).get(1), "context register written by start");
            winners.add(r0 == 0 ? 0L : 1L);
        });
        assertEquals(2, winners.size(), "over many seeds both racers win sometimes");
    }

    @Test
    @DisplayName("an infinite loop ends with the step budget; the trace so far is kept")
    void infiniteLoop() {
        ScenarioRunner.Result r = run("{\"arch\": \"toy\", \"maxSteps\": 500, \"programs\": [{\"source\": \"l: inc r1; jmp l\"}]}", "");
        assertEquals(RunResult.Reason.STEP_BUDGET, r.runs().get("vm0").reason());
        assertEquals(250, r.machines().get("vm0").registers(0).get(1));
        assertTrue(JsonLines.contains(r.trace(), "step_budget"));
    }

    @Test
    @DisplayName("Machine.stealNanos is the host's scheduling delay (sched_info.run_delay, steal_time.c get_run_delay()): for all seeds and "
            + "quanta, exactly the sum of the waits the trace's run events report for that vCPU")
    void runDelayIsTheTracedWaits() {
        qt().withExamples(30).forAll(longs().between(0, 1_000_000), integers().between(1, 7)).checkAssert((seed, quantum) -> {
            ScenarioRunner.Result r = run("{\"arch\": \"toy\", \"vcpus\": 3, \"pcpus\": 1, \"quantum\": " + quantum + ", \"seed\": " + seed
                    + ", \"programs\": [{\"source\": \"inc r1; inc r1; inc r1; inc r1; inc r1; inc r1; inc r1; inc r1; hlt\"}]}", "");
            var m = r.machines().get("vm0");
            long[] waited = new long[3];
            java.util.regex.Matcher w = java.util.regex.Pattern.compile("\"vcpu\":(\\d+)[^\\n]*\"event\":\"run\"[^\\n]*waited (\\d+) ns")
                    .matcher(trace(r));
            while (w.find()) {
                waited[Integer.parseInt(w.group(1))] += Long.parseLong(w.group(2));
            }
            long total = 0;
            for (int v = 0; v < 3; v++) {
                assertEquals(waited[v], m.stealNanos(v), "vCPU " + v);
                total += waited[v];
            }
            assertTrue(total > 0, "three vCPUs on one physical CPU wait");
        });
    }

    @Test
    @DisplayName("two vCPUs on one physical CPU are preempted after each quantum; the waiting time is steal time")
    void quantum() {
        ScenarioRunner.Result r = run("{\"arch\": \"toy\", \"vcpus\": 2, \"pcpus\": 1, \"quantum\": 10, \"programs\": [{\"source\": "
                + "\"inc r1; inc r1; inc r1; inc r1; inc r1; inc r1; inc r1; inc r1; inc r1; inc r1; inc r1; inc r1; hlt\"}]}", "");
        var m = r.machines().get("vm0");
        assertTrue(JsonLines.contains(r.trace(), "\"event\":\"preempt\""));
        assertEquals(12, m.registers(0).get(1));
        assertEquals(12, m.registers(1).get(1));
        assertTrue(m.stealNanos(0) + m.stealNanos(1) >= 10);
    }

    @Test
    @DisplayName("a kick that arrives before the halt makes the halt return at once (pv_unhalted)")
    void kickBeforeHalt() {
        ScenarioRunner.Result r = run("{\"arch\": \"toy\", \"vcpus\": 2, \"pcpus\": 2, \"seed\": 1, \"programs\": ["
                + "{\"name\": \"kicker\", \"source\": \"trap; hlt\"}, {\"name\": \"sleeper\", \"source\": \"nop; nop; nop; hlt; inc r3; hlt\"}],"
                + "\"cpus\": [{\"vcpu\": 0, \"entry\": \"kicker\", \"registers\": {\"r0\": 1, \"r1\": 1}}, {\"vcpu\": 1, \"entry\": \"sleeper\"}]}",
                "{\"vcpu\": 1, \"register\": \"r3\", \"equals\": 1}, {\"vcpu\": 1, \"state\": \"halted\"}");
        assertTrue(r.passed(), r.checks().toString());
        assertTrue(JsonLines.contains(r.trace(), "halt returns at once"));
    }

    @Test
    @DisplayName("an interrupt wakes a halted vCPU and is counted by vector")
    void interrupt() {
        ScenarioRunner.Result r = run("{\"arch\": \"toy\", \"vcpus\": 2, \"programs\": [{\"name\": \"a\", \"source\": \"nop; nop; nop; trap; hlt\"},"
                + "{\"name\": \"b\", \"source\": \"hlt; inc r3; hlt\"}], \"cpus\": [{\"vcpu\": 0, \"entry\": \"a\", \"registers\": {\"r0\": 2, \"r1\": 1, \"r2\": 236}},"
                + "{\"vcpu\": 1, \"entry\": \"b\"}]}", "{\"vcpu\": 1, \"interrupts\": 236, \"count\": 1}, {\"vcpu\": 1, \"register\": \"r3\", \"equals\": 1}");
        assertTrue(r.passed(), r.checks().toString());
    }

    @Test
    @DisplayName("exit to host: the default host answers KVM_EXIT_HYPERCALL with 0 and the vCPU resumes past the trap")
    void exitToHost() {
        ScenarioRunner.Result r = run("{\"arch\": \"toy\", \"programs\": [{\"source\": \"trap; inc r3; hlt\"}], \"cpus\": [{\"vcpu\": 0, "
                + "\"registers\": {\"r0\": 6, \"r1\": 42}}], \"host\": {\"KVM_EXIT_HYPERCALL\": 99}}",
                "{\"register\": \"r0\", \"equals\": 99}, {\"register\": \"r3\", \"equals\": 1}, {\"trace\": \"reenter\"}");
        assertTrue(r.passed(), r.checks().toString());
    }

    @Test
    @DisplayName("a system event stops every vCPU and ends the run")
    void systemEvent() {
        ScenarioRunner.Result r = run("{\"arch\": \"toy\", \"vcpus\": 3, \"programs\": [{\"source\": \"trap; l: jmp l\"}],"
                + "\"cpus\": [{\"vcpu\": 0, \"registers\": {\"r0\": 7}}]}", "{\"vcpu\": 1, \"state\": \"off\"}, {\"vcpu\": 0, \"state\": \"off\"}");
        assertTrue(r.passed(), r.checks().toString());
        assertEquals(RunResult.Reason.SYSTEM_EVENT, r.runs().get("vm0").reason());
    }

    @Test
    @DisplayName("an undecodable word and a jump outside memory stop the vCPU with the address in the reason")
    void badGuest() {
        ScenarioRunner.Result r = run("{\"arch\": \"toy\", \"vcpus\": 2, \"programs\": [{\"name\": \"a\", \"at\": \"0x100\", \"source\": \"nop; .byte 0xee, 0\"},"
                + "{\"name\": \"b\", \"at\": \"0xff00\", \"source\": \"nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; "
                + "nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; "
                + "nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; "
                + "nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; "
                + "nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop\"}],"
                + "\"cpus\": [{\"vcpu\": 0, \"entry\": \"a\"}, {\"vcpu\": 1, \"entry\": \"b\"}]}",
                "{\"vcpu\": 0, \"stopReason\": \"0x102\"}, {\"vcpu\": 1, \"stopReason\": \"0x10000 is outside guest memory\"}");
        assertTrue(r.passed(), r.checks().toString());
    }

    @Test
    @DisplayName("directed yield hands the physical CPU to the target, not to the head of the run queue")
    void directedYield() {
        int checked = 0;
        for (long seed = 0; seed < 30; seed++) {
            ScenarioRunner.Result r = run("{\"arch\": \"toy\", \"vcpus\": 3, \"pcpus\": 1, \"quantum\": 1000, \"seed\": " + seed
                    + ", \"programs\": [{\"source\": \"trap; hlt\"}], \"cpus\": [{\"vcpu\": 0, \"registers\": {\"r0\": 3, \"r1\": 2}}]}", "");
            var events = r.trace().events().stream().filter(e -> e instanceof dev.hcsim.core.trace.SchedEvent).map(e -> (dev.hcsim.core.trace.SchedEvent) e)
                    .toList();
            if (events.get(0).vcpu() != 0) {
                continue; // vCPU 0 must run first for its yield to find both others waiting
            }
            int y = 0;
            while (!events.get(y).event().equals("yield")) {
                y++;
            }
            int next = y + 1;
            while (!events.get(next).event().equals("run")) {
                next++;
            }
            assertEquals(2, events.get(next).vcpu(), "seed " + seed);
            checked++;
        }
        assertTrue(checked > 0);
    }
}
