package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.trace.SchedEvent;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The core's answers that issue 25's mutation run found unguarded, through public entry points only (Vm.trap,
 * EffectLog, StatusCodec, ScenarioRunner), driven by the toy architecture.
 */
class CoreResultsTest {
    // ---------------------------------------------------------------- StatusCodec

    @Test
    @DisplayName("StatusCodec.encode: a status the family does not document is a programming error, never a silent 0 (success)")
    void undocumentedStatusIsRefused() {
        StatusCodec c = StatusCodec.builder("TEST_E*").code(Status.SUCCESS, 0, "OK").code(Status.NOT_IMPLEMENTED, -1000, "-E_NOSYS").build();
        assertEquals(-1000, c.encode(Status.NOT_IMPLEMENTED));
        assertEquals(0, c.encode(Status.SUCCESS));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.encode(Status.NOT_SUPPORTED));
        assertTrue(e.getMessage().contains("TEST_E*") && e.getMessage().contains("NOT_SUPPORTED"), e.getMessage());
        assertTrue(c.documents(Status.NOT_IMPLEMENTED));
        assertTrue(!c.documents(Status.NOT_SUPPORTED));
    }

    // ---------------------------------------------------------------- EffectLog (the kit's VcpuControl)

    @Test
    @DisplayName("EffectLog: an interrupt wakes a halted vCPU (kvm_vcpu_kick of a blocked vCPU), as a kick does; running and off vCPUs keep their state")
    void effectLogInterruptWakes() {
        EffectLog log = new EffectLog(4);
        log.state(1, VcpuState.HALTED);
        log.state(2, VcpuState.OFF);
        log.interrupt(1, 0xEC);
        assertEquals(VcpuState.RUNNABLE, log.state(1), "the interrupt half of the wake");
        log.interrupt(2, 0xEC);
        assertEquals(VcpuState.OFF, log.state(2), "an interrupt does not power a vCPU on");
        log.interrupt(3, 0xEC);
        assertEquals(VcpuState.RUNNING, log.state(3));
        log.state(0, VcpuState.HALTED);
        log.kick(0);
        assertEquals(VcpuState.RUNNABLE, log.state(0), "the kick half, vCPU 0 included");
        assertEquals(List.of("interrupt vcpu1 vector 0xec", "interrupt vcpu2 vector 0xec", "interrupt vcpu3 vector 0xec", "kick vcpu0"),
                log.drain().stream().map(Object::toString).toList());
    }

    @Test
    @DisplayName("EffectLog: a vCPU index outside the VM is OFF (a kick or interrupt of it is recorded and changes nothing); drain empties the log")
    void effectLogBounds() {
        EffectLog log = new EffectLog(2);
        assertEquals(VcpuState.OFF, log.state(-1));
        assertEquals(VcpuState.OFF, log.state(2));
        assertEquals(VcpuState.RUNNING, log.state(1));
        log.kick(2);
        log.interrupt(-1, 0x20);
        assertEquals(VcpuState.OFF, log.state(2));
        assertEquals(2, log.drain().size());
        assertEquals(List.of(), log.drain(), "drained");
    }

    @Test
    @DisplayName("StatusCodec.name: the family's own name for a documented status (-E_NOSYS), the neutral name for one it does not document")
    void statusNames() {
        StatusCodec c = StatusCodec.builder("TEST_E*").code(Status.SUCCESS, 0, "OK").code(Status.NOT_IMPLEMENTED, -1000, "-E_NOSYS").build();
        assertEquals("-E_NOSYS", c.name(Status.NOT_IMPLEMENTED));
        assertEquals("OK", c.name(Status.SUCCESS));
        assertEquals("NOT_SUPPORTED", c.name(Status.NOT_SUPPORTED));
    }

    // ---------------------------------------------------------------- exits

    private static TrapResult trapToy(Vm vm, RegisterFile r, SparseMemory mem, EffectLog log, long nr, long a0) {
        r.pc(0x100);
        r.set(0, nr);
        r.set(1, a0);
        return vm.trap(0, r, mem, log);
    }

    @Test
    @DisplayName("Trap.exitToHost: each exit is its own value: a later exit neither shows nor changes the arguments of an earlier one")
    void exitArgumentsDoNotLeak() {
        Vm vm = Vm.create(VmConfig.builder("toy").vcpus(1).build());
        SparseMemory mem = new SparseMemory(List.of(new MemoryRegion(0, 0x1000)));
        mem.write(0x100, new byte[] {1, 0}, 0, 2); // trap
        RegisterFile r = new RegisterFile(ToyArchitecture.LAYOUT);
        EffectLog log = new EffectLog(1);
        TrapResult first = trapToy(vm, r, mem, log, 6, 42); // TOY_EXIT: one argument
        assertEquals(Outcome.EXIT_TO_HOST, first.outcome());
        Exit kept = first.exit();
        assertEquals(new Exit.Hypercall(6, new long[] {42, 0, 0, 0, 0, 0}, 0, 0), kept);
        vm.completeExit(0, r, mem, 0);
        TrapResult second = trapToy(vm, r, mem, log, 7, 99); // TOY_SYSTEM_OFF: no argument
        assertEquals(Outcome.EXIT_TO_HOST, second.outcome());
        assertEquals(new Exit.SystemEvent(SystemEventType.SHUTDOWN), second.exit());
        assertEquals(new Exit.Hypercall(6, new long[] {42, 0, 0, 0, 0, 0}, 0, 0), kept, "the earlier exit is unchanged");
    }

    // ---------------------------------------------------------------- the scheduler

    private static ScenarioRunner.Result run(String vm) {
        return ScenarioRunner.run(ScenarioReader.parse("{\"vm\": " + vm + ", \"expect\": []}", "test.json"));
    }

    private static List<SchedEvent> sched(ScenarioRunner.Result r) {
        return r.trace().events().stream().filter(e -> e instanceof SchedEvent).map(e -> (SchedEvent) e).toList();
    }

    @Test
    @DisplayName("a time slice is exactly the quantum: on one physical CPU each vCPU is preempted after 'quantum' ns of instructions, not one earlier or later")
    void timeSliceLength() {
        ScenarioRunner.Result r = run("{\"arch\": \"toy\", \"vcpus\": 2, \"pcpus\": 1, \"quantum\": 10, \"programs\": [{\"source\": "
                + "\"l: inc r1; jmp l\"}], \"maxSteps\": 200}");
        // one instruction takes 1 ns here, so the preemptions of the two vCPUs that take turns are 'quantum' apart
        List<Long> preempts = sched(r).stream().filter(e -> e.event().equals("preempt")).map(SchedEvent::time).toList();
        int checked = 0;
        for (int i = 1; i < preempts.size(); i++) {
            assertEquals(10, preempts.get(i) - preempts.get(i - 1), "slice ending at " + preempts.get(i) + ": " + preempts);
            checked++;
        }
        assertTrue(checked >= 3, "several slices seen: " + checked);
    }

    @Test
    @DisplayName("a kick of a vCPU that is running and then halts: its halt returns at once (the pending wake, kvm_vcpu_has_events)")
    void kickOfRunningVcpuThenHalt() {
        ScenarioRunner.Result r = ScenarioRunner.run(ScenarioReader.parse("{\"vm\": {\"arch\": \"toy\", \"vcpus\": 2, \"pcpus\": 2, \"seed\": 1, "
                + "\"programs\": [{\"name\": \"kicker\", \"source\": \"trap; hlt\"}, {\"name\": \"busy\", \"source\": "
                + "\"nop; nop; nop; nop; nop; nop; hlt; inc r3; hlt\"}], \"cpus\": [{\"vcpu\": 0, \"entry\": \"kicker\", \"registers\": "
                + "{\"r0\": 1, \"r1\": 1}}, {\"vcpu\": 1, \"entry\": \"busy\"}]}, \"expect\": [{\"vcpu\": 1, \"register\": \"r3\", \"equals\": 1}]}",
                "t.json"));
        assertTrue(r.passed(), r.checks().toString());
    }

    @Test
    @DisplayName("an interrupt sent to a vCPU that is running and then halts: the halt returns at once (the interrupt is pending)")
    void interruptOfRunningVcpuThenHalt() {
        ScenarioRunner.Result r = ScenarioRunner.run(ScenarioReader.parse("{\"vm\": {\"arch\": \"toy\", \"vcpus\": 2, \"pcpus\": 2, \"seed\": 1, "
                + "\"programs\": [{\"name\": \"sender\", \"source\": \"trap; hlt\"}, {\"name\": \"busy\", \"source\": "
                + "\"nop; nop; nop; nop; nop; nop; hlt; inc r3; hlt\"}], \"cpus\": [{\"vcpu\": 0, \"entry\": \"sender\", \"registers\": "
                + "{\"r0\": 2, \"r1\": 1, \"r2\": 236}}, {\"vcpu\": 1, \"entry\": \"busy\"}]}, \"expect\": [{\"vcpu\": 1, \"register\": \"r3\", "
                + "\"equals\": 1}, {\"vcpu\": 1, \"interrupts\": 236, \"count\": 1}]}", "t.json"));
        assertTrue(r.passed(), r.checks().toString());
    }

    @Test
    @DisplayName("after an undirected yield the yielding vCPU goes to the back of the run queue: every vCPU waiting then runs before it runs again")
    void runOrderAfterYield() {
        int checked = 0;
        for (long seed = 0; seed < 12; seed++) {
            // three vCPUs on one physical CPU; vCPU 0 yields (no target) with its first instruction, the others halt at once
            ScenarioRunner.Result r = run("{\"arch\": \"toy\", \"vcpus\": 3, \"pcpus\": 1, \"quantum\": 1000, \"seed\": " + seed
                    + ", \"programs\": [{\"source\": \"trap; hlt\"}], \"cpus\": [{\"vcpu\": 0, \"registers\": {\"r0\": 3, \"r1\": -1}},"
                    + "{\"vcpu\": 1, \"registers\": {\"r0\": 8}}, {\"vcpu\": 2, \"registers\": {\"r0\": 8}}]}");
            List<SchedEvent> ev = sched(r);
            java.util.Set<Integer> ranBefore = new java.util.HashSet<>();
            int y = 0;
            while (!(ev.get(y).event().equals("yield") && ev.get(y).vcpu() == 0)) {
                if (ev.get(y).event().equals("run")) {
                    ranBefore.add(ev.get(y).vcpu());
                }
                y++;
            }
            java.util.Set<Integer> waiting = new java.util.HashSet<>(List.of(1, 2));
            waiting.removeAll(ranBefore);
            if (waiting.isEmpty()) {
                continue; // vCPU 0 ran last: nobody to yield to
            }
            java.util.Set<Integer> ranAfter = new java.util.HashSet<>();
            for (SchedEvent e : ev.subList(y + 1, ev.size())) {
                if (e.vcpu() == 0) {
                    break; // vCPU 0's next event (run again, or its hlt): the others must have run by now
                }
                if (e.event().equals("run")) {
                    ranAfter.add(e.vcpu());
                }
            }
            assertTrue(ranAfter.containsAll(waiting), "seed " + seed + ": waiting " + waiting + " ran after the yield, before vCPU 0 went on: " + ranAfter);
            checked++;
        }
        assertTrue(checked >= 2, "seeds where vCPU 0 yielded with others waiting: " + checked);
    }
}
