package dev.hcsim.core;

import static dev.hcsim.core.CoreSchedulerRulesTest.MAX;
import static dev.hcsim.core.CoreSchedulerRulesTest.cfg;
import static dev.hcsim.core.CoreSchedulerRulesTest.record;
import static dev.hcsim.core.CoreSchedulerRulesTest.toy;
import static dev.hcsim.core.CoreSchedulerRulesTest.vcpusOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import dev.hcsim.core.testing.AllocationRounds;
import dev.hcsim.core.trace.SchedEvent;
import dev.hcsim.core.trace.TraceEvent;
import dev.hcsim.core.trace.TrapEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's trace, event by event, for small runs worked out by hand from the rules in {@link Machine}'s class
 * comment (one instruction a step, one nanosecond a step, a quantum of instructions, halts leave the physical CPU until
 * a kick or interrupt); and the scheduler's corner cases that only a whole trace shows.
 */
class CoreSchedulerTraceTest {
    private static SchedEvent ev(long time, int vcpu, String event, Integer pcpu, Integer target, String detail) {
        return new SchedEvent(time, "vm", vcpu, event, pcpu, target, detail);
    }

    /** The first seed from 0 whose initial run queue puts {@code first} at its head (one physical CPU). */
    private static long seedWithFirst(int vcpus, int first) {
        for (long seed = 0; ; seed++) {
            Machine m = toy(cfg(vcpus, 1).seed(seed).build(), false, "hlt");
            List<SchedEvent> ev = record(m);
            m.run(1, MAX);
            if (ev.get(0).vcpu() == first) {
                return seed;
            }
        }
    }

    /** The first seed from 0 whose initial run queue is {@code order} (one physical CPU, every vCPU halting at once). */
    private static long seedWithOrder(List<Integer> order) {
        for (long seed = 0; ; seed++) {
            Machine m = toy(cfg(order.size(), 1).seed(seed).build(), false, "hlt");
            List<SchedEvent> ev = record(m);
            m.run(100, MAX);
            if (vcpusOf(ev, "run").equals(order)) {
                return seed;
            }
        }
    }

    @Test
    @DisplayName("trace of a kick to a runnable vCPU, a preemption after the quantum and a halt that returns at once (pv_unhalted, "
            + "kvm_vcpu_has_events), worked out by hand, with either engine")
    void kickPreemptWakeTrace() {
        long seed = seedWithFirst(2, 0);
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = toy(cfg(2, 1).quantum(3).seed(seed).build(), translate, "trap; nop; nop; nop; hlt", "hlt; inc r3; hlt");
            m.registers(0).set(0, 1);
            m.registers(0).set(1, 1);
            List<SchedEvent> ev = record(m);
            assertEquals(new RunResult(RunResult.Reason.IDLE, 8, 8, 8), m.run(100, MAX));
            assertEquals(List.of(
                    ev(0, 0, "run", 0, null, null),
                    ev(0, 0, "kick", null, 1, "not halted: its next halt returns at once"),
                    ev(2, 0, "preempt", 0, null, "quantum of 3 used"),
                    ev(3, 1, "run", 0, null, "waited 3 ns"),
                    ev(3, 1, "wake", 0, null, "halt returns at once: a kick or interrupt was pending"),
                    ev(5, 1, "halt", 0, null, "wait for interrupt"),
                    ev(6, 0, "run", 0, null, "waited 4 ns"),
                    ev(7, 0, "halt", 0, null, "wait for interrupt"),
                    ev(8, -1, "end", null, null, "idle")), ev, "translate " + translate);
            assertEquals(3, m.stealNanos(1));
            assertEquals(4, m.stealNanos(0));
            assertEquals(9, m.events());
        }
    }

    @Test
    @DisplayName("trace of an interrupt that wakes a halted vCPU (kvm_vcpu_kick of a blocked vCPU), named by the architecture, and the woken "
            + "vCPU's wait, worked out by hand")
    void interruptWakeTrace() {
        Machine m = toy(cfg(2, 1).build(), false, "trap; hlt", "inc r3; hlt");
        m.initialState(1, VcpuState.HALTED);
        m.registers(0).set(0, 2);
        m.registers(0).set(1, 1);
        m.registers(0).set(2, 0x20);
        List<SchedEvent> ev = record(m);
        m.run(100, MAX);
        assertEquals(List.of(
                ev(0, 0, "run", 0, null, null),
                ev(0, 0, "interrupt", null, 1, "vector 0x20"),
                ev(1, 0, "halt", 0, null, "wait for interrupt"),
                ev(2, 1, "run", 0, null, "waited 2 ns"),
                ev(3, 1, "halt", 0, null, "wait for interrupt"),
                ev(4, -1, "end", null, null, "idle")), ev);
    }

    @Test
    @DisplayName("trace of CPU_ON, a kick that wakes a halted vCPU, power-off and a system event: the calling vCPU is the actor, the target the "
            + "target; an embedder's own call has the target as actor")
    void actorsAndTargets() {
        Machine m = toy(cfg(3, 1).build(), false, "trap; hlt", "inc r3; hlt", "trap; inc r3; hlt");
        m.initialState(1, VcpuState.OFF);
        m.initialState(2, VcpuState.HALTED);
        m.registers(0).set(0, 4);
        m.registers(0).set(1, 1);
        m.registers(0).set(2, 0x2000);
        m.registers(2).set(0, 7);
        List<SchedEvent> ev = record(m);
        m.run(100, MAX);
        m.kick(2);
        assertEquals(List.of(
                ev(0, 0, "run", 0, null, null),
                ev(0, 0, "start", null, 1, "entry 0x2000, context 0x77"),
                ev(1, 0, "halt", 0, null, "wait for interrupt"),
                ev(2, 1, "run", 0, null, "waited 2 ns"),
                ev(3, 1, "halt", 0, null, "wait for interrupt"),
                ev(4, -1, "end", null, null, "idle"),
                ev(4, 2, "kick", null, 2, "wakes from halt")), ev);
        ev.clear();
        m.run(100, MAX);
        assertEquals(List.of(
                ev(4, 2, "run", 0, null, null),
                ev(4, 2, "exit", 0, null, new Exit.SystemEvent(SystemEventType.SHUTDOWN).toString()),
                ev(4, 2, "system", null, null, "KVM_SYSTEM_EVENT_SHUTDOWN"),
                ev(5, -1, "end", null, null, "system_event")), ev);
    }

    @Test
    @DisplayName("an embedder's own start and stop (Machine.start/stop outside any trap) name the target vCPU as the actor, as its "
            + "kick does (no vCPU's trap is running)")
    void embedderStartAndStopActor() {
        Machine m = toy(cfg(2, 1).build(), false, "hlt", "hlt");
        m.initialState(1, VcpuState.OFF);
        m.run(100, MAX);
        List<SchedEvent> ev = record(m);
        assertTrue(m.start(1, 0x2000, -1, 0));
        m.stop(1);
        assertEquals(List.of(
                ev(1, 1, "start", null, 1, "entry 0x2000, context 0x0"),
                ev(1, 1, "off", null, 1, null)), ev);
    }

    @Test
    @DisplayName("the physical CPUs take turns going first within a step: over seeds, the racer on either physical CPU wins the race for CPU_ON")
    void physicalCpusTakeTurns() {
        Set<Integer> winningPcpus = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            Machine m = toy(cfg(3, 2).seed(seed).build(), false, "trap; hlt", "trap; hlt", "hlt");
            m.initialState(2, VcpuState.OFF);
            for (int v = 0; v < 2; v++) {
                m.registers(v).set(0, 4);
                m.registers(v).set(1, 2);
                m.registers(v).set(2, 0x3000);
            }
            List<SchedEvent> ev = record(m);
            m.run(100, MAX);
            int winner = m.registers(0).get(0) == 0 ? 0 : 1;
            assertEquals(-4, m.registers(1 - winner).get(0), "one CPU_ON succeeds, the other finds the vCPU on");
            SchedEvent ran = ev.stream().filter(e -> e.event().equals("run") && e.vcpu() == winner).findFirst().orElseThrow();
            winningPcpus.add(ran.pcpu());
        }
        assertEquals(Set.of(0, 1), winningPcpus);
    }

    @Test
    @DisplayName("a vCPU that halts with the last instruction of its quantum stays halted (no preemption puts it back in the run queue)")
    void haltAtTheEndOfTheQuantum() {
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = toy(cfg(2, 1).quantum(1).build(), translate, "inc r3; hlt");
            List<SchedEvent> ev = record(m);
            assertEquals(RunResult.Reason.IDLE, m.run(100, MAX).reason());
            for (int v = 0; v < 2; v++) {
                assertEquals(VcpuState.HALTED, m.stateOf(v));
                assertEquals(2, m.instructions(v), "translate " + translate + ": " + ev);
                assertEquals(1, m.registers(v).get(3));
            }
        }
    }

    @Test
    @DisplayName("a directed yield to vCPU 0 hands it the physical CPU (vCPU 0 is a target like any other)")
    void directedYieldToVcpuZero() {
        long seed = seedWithOrder(List.of(1, 2, 0)); // vCPU 0 waits behind vCPU 2 when vCPU 1 yields to it
        Machine m = toy(cfg(3, 1).seed(seed).build(), false, "hlt", "trap; hlt", "hlt");
        m.registers(1).set(0, 3);
        m.registers(1).set(1, 0);
        List<SchedEvent> ev = record(m);
        m.run(100, MAX);
        assertEquals(List.of(1, 0, 2, 1), vcpusOf(ev, "run"), ev.toString());
    }

    @Test
    @DisplayName("a kick and an interrupt reach vCPU 0 and the last vCPU; an index equal to the vCPU count is outside the VM and ignored")
    void kickBoundaries() {
        for (int nr = 1; nr <= 2; nr++) {
            for (int target : new int[] {0, 2, 3}) {
                Machine m = toy(cfg(3, 1).build(), false, "inc r3; hlt; inc r3; hlt", "trap; hlt", "inc r3; hlt; inc r3; hlt");
                m.initialState(0, VcpuState.HALTED);
                m.initialState(2, VcpuState.HALTED);
                m.registers(0).pc(0x1004);
                m.registers(2).pc(0x3004);
                m.registers(1).set(0, nr);
                m.registers(1).set(1, target);
                m.registers(1).set(2, 0x21);
                m.run(100, MAX);
                for (int v : new int[] {0, 2}) {
                    assertEquals(v == target ? 1 : 0, m.registers(v).get(3), "call " + nr + " to " + target + ": vCPU " + v);
                }
            }
        }
    }

    @Test
    @DisplayName("an instruction fetch outside memory at a vCPU's first instruction: one step, no instruction, with either engine")
    void fetchFaultAtTheFirstInstruction() {
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = toy(cfg(1, 1).build(), translate, "hlt");
            m.registers(0).pc(0x10000);
            assertEquals(new RunResult(RunResult.Reason.IDLE, 1, 1, 0), m.run(100, MAX), "translate " + translate);
            assertEquals(VcpuState.STOPPED, m.stateOf(0));
            assertEquals(0, m.instructions(0));
        }
    }

    @Test
    @DisplayName("a wall-clock deadline that passes during a run ends it at a step that is a multiple of 4096 (where the deadline is checked), "
            + "with either engine")
    void wallClockIsCheckedEvery4096Steps() {
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = toy(cfg(1, 1).build(), translate, "l: inc r1; jmp l");
            RunResult r = m.run(2_000_000_000L, MAX, MAX, System.nanoTime() + 20_000_000L);
            assertEquals(RunResult.Reason.WALL_CLOCK, r.reason());
            assertEquals(0, r.steps() % 4096, r.toString());
            assertTrue(r.steps() > 0);
        }
    }

    @Test
    @DisplayName("tracing: traps are traced with the scheduler's events while a sink listens, nothing after traceTo(null), and the trace does not change the run")
    void traceOnAndOff() {
        String program = "trap; inc r3; trap; inc r3; hlt";
        Machine m = toy(cfg(1, 1).build(), false, program);
        m.registers(0).set(0, 1);
        m.registers(0).set(1, 5);
        List<TraceEvent> all = new ArrayList<>();
        m.traceTo(all::add);
        m.run(2, MAX);
        assertTrue(all.stream().anyMatch(e -> e instanceof TrapEvent), all.toString());
        int seen = all.size();
        m.traceTo(null);
        RunResult r = m.run(100, MAX);
        assertEquals(seen, all.size(), "nothing traced after traceTo(null): " + all);
        Machine quiet = toy(cfg(1, 1).build(), false, program);
        quiet.registers(0).set(0, 1);
        quiet.registers(0).set(1, 5);
        assertEquals(r, quiet.run(100, MAX));
        assertEquals(quiet.registers(0), m.registers(0));
        assertEquals(-1000, m.registers(0).get(0), "the second trap's number is the first's result 0: -KVM_ENOSYS");
    }

    @Test
    @DisplayName("host(null) puts back the default host, which re-enters after KVM_EXIT_HYPERCALL with the preset ret (0)")
    void nullHostIsTheDefault() {
        Machine m = toy(cfg(1, 1).build(), false, "trap; inc r3; hlt");
        m.host((v, r) -> 55);
        m.host(null);
        m.registers(0).set(0, 6);
        m.run(100, MAX);
        assertEquals(0, m.registers(0).get(0));
        assertEquals(1, m.registers(0).get(3));
    }

    @Test
    @DisplayName("the system property hcsim.engine=interpret makes new machines interpret; anything else translates")
    void engineProperty() {
        String before = System.getProperty(Machine.ENGINE_PROPERTY);
        try {
            System.setProperty(Machine.ENGINE_PROPERTY, "interpret");
            assertEquals(false, new Machine(VmConfig.builder("toy").build(), "a").translating());
            System.setProperty(Machine.ENGINE_PROPERTY, "translate");
            assertEquals(true, new Machine(VmConfig.builder("toy").build(), "b").translating());
        } finally {
            if (before == null) {
                System.clearProperty(Machine.ENGINE_PROPERTY);
            } else {
                System.setProperty(Machine.ENGINE_PROPERTY, before);
            }
        }
    }

    @Test
    @DisplayName("an untraced run builds no trace record: 20000 steps of preemptions, kicks and halts allocate (next to) nothing (ThreadMXBean)")
    void untracedRunAllocatesNoTraceRecords() throws Exception {
        // two vCPUs on one physical CPU with a quantum of 1: a preemption and a run every step, and a kick and a halt every loop
        // (the call's result goes to r3, so the number in r0 stays the kick's)
        TrapContract resultInR3 = TrapContract.builder(ProbeArchitecture.LAYOUT).number("r0", 64).arguments("r1").results("r3").build();
        ProbeArchitecture arch = new ProbeArchitecture(resultInR3, KvmErrno.CODEC, List.of(dev.hcsim.core.spi.HypercallSpec.builder(1, "KICK", t -> {
            t.control().kick((int) t.arg(0));
            t.ok(0);
        }).build()), ProbeArchitecture.DISPATCH);
        Machine m = new Machine(arch.vm(VmConfig.builder("probe").vcpus(2).quantum(1).build()), "vm");
        CoreSchedulerRulesTest.load(m, 2, "l: trap; hlt; jmp l");
        m.translate(false);
        for (int v = 0; v < 2; v++) {
            m.registers(v).set(0, 1);
            m.registers(v).set(1, 1 - v);
        }
        long[] events = {0};
        AllocationRounds.assertSettlesBelow(4096, "20000 untraced steps", () -> {
            long e0 = m.events();
            m.run(20_000, MAX);
            events[0] = m.events() - e0;
        });
        assertTrue(events[0] > 10_000, "events in the measured run: " + events[0]);
    }
}
