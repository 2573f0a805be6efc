package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.trace.SchedEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The rules of the deterministic scheduler ({@code sched.Machine}, its {@code Scheduler} and {@code Stepper}) as
 * {@link Machine}'s class comment states them, through the machine's public surface and its trace: the seeded initial
 * run queue, the quantum, the budgets, timers, halts, kicks, interrupts, yields and stops. Where the rule is the
 * kernel's (a kick's pending wake, a halted vCPU woken by an interrupt), the test names the kernel function. Each rule
 * is checked with the translating engine (a block per scheduler step on one physical CPU) and the interpreter.
 */
class CoreSchedulerRulesTest {
    static final long MAX = Long.MAX_VALUE;

    /** A toy machine; vCPU v runs programs[min(v, last)], loaded at 0x1000 * (v + 1). */
    static Machine toy(VmConfig config, boolean translate, String... programs) {
        Machine m = new Machine(config, "vm");
        load(m, config.vcpus(), programs);
        m.translate(translate);
        return m;
    }

    static void load(Machine m, int vcpus, String... programs) {
        for (int v = 0; v < vcpus; v++) {
            long at = 0x1000L * (v + 1);
            m.load(at, m.vm().assemble(programs[Math.min(v, programs.length - 1)], at).bytes());
            m.registers(v).pc(at);
        }
    }

    static VmConfig.Builder cfg(int vcpus, int pcpus) {
        return VmConfig.builder("toy").vcpus(vcpus).pcpus(pcpus);
    }

    static List<SchedEvent> record(Machine m) {
        List<SchedEvent> ev = new ArrayList<>();
        m.traceTo(e -> {
            if (e instanceof SchedEvent s) {
                ev.add(s);
            }
        });
        return ev;
    }

    static List<Integer> vcpusOf(List<SchedEvent> ev, String event) {
        return ev.stream().filter(e -> e.event().equals(event)).map(SchedEvent::vcpu).toList();
    }

    // ---------------------------------------------------------------- the run queue and the quantum

    @Test
    @DisplayName("the initial run queue is a seeded shuffle of the runnable vCPUs: each runs once before any runs twice, halted and off ones "
            + "do not run, the same seed gives the same order, and over seeds every order occurs")
    void initialRunQueueIsASeededPermutation() {
        Set<List<Integer>> orders = new HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            List<Integer> first = null;
            for (int again = 0; again < 2; again++) {
                Machine m = toy(cfg(5, 1).quantum(1000).seed(seed).build(), again == 0, "hlt");
                m.initialState(3, VcpuState.HALTED);
                m.initialState(4, VcpuState.OFF);
                List<SchedEvent> ev = record(m);
                assertEquals(RunResult.Reason.IDLE, m.run(1000, MAX).reason());
                List<Integer> ran = vcpusOf(ev, "run");
                assertEquals(Set.of(0, 1, 2), Set.copyOf(ran), "seed " + seed);
                assertEquals(3, ran.size(), "seed " + seed);
                if (first == null) {
                    first = ran;
                } else {
                    assertEquals(first, ran, "the same seed, the same order (seed " + seed + ")");
                }
                assertEquals(VcpuState.OFF, m.stateOf(4));
                assertEquals(VcpuState.HALTED, m.stateOf(3));
                assertEquals(0, m.instructions(3));
            }
            orders.add(first);
        }
        assertEquals(6, orders.size(), "all 3! orders of three runnable vCPUs occur: " + orders);
    }

    @Test
    @DisplayName("a time slice is exactly the quantum on one and on two physical CPUs: a vCPU is preempted after 'quantum' instructions, "
            + "counted from the step it was put on its physical CPU")
    void timeSliceIsTheQuantum() {
        for (int pcpus = 1; pcpus <= 2; pcpus++) {
            for (int quantum : new int[] {1, 2, 5, 7}) {
                for (boolean translate : new boolean[] {true, false}) {
                    Machine m = toy(cfg(3, pcpus).quantum(quantum).seed(quantum).build(), translate, "l: inc r1; jmp l");
                    List<SchedEvent> ev = record(m);
                    m.run(200, MAX);
                    long[] ranAt = {-1, -1, -1};
                    int slices = 0;
                    for (SchedEvent e : ev) {
                        if (e.event().equals("run")) {
                            ranAt[e.vcpu()] = e.time();
                        } else if (e.event().equals("preempt")) {
                            // one instruction per nanosecond: the run event is at the step of its first instruction
                            assertEquals(quantum - 1, e.time() - ranAt[e.vcpu()], "pcpus " + pcpus + ", quantum " + quantum + ", translate "
                                    + translate + ": " + e);
                            slices++;
                        }
                    }
                    assertTrue(slices >= 5, "slices seen: " + slices);
                }
            }
        }
    }

    @Test
    @DisplayName("a vCPU with nobody waiting keeps its physical CPU past the quantum (no preemption with an empty run queue)")
    void aloneIsNeverPreempted() {
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = toy(cfg(2, 1).quantum(3).build(), translate, "l: inc r1; jmp l");
            m.initialState(1, VcpuState.HALTED);
            List<SchedEvent> ev = record(m);
            m.run(100, MAX);
            assertEquals(List.of(0), vcpusOf(ev, "run"));
            assertEquals(List.of(), vcpusOf(ev, "preempt"));
            assertEquals(100, m.instructions(0));
        }
    }

    // ---------------------------------------------------------------- budgets

    @Test
    @DisplayName("the step, time and instruction budgets end the run exactly: a step is 'nanosPerInstruction' of virtual time, and the time "
            + "budget ends the run at the first step at or past it")
    void budgetsAreExact() {
        qt().withExamples(60).forAll(integers().between(1, 9), longs().between(1, 300)).checkAssert((ns, budget) -> {
            for (boolean translate : new boolean[] {true, false}) {
                Machine m = toy(cfg(1, 1).nanosPerInstruction(ns).build(), translate, "l: inc r1; jmp l");
                RunResult r = m.run(MAX, budget);
                long steps = (budget + ns - 1) / ns;
                assertEquals(new RunResult(RunResult.Reason.TIME_BUDGET, steps, steps * ns, steps), r, "ns " + ns + ", translate " + translate);
                Machine s = toy(cfg(1, 1).nanosPerInstruction(ns).build(), translate, "l: inc r1; jmp l");
                assertEquals(new RunResult(RunResult.Reason.STEP_BUDGET, budget, budget * ns, budget), s.run(budget, MAX));
                Machine i = toy(cfg(1, 1).nanosPerInstruction(ns).build(), translate, "l: inc r1; jmp l");
                assertEquals(new RunResult(RunResult.Reason.INSTRUCTION_BUDGET, budget, budget * ns, budget), i.run(MAX, MAX, budget, MAX));
                assertEquals(budget, i.instructions(0));
                assertEquals(budget * ns, i.now());
            }
        });
    }

    @Test
    @DisplayName("a run goes on where the last one ended: the budgets count from there, and an unlimited budget (Long.MAX_VALUE) does not overflow into 'spent'")
    void secondRunContinues() {
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = toy(cfg(1, 1).build(), translate, "l: inc r1; jmp l");
            assertEquals(new RunResult(RunResult.Reason.STEP_BUDGET, 10, 10, 10), m.run(10, MAX));
            assertEquals(new RunResult(RunResult.Reason.TIME_BUDGET, 25, 25, 25), m.run(MAX, 25), "translate " + translate);
            assertEquals(new RunResult(RunResult.Reason.INSTRUCTION_BUDGET, 30, 30, 30), m.run(MAX, MAX, 5, MAX));
            assertEquals(new RunResult(RunResult.Reason.STEP_BUDGET, 37, 37, 37), m.run(7, MAX));
            assertEquals(37, m.instructions(0));
        }
    }

    @Test
    @DisplayName("the wall-clock deadline: one already past ends the run before its first step; a far one changes nothing")
    void wallClockDeadline() {
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = toy(cfg(1, 1).build(), translate, "l: inc r1; jmp l");
            assertEquals(new RunResult(RunResult.Reason.WALL_CLOCK, 0, 0, 0), m.run(MAX, MAX, MAX, System.nanoTime() - 1));
            Machine far = toy(cfg(1, 1).build(), translate, "l: inc r1; jmp l");
            assertEquals(new RunResult(RunResult.Reason.STEP_BUDGET, 10_000, 10_000, 10_000),
                    far.run(10_000, MAX, MAX, System.nanoTime() + 3_600_000_000_000L));
        }
    }

    @Test
    @DisplayName("on two physical CPUs a step runs one instruction on each busy one: the instruction budget is met within a step")
    void twoPhysicalCpusRunTwoInstructionsAStep() {
        Machine m = toy(cfg(2, 2).build(), false, "l: inc r1; jmp l");
        RunResult r = m.run(10, MAX);
        assertEquals(new RunResult(RunResult.Reason.STEP_BUDGET, 10, 10, 20), r);
        assertEquals(10, m.instructions(0));
        assertEquals(10, m.instructions(1));
        Machine i = toy(cfg(2, 2).build(), false, "l: inc r1; jmp l");
        RunResult ri = i.run(MAX, MAX, 7, MAX);
        assertEquals(RunResult.Reason.INSTRUCTION_BUDGET, ri.reason());
        assertTrue(ri.instructions() >= 7 && ri.instructions() <= 8, ri.toString());
    }

    // ---------------------------------------------------------------- halts, kicks, interrupts (the toy's calls 1 kick, 2 ipi)

    @Test
    @DisplayName("an interrupt to a halted vCPU wakes it and is counted; it is not left pending, so the vCPU's next halt halts "
            + "(kvm_vcpu_kick of a blocked vCPU: kvm_vcpu_check_block sees the event once)")
    void interruptOfHaltedVcpuIsNotLeftPending() {
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = toy(cfg(2, 2).seed(3).build(), translate, "nop; nop; trap; hlt", "inc r3; hlt");
            m.initialState(1, VcpuState.HALTED);
            m.registers(0).set(0, 2);
            m.registers(0).set(1, 1);
            m.registers(0).set(2, 0x20);
            List<SchedEvent> ev = record(m);
            assertEquals(RunResult.Reason.IDLE, m.run(1000, MAX).reason());
            assertEquals(1, m.registers(1).get(3));
            assertEquals(VcpuState.HALTED, m.stateOf(1));
            assertEquals(Map.of(0x20, 1), m.interrupts(1));
            assertEquals(List.of(0, 1), vcpusOf(ev, "halt").stream().sorted().toList(), "both halts halt: " + ev);
            assertFalse(ev.stream().anyMatch(e -> "wake".equals(e.event())), "no halt returned at once: " + ev);
        }
    }

    @Test
    @DisplayName("a kick of a halted vCPU wakes it without leaving a wake pending: its next halt halts (kvm_vcpu_kick, kvm_vcpu_block)")
    void kickOfHaltedVcpuIsNotLeftPending() {
        Machine m = toy(cfg(2, 2).seed(3).build(), false, "nop; nop; trap; hlt", "inc r3; hlt");
        m.initialState(1, VcpuState.HALTED);
        m.registers(0).set(0, 1);
        m.registers(0).set(1, 1);
        List<SchedEvent> ev = record(m);
        assertEquals(RunResult.Reason.IDLE, m.run(1000, MAX).reason());
        assertEquals(1, m.registers(1).get(3));
        assertEquals(VcpuState.HALTED, m.stateOf(1));
        assertEquals(Map.of(), m.interrupts(1), "a kick is no interrupt");
        assertEquals(2, vcpusOf(ev, "halt").size(), ev.toString());
    }

    @Test
    @DisplayName("a kick or interrupt of an off or stopped vCPU changes nothing (kvm_vcpu_kick of a vCPU not running: no wake), and one of a vCPU "
            + "index outside the VM is ignored")
    void kickOfOffOrStoppedVcpuChangesNothing() {
        for (int target : new int[] {1, 2, 7, -1}) {
            for (int nr : new int[] {1, 2}) {
                // a quantum of 2: vCPU 2 runs (and stops at its undecodable word) before vCPU 0's fifth instruction, the call
                Machine m = toy(cfg(3, 1).seed(1).quantum(2).build(), false, "nop; nop; nop; nop; trap; hlt", "inc r3; hlt", ".byte 0xee, 0");
                m.initialState(1, VcpuState.OFF);
                m.registers(0).set(0, nr);
                m.registers(0).set(1, target);
                m.registers(0).set(2, 0x30);
                assertEquals(RunResult.Reason.IDLE, m.run(1000, MAX).reason(), "target " + target);
                assertEquals(0, m.registers(0).get(0), "the call succeeded");
                assertEquals(VcpuState.OFF, m.stateOf(1));
                assertEquals(VcpuState.STOPPED, m.stateOf(2));
                assertEquals(0, m.registers(1).get(3));
                assertEquals(Map.of(), m.interrupts(1));
                assertEquals(Map.of(), m.interrupts(2));
                assertTrue(m.stopReason(2).contains("0x3000"), m.stopReason(2));
            }
        }
    }

    // ---------------------------------------------------------------- yields (the toy's call 3)

    @Test
    @DisplayName("a yield with nobody waiting keeps the physical CPU (kvm_vcpu_on_spin finds no candidate): no new run, the vCPU goes on")
    void yieldAloneKeepsTheCpu() {
        for (int target : new int[] {-1, 1}) {
            for (boolean translate : new boolean[] {true, false}) {
                Machine m = toy(cfg(2, 1).build(), translate, "trap; inc r3; hlt");
                m.initialState(1, VcpuState.HALTED);
                m.registers(0).set(0, 3);
                m.registers(0).set(1, target);
                List<SchedEvent> ev = record(m);
                m.run(100, MAX);
                assertEquals(List.of(0), vcpusOf(ev, "run"), ev.toString());
                assertEquals(List.of(0), vcpusOf(ev, "yield"));
                assertEquals(1, m.registers(0).get(3));
                assertEquals(0, m.stealNanos(0));
                SchedEvent y = ev.stream().filter(e -> e.event().equals("yield")).findFirst().orElseThrow();
                assertEquals(target >= 0 ? Integer.valueOf(target) : null, y.target());
            }
        }
    }

    @Test
    @DisplayName("a directed yield to a vCPU that is not waiting falls back to the head of the run queue (kvm_vcpu_yield_to fails, the next runs)")
    void directedYieldToANonWaitingVcpu() {
        int checked = 0;
        for (long seed = 0; seed < 20; seed++) {
            Machine m = toy(cfg(3, 1).quantum(1000).seed(seed).build(), false, "trap; hlt", "hlt", "hlt");
            m.initialState(2, VcpuState.HALTED);
            m.registers(0).set(0, 3);
            m.registers(0).set(1, 2);
            List<SchedEvent> ev = record(m);
            m.run(100, MAX);
            List<Integer> runs = vcpusOf(ev, "run");
            if (runs.get(0) != 0) {
                continue; // vCPU 1 ran first and halted: nobody waits when vCPU 0 yields
            }
            assertEquals(List.of(0, 1, 0), runs, "seed " + seed + ": " + ev);
            assertEquals(VcpuState.HALTED, m.stateOf(2));
            checked++;
        }
        assertTrue(checked > 0);
    }

    @Test
    @DisplayName("a directed yield's hint is used once: after the target ran, the queue's order is kept (vCPU 0 yields to 3 ahead of 1 and 2)")
    void directedYieldHintIsUsedOnce() {
        int checked = 0;
        for (long seed = 0; seed < 40; seed++) {
            Machine m = toy(cfg(4, 1).quantum(1000).seed(seed).build(), true, "trap; hlt", "hlt");
            m.registers(0).set(0, 3);
            m.registers(0).set(1, 3);
            List<SchedEvent> ev = record(m);
            m.run(100, MAX);
            List<Integer> runs = vcpusOf(ev, "run");
            if (runs.get(0) != 0) {
                continue;
            }
            assertEquals(5, runs.size(), runs.toString());
            assertEquals(Integer.valueOf(3), runs.get(1), "seed " + seed + ": the target runs first: " + runs);
            assertEquals(Set.of(1, 2), Set.copyOf(runs.subList(2, 4)), runs.toString());
            assertEquals(Integer.valueOf(0), runs.get(4), "the yielding vCPU went to the back: " + runs);
            checked++;
        }
        assertTrue(checked > 0);
    }

    // ---------------------------------------------------------------- stops and system events

    @Test
    @DisplayName("a system event stops every vCPU but leaves a stopped one stopped with its reason; the run ends and the event is kept")
    void systemEventKeepsStoppedVcpusStopped() {
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = toy(cfg(3, 3).seed(2).build(), translate, "nop; nop; nop; trap; hlt", ".byte 0xee, 0", "l: inc r3; jmp l");
            m.registers(0).set(0, 7);
            RunResult r = m.run(1000, MAX);
            assertEquals(RunResult.Reason.SYSTEM_EVENT, r.reason());
            assertEquals(new Exit.SystemEvent(SystemEventType.SHUTDOWN), m.systemEvent());
            assertEquals(VcpuState.OFF, m.stateOf(0));
            assertEquals(VcpuState.STOPPED, m.stateOf(1));
            assertTrue(m.stopReason(1).contains("0x2000"), m.stopReason(1));
            assertEquals(VcpuState.OFF, m.stateOf(2));
            long r3 = m.registers(2).get(3);
            RunResult again = m.run(1000, MAX);
            assertEquals(RunResult.Reason.SYSTEM_EVENT, again.reason(), "the event stands until the VMM re-enters a vCPU");
            assertEquals(r.steps(), again.steps(), "nothing ran");
            assertEquals(r3, m.registers(2).get(3));
        }
    }

    @Test
    @DisplayName("a system event on one physical CPU takes the waiting vCPUs out of the run queue: after the caller is re-entered, they stay off")
    void systemEventEmptiesTheRunQueue() {
        for (long seed = 0; seed < 10; seed++) {
            Machine m = toy(cfg(3, 1).seed(seed).quantum(1000).build(), false, "trap; inc r3; hlt", "inc r3; hlt");
            m.registers(0).set(0, 7);
            List<SchedEvent> ev = record(m);
            assertEquals(RunResult.Reason.SYSTEM_EVENT, m.run(1000, MAX).reason());
            List<Integer> ranBefore = vcpusOf(ev, "run");
            m.reenter(0);
            assertNull(m.systemEvent(), "re-entry clears the event");
            assertEquals(RunResult.Reason.IDLE, m.run(1000, MAX).reason());
            assertEquals(1, m.registers(0).get(3), "the re-entered vCPU runs on");
            for (int v = 1; v < 3; v++) {
                assertEquals(ranBefore.contains(v) ? 1 : 0, m.registers(v).get(3), "seed " + seed + " vCPU " + v);
                assertEquals(VcpuState.OFF, m.stateOf(v), "seed " + seed + " vCPU " + v + ": halted or waiting, the event turned it off");
            }
        }
    }

    @Test
    @DisplayName("a vCPU that powers itself off (the toy's call 5, as PSCI CPU_OFF) leaves its physical CPU: a waiting vCPU runs at once")
    void powerOffFreesTheCpu() {
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = toy(cfg(2, 1).seed(0).quantum(1000).build(), translate, "trap; inc r3; hlt", "inc r3; hlt");
            m.registers(0).set(0, 5);
            m.registers(1).set(0, 5);
            List<SchedEvent> ev = record(m);
            assertEquals(RunResult.Reason.IDLE, m.run(1000, MAX).reason());
            assertEquals(VcpuState.OFF, m.stateOf(0));
            assertEquals(0, m.registers(0).get(3), "nothing after CPU_OFF runs");
            assertEquals(1, m.registers(1).get(3));
            assertEquals(List.of(0), vcpusOf(ev, "off"));
            assertEquals("TOY_OFF", ev.stream().filter(e -> e.event().equals("off")).findFirst().orElseThrow().detail());
        }
    }

    // ---------------------------------------------------------------- timers (a probe architecture's calls)

    /** Call 20 arms vCPU's timer at a0 and at a1 (the sooner wins); the timer interrupts its vCPU with vector 0x20. */
    private static Machine timers(List<long[]> fired, int vcpus, String program) {
        ProbeArchitecture arch = new ProbeArchitecture(ProbeArchitecture.PLAIN, KvmErrno.CODEC, List.of(HypercallSpec.builder(20, "ARM", t -> {
            t.control().armTimer(t.vcpu(), t.arg(0));
            t.control().armTimer(t.vcpu(), t.arg(1));
            t.ok(0);
        }).build()), ProbeArchitecture.DISPATCH).hooks(new ProbeArchitecture.Hooks() {
            @Override
            public void timerExpired(int vcpu, long nowNanos, VcpuControl control) {
                fired.add(new long[] {vcpu, nowNanos});
                control.interrupt(vcpu, 0x20);
            }
        });
        Machine m = new Machine(arch.vm(VmConfig.builder("probe").vcpus(vcpus).build()), "vm");
        load(m, vcpus, program);
        return m;
    }

    @Test
    @DisplayName("a timer armed twice fires once, at the sooner time; while every vCPU waits, virtual time jumps to it, and the interrupt wakes the vCPU")
    void timerFiresOnceAtTheSoonerTime() {
        qt().withExamples(20).forAll(longs().between(10, 5000), longs().between(10, 5000)).checkAssert((a, b) -> {
            List<long[]> fired = new ArrayList<>();
            Machine m = timers(fired, 1, "trap; hlt; inc r3; hlt");
            m.registers(0).set(0, 20);
            m.registers(0).set(1, a);
            m.registers(0).set(2, b);
            List<SchedEvent> ev = record(m);
            assertEquals(RunResult.Reason.IDLE, m.run(10_000, MAX).reason());
            assertEquals(1, fired.size());
            assertEquals(Math.min(a, b), fired.get(0)[1]);
            assertEquals(1, m.registers(0).get(3));
            assertEquals(Map.of(0x20, 1), m.interrupts(0));
            SchedEvent wake = ev.stream().filter(e -> e.event().equals("run")).skip(1).findFirst().orElseThrow();
            assertEquals(Math.min(a, b), wake.time(), "the vCPU runs again at the timer's time");
        });
    }

    @Test
    @DisplayName("timers of several vCPUs fire in time order, each at its own time; one beyond the time budget ends the run at the budget, unfired")
    void timersFireInTimeOrder() {
        List<long[]> fired = new ArrayList<>();
        Machine m = timers(fired, 2, "trap; hlt; inc r3; hlt");
        m.registers(0).set(0, 20);
        m.registers(0).set(1, 500);
        m.registers(0).set(2, 500);
        m.registers(1).set(0, 20);
        m.registers(1).set(1, 300);
        m.registers(1).set(2, 9000);
        assertEquals(RunResult.Reason.IDLE, m.run(10_000, MAX).reason());
        assertEquals(2, fired.size());
        assertEquals(List.of(1L, 300L), List.of(fired.get(0)[0], fired.get(0)[1]));
        assertEquals(List.of(0L, 500L), List.of(fired.get(1)[0], fired.get(1)[1]));

        List<long[]> late = new ArrayList<>();
        Machine b = timers(late, 1, "trap; hlt; inc r3; hlt");
        b.registers(0).set(0, 20);
        b.registers(0).set(1, 5000);
        b.registers(0).set(2, 5000);
        RunResult r = b.run(10_000, 3000);
        assertEquals(RunResult.Reason.TIME_BUDGET, r.reason());
        assertEquals(3000, r.timeNanos());
        assertEquals(List.of(), late);
        assertEquals(0, b.registers(0).get(3));
    }

    @Test
    @DisplayName("a timer fires at its time while its vCPU runs a loop with nothing else to do, with the translating engine as with the interpreter")
    void timerFiresOnTimeDuringALongBlock() {
        for (boolean translate : new boolean[] {true, false}) {
            List<long[]> fired = new ArrayList<>();
            Machine m = timers(fired, 1, "trap; l: inc r1; jmp l");
            m.translate(translate);
            m.registers(0).set(0, 20);
            m.registers(0).set(1, 50);
            m.registers(0).set(2, 50);
            m.run(200, MAX);
            assertEquals(1, fired.size());
            assertEquals(50, fired.get(0)[1], "translate " + translate);
            assertEquals(Map.of(0x20, 1), m.interrupts(0));
        }
    }

    @Test
    @DisplayName("a timer already due fires at the next step while its vCPU runs (its interrupt is counted and left pending for the next halt)")
    void dueTimerFiresWhileRunning() {
        List<long[]> fired = new ArrayList<>();
        Machine m = timers(fired, 1, "trap; nop; nop; hlt; inc r3; hlt");
        m.registers(0).set(0, 20);
        m.registers(0).set(1, 0);
        m.registers(0).set(2, 0);
        m.run(1000, MAX);
        assertEquals(1, fired.size());
        assertEquals(1, fired.get(0)[1], "the step after the call");
        assertEquals(1, m.registers(0).get(3), "the pending interrupt made the first halt return at once");
        assertEquals(VcpuState.HALTED, m.stateOf(0));
    }
}
