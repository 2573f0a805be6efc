package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.trace.SchedEvent;
import dev.hcsim.core.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The machine's documented promise that the translating engine and the interpreter give the same registers, memory and
 * trace ({@link Machine#translate}), and that a run split into several runs is the same run: for random guest programs
 * that kick, interrupt, yield, halt, power vCPUs on and off, exit to the host, end the VM, read the clock and arm timers,
 * on one and two physical CPUs, with random quanta, seeds, instruction times and budgets.
 */
class CoreEngineAgreementTest {
    /** The toy's calls (kick, IPI, yield, CPU_ON, off, an exit, a system event, halt) and 10, a timer that interrupts its vCPU with vector 0x20. */
    private static final ProbeArchitecture ARCH = new ProbeArchitecture(ProbeArchitecture.PLAIN, KvmErrno.CODEC, withTimer(), ProbeArchitecture.DISPATCH)
            .hooks(new ProbeArchitecture.Hooks() {
                @Override
                public void timerExpired(int vcpu, long nowNanos, VcpuControl control) {
                    control.interrupt(vcpu, 0x20);
                }
            });

    private static List<HypercallSpec> withTimer() {
        List<HypercallSpec> calls = new ArrayList<>(ToyArchitecture.CALLS);
        calls.add(HypercallSpec.builder(10, "TIMER", t -> {
            t.control().armTimer(t.vcpu(), t.control().nowNanos() + t.arg(1));
            t.ok(0);
        }).build());
        return calls;
    }

    private static final String[] FRAGMENTS = {"nop", "inc r1", "inc r2", "inc r3", "inc r0", "rdtime r3", "sgi r1", "trap", "trap", "hlt"};

    /** A random program of vCPU v: a loop of fragments (r0 selects the call a trap makes, r1 its target). */
    private static String program(Random rnd) {
        StringBuilder b = new StringBuilder("l: ");
        int n = 2 + rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            b.append(FRAGMENTS[rnd.nextInt(FRAGMENTS.length)]).append("; ");
        }
        return b.append(rnd.nextBoolean() ? "jmp l" : "hlt").toString();
    }

    private record Setup(int vcpus, int pcpus, long quantum, long seed, long ns, String[] programs, long[][] regs, VcpuState[] states) {
        static Setup random(long s) {
            Random rnd = new Random(s);
            int vcpus = 2 + rnd.nextInt(3);
            String[] programs = new String[vcpus];
            long[][] regs = new long[vcpus][3];
            VcpuState[] states = new VcpuState[vcpus];
            for (int v = 0; v < vcpus; v++) {
                programs[v] = program(rnd);
                regs[v][0] = 1 + rnd.nextInt(10);
                regs[v][1] = rnd.nextInt(vcpus + 1) - (rnd.nextInt(4) == 0 ? 1 : 0);
                regs[v][2] = rnd.nextInt(40);
                states[v] = rnd.nextInt(4) == 0 ? (rnd.nextBoolean() ? VcpuState.OFF : VcpuState.HALTED) : VcpuState.RUNNABLE;
            }
            return new Setup(vcpus, 1 + rnd.nextInt(2), 1 + rnd.nextInt(8), rnd.nextLong(), 1 + rnd.nextInt(3), programs, regs, states);
        }

        Machine machine(boolean translate, List<TraceEvent> trace) {
            return machine(translate, trace, Interleave.BLOCK);
        }

        Machine machine(boolean translate, List<TraceEvent> trace, Interleave interleave) {
            Machine m = new Machine(ARCH.vm(VmConfig.builder("probe").vcpus(vcpus).pcpus(pcpus).quantum(quantum).seed(seed).nanosPerInstruction(ns)
                    .interleave(interleave).build()), "vm");
            CoreSchedulerRulesTest.load(m, vcpus, programs);
            for (int v = 0; v < vcpus; v++) {
                for (int r = 0; r < 3; r++) {
                    m.registers(v).set(r, regs[v][r]);
                }
                m.initialState(v, states[v]);
            }
            m.translate(translate);
            if (trace != null) {
                m.traceTo(trace::add);
            }
            return m;
        }
    }

    /** Everything a run leaves that a user can see, as text. */
    private static String state(Machine m, int vcpus) {
        StringBuilder b = new StringBuilder();
        for (int v = 0; v < vcpus; v++) {
            b.append(v).append(": ").append(m.registers(v)).append(' ').append(m.stateOf(v)).append(' ').append(m.stopReason(v)).append(' ')
                    .append(m.interrupts(v)).append(" steal ").append(m.stealNanos(v)).append(" insns ").append(m.instructions(v)).append('\n');
        }
        return b.append("events ").append(m.events()).append(" now ").append(m.now()).toString();
    }

    @Test
    @DisplayName("for all random programs and configurations: the translating engine gives the interpreter's trace, registers, states and counters "
            + "(and, untraced, the same registers, states and counters)")
    void translatedRunIsTheInterpretedRun() {
        int[] scheduled = {0};
        qt().withExamples(150).forAll(longs().all()).checkAssert(s -> {
            Setup setup = Setup.random(s);
            long steps = 20 + Math.floorMod(s, 300);
            List<TraceEvent> a = new ArrayList<>();
            List<TraceEvent> b = new ArrayList<>();
            Machine interpreted = setup.machine(false, a);
            Machine translated = setup.machine(true, b);
            RunResult ra = interpreted.run(steps, MAX_TIME);
            RunResult rb = translated.run(steps, MAX_TIME);
            assertEquals(ra, rb, "seed " + s);
            assertEquals(a, b, "seed " + s);
            assertEquals(state(interpreted, setup.vcpus()), state(translated, setup.vcpus()), "seed " + s);
            // untraced, a trap inside a block sets the scheduler's counters only for what reads them (Scheduler.beginBlockTrap)
            Machine untraced = setup.machine(true, null);
            assertEquals(ra, untraced.run(steps, MAX_TIME), "seed " + s);
            assertEquals(state(interpreted, setup.vcpus()), state(untraced, setup.vcpus()), "seed " + s + ", untraced");
            if (a.stream().filter(e -> e instanceof SchedEvent se && !se.event().equals("run") && !se.event().equals("end")).count() > 2) {
                scheduled[0]++;
            }
        });
        assertTrue(scheduled[0] > 75, "most examples exercise the scheduler beyond running: " + scheduled[0]);
    }

    private static final long MAX_TIME = Long.MAX_VALUE;

    @Test
    @DisplayName("for all random programs: a run split into runs of a few steps each, or cut by time and instruction budgets, is the same run "
            + "(the budgets count from where the last run ended, the initial run queue is shuffled once); instruction interleaving, since "
            + "with blocks on two physical CPUs a budget ends blocks where the whole run did not (docs/performance.md)")
    void splitRunIsTheSameRun() {
        qt().withExamples(80).forAll(longs().all()).checkAssert(CoreEngineAgreementTest::assertSplitRunIsTheSameRun);
    }

    @Test
    @DisplayName("a split run is the same run for the seeds that once broke it (-100: a physical CPU idle at a run's end, then a timer)")
    void splitRunIsTheSameRunForKnownSeeds() {
        for (long s : new long[] {-100}) {
            assertSplitRunIsTheSameRun(s);
        }
    }

    private static void assertSplitRunIsTheSameRun(long s) {
        {
            Setup setup = Setup.random(s);
            boolean translate = (s & 1) == 0;
            List<TraceEvent> whole = new ArrayList<>();
            Machine one = setup.machine(translate, whole, Interleave.INSTRUCTION);
            RunResult r = one.run(120, MAX_TIME);
            List<TraceEvent> parts = new ArrayList<>();
            Machine split = setup.machine(translate, parts, Interleave.INSTRUCTION);
            RunResult last = null;
            for (int i = 0; i < 1000 && (last == null || last.steps() < r.steps()) && (last == null || last.reason() != RunResult.Reason.IDLE
                    && last.reason() != RunResult.Reason.SYSTEM_EVENT); i++) {
                long left = r.steps() - (last == null ? 0 : last.steps());
                last = switch (i % 3) {
                    case 0 -> split.run(Math.min(left, 1 + Math.floorMod(s >> 8, 7)), MAX_TIME);
                    case 1 -> split.run(left, split.now() + setup.ns() * (1 + Math.floorMod(s >> 12, 5)));
                    default -> split.run(left, MAX_TIME, 1 + Math.floorMod(s >> 16, 9), MAX_TIME);
                };
            }
            List<TraceEvent> wholeButEnd = whole.stream().filter(e -> !(e instanceof SchedEvent se && se.event().equals("end"))).toList();
            List<TraceEvent> partsButEnd = parts.stream().filter(e -> !(e instanceof SchedEvent se && se.event().equals("end"))).toList();
            assertEquals(wholeButEnd, partsButEnd, "seed " + s);
            assertEquals(r.steps(), last.steps(), "seed " + s);
            assertEquals(r.instructions(), last.instructions());
            assertEquals(r.timeNanos(), last.timeNanos());
            assertEquals(state(one, setup.vcpus()).replaceAll("events \\d+", ""), state(split, setup.vcpus()).replaceAll("events \\d+", ""),
                    "seed " + s);
        }
    }
}
