package dev.hcsim.core;

import static dev.hcsim.core.CoreSchedulerRulesTest.MAX;
import static dev.hcsim.core.CoreSchedulerRulesTest.cfg;
import static dev.hcsim.core.CoreSchedulerRulesTest.load;
import static dev.hcsim.core.CoreSchedulerRulesTest.record;
import static dev.hcsim.core.CoreSchedulerRulesTest.toy;
import static dev.hcsim.core.CoreSchedulerRulesTest.vcpusOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.sched.HostHandler;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.trace.SchedEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The standalone machine's exits, faults, re-entry and bookkeeping (sched.Machine, its Stepper and Scheduler): what
 * a VMM's {@code KVM_RUN} loop would see, through the machine's public surface.
 */
class CoreMachineExitsTest {

    // ---------------------------------------------------------------- exits to the host (the toy's call 6: KVM_EXIT_HYPERCALL)

    @Test
    @DisplayName("a host that does not re-enter leaves the vCPU exited with the exit's reason; KVM_SET_MP_STATE runnable re-enters it with the "
            + "exit's own ret (complete_hypercall_exit) and it runs on")
    void stayExitedThenReenter() {
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = toy(cfg(2, 1).build(), translate, "trap; inc r3; hlt", "l: inc r1; jmp l");
            m.host((v, r) -> HostHandler.STAY_EXITED);
            m.initialState(1, VcpuState.HALTED);
            m.registers(0).set(0, 6);
            m.registers(0).set(1, 42);
            List<SchedEvent> ev = record(m);
            assertEquals(RunResult.Reason.IDLE, m.run(100, MAX).reason());
            assertEquals(VcpuState.EXITED, m.stateOf(0));
            assertEquals("exited to host: KVM_EXIT_HYPERCALL", m.stopReason(0));
            assertEquals(6, m.registers(0).get(0), "no result before the host answers");
            assertEquals(0x1000, m.registers(0).pc());
            assertEquals(List.of(0), vcpusOf(ev, "exit"));
            assertThrows(IllegalStateException.class, () -> m.reenter(1), "a halted vCPU is not at an exit");
            m.reenter(0);
            assertNull(m.stopReason(0));
            assertEquals(VcpuState.RUNNABLE, m.stateOf(0));
            assertEquals(0, m.registers(0).get(0), "the exit's ret, 0");
            assertEquals(0x1002, m.registers(0).pc());
            assertEquals(RunResult.Reason.IDLE, m.run(100, MAX).reason());
            assertEquals(1, m.registers(0).get(3));
            assertEquals(VcpuState.HALTED, m.stateOf(0));
            assertEquals(List.of(0), vcpusOf(ev, "reenter"));
        }
    }

    @Test
    @DisplayName("Machine.reenter refuses a vCPU index outside the machine with one line naming the range, and a running vCPU")
    void reenterRefusesBadVcpus() {
        Machine m = toy(cfg(2, 1).build(), false, "hlt");
        for (int bad : new int[] {-1, 2}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.reenter(bad));
            assertEquals("vCPU index " + bad + " is out of range: this machine has vCPUs 0 to 1", e.getMessage());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.reenter(0));
        assertTrue(e.getMessage().startsWith("vCPU 0 is runnable: only a vCPU stopped at an exit"), e.getMessage());
    }

    @Test
    @DisplayName("the host's answer is what re-entry writes: its return value (hypercall.ret), or the whole exit it fills in")
    void hostAnswerIsWritten() {
        qt().withExamples(20).forAll(longs().all()).checkAssert(ret -> {
            Machine m = toy(cfg(1, 1).build(), false, "trap; hlt");
            m.host((v, r) -> ret == HostHandler.STAY_EXITED ? 0 : ret);
            m.registers(0).set(0, 6);
            m.run(100, MAX);
            assertEquals(ret == HostHandler.STAY_EXITED ? 0 : ret, m.registers(0).get(0));
            assertEquals(VcpuState.HALTED, m.stateOf(0));
        });
        Machine m = toy(cfg(1, 1).build(), true, "trap; hlt");
        m.host(new HostHandler() {
            @Override
            public long answer(int vcpu, TrapResult exit) {
                return 5;
            }

            @Override
            public Exit payload(int vcpu, TrapResult exit, long ret) {
                return new Exit.Hypercall(6, new long[] {0, 0, 0, 0, 0, 0}, 77, 0);
            }
        });
        m.registers(0).set(0, 6);
        List<SchedEvent> ev = record(m);
        m.run(100, MAX);
        assertEquals(77, m.registers(0).get(0), "the payload wins over answer's value");
        assertTrue(ev.stream().anyMatch(e -> e.event().equals("reenter") && e.detail().startsWith("host answered")), ev.toString());
    }

    @Test
    @DisplayName("a VM-wide system event (shutdown) stops the VM; a SUSPEND exit is the calling vCPU's only (kvm_prepare_system_event for "
            + "SYSTEM_SUSPEND: the VMM answers it like any exit), the other vCPUs run on")
    void suspendIsTheCallersOnly() {
        ProbeArchitecture arch = new ProbeArchitecture(ProbeArchitecture.PLAIN, KvmErrno.CODEC, List.of(
                HypercallSpec.builder(1, "SUSPEND", t -> t.exitToHost(new Exit.SystemEvent(SystemEventType.SUSPEND), null)).build(),
                HypercallSpec.builder(2, "WAKEUP", t -> t.exitToHost(new Exit.SystemEvent(SystemEventType.WAKEUP), null)).build()),
                ProbeArchitecture.DISPATCH);
        for (int nr = 1; nr <= 2; nr++) {
            Machine m = new Machine(arch.vm(VmConfig.builder("probe").vcpus(2).pcpus(2).build()), "vm");
            load(m, 2, "trap; inc r3; hlt", "inc r3; inc r3; hlt");
            m.registers(0).set(0, nr);
            RunResult r = m.run(100, MAX);
            assertEquals(RunResult.Reason.IDLE, r.reason());
            assertNull(m.systemEvent());
            assertEquals(VcpuState.EXITED, m.stateOf(0), "the default host does not answer a system event");
            assertEquals(VcpuState.HALTED, m.stateOf(1));
            assertEquals(2, m.registers(1).get(3));
        }
    }

    // ---------------------------------------------------------------- faults

    @Test
    @DisplayName("a fault the trap gate raises stops the vCPU with the fault, the gate's note and the PC; the architecture delivers it first")
    void trapGateFaultStopsTheVcpu() {
        List<Fault> delivered = new ArrayList<>();
        ProbeArchitecture arch = new ProbeArchitecture(ProbeArchitecture.PLAIN, KvmErrno.CODEC, List.of(), t -> {
            if (t.registers().get(6) == 1) {
                t.notAHypercall(null, "a system call");
            } else {
                t.fault(Fault.X86.ud(t.pc()), "not here");
            }
        }) {
            @Override
            public dev.hcsim.core.spi.ArchitectureVm attach(dev.hcsim.core.spi.VmContext vm) {
                dev.hcsim.core.spi.ArchitectureVm inner = super.attach(vm);
                return new dev.hcsim.core.spi.ArchitectureVm() {
                    @Override
                    public void trap(dev.hcsim.core.spi.Trap t) {
                        inner.trap(t);
                    }

                    @Override
                    public boolean offers(HypercallSpec call) {
                        return true;
                    }

                    @Override
                    public void deliver(int vcpu, RegisterAccess regs, Fault fault) {
                        delivered.add(fault);
                    }
                };
            }
        };
        Machine m = new Machine(arch.vm(VmConfig.builder("probe").vcpus(2).pcpus(2).build()), "vm");
        load(m, 2, "nop; trap; hlt");
        m.registers(1).set(6, 1);
        assertEquals(RunResult.Reason.IDLE, m.run(100, MAX).reason());
        assertEquals(VcpuState.STOPPED, m.stateOf(0));
        assertEquals("#UD (not here) at 0x1002 (the guest subset has no handler for it)", m.stopReason(0));
        assertEquals(List.of(Fault.X86.ud(0x1002)), delivered, "only a fault is delivered");
        assertEquals(VcpuState.STOPPED, m.stateOf(1));
        assertEquals("a system call at 0x2002 (the guest subset has no handler for it)", m.stopReason(1));
    }

    @Test
    @DisplayName("an instruction fetch outside guest memory stops the vCPU with the address, with either engine; the instructions before count")
    void fetchOutsideMemory() {
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = new Machine(VmConfig.builder("toy").build(), "vm");
            m.translate(translate);
            m.load(0xFFFA, m.vm().assemble("nop; nop; nop", 0xFFFA).bytes());
            m.registers(0).pc(0xFFFA);
            RunResult r = m.run(100, MAX);
            assertEquals(RunResult.Reason.IDLE, r.reason());
            assertEquals("instruction fetch at 0x10000 is outside guest memory", m.stopReason(0));
            assertEquals(3, m.instructions(0));
            assertEquals(3, r.instructions());
        }
    }

    // ---------------------------------------------------------------- the machine's surface

    @Test
    @DisplayName("one Vm, one Machine: a second machine around the same VM is refused (its per-VM state belongs to one guest memory)")
    void oneMachinePerVm() {
        Vm vm = Vm.create(VmConfig.builder("toy").build());
        Machine m = new Machine(vm, "a");
        assertEquals("a", m.name());
        assertEquals(vm, m.vm());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Machine(vm, "b"));
        assertTrue(e.getMessage().startsWith("this Vm already has a Machine"), e.getMessage());
    }

    @Test
    @DisplayName("Machine.load refuses bytes that do not fit in guest memory with one line naming size and address, and writes those that fit")
    void loadChecksMemory() {
        Machine m = new Machine(VmConfig.builder("toy").build(), "vm");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.load(0xFFFF, new byte[] {1, 2}));
        assertEquals("2 bytes at 0xffff do not fit in the VM's memory", e.getMessage());
        m.load(0xFFFE, new byte[] {1, 2});
        byte[] b = new byte[2];
        assertTrue(m.memory().read(0xFFFE, b, 0, 2));
        assertEquals(2, b[1]);
    }

    @Test
    @DisplayName("the engine switch: translating by default, the interpreter on request, the same run either way")
    void engineSwitch() {
        Machine m = new Machine(VmConfig.builder("toy").build(), "vm");
        assertTrue(m.translating());
        m.translate(false);
        assertFalse(m.translating());
        m.translate(true);
        assertTrue(m.translating());
    }

    @Test
    @DisplayName("Machine.events counts one event per scheduler trace line, traced or not; the instruction counts and virtual time add up")
    void eventsCountTheTraceLines() {
        qt().withExamples(15).forAll(longs().between(0, 10_000), integers().between(1, 6)).checkAssert((seed, quantum) -> {
            String[] programs = {"nop; trap; inc r3; hlt", "l: inc r1; jmp l", "inc r2; hlt"};
            Machine traced = toy(cfg(3, 2).seed(seed).quantum(quantum).build(), false, programs);
            traced.registers(0).set(0, 1);
            traced.registers(0).set(1, 2);
            List<SchedEvent> ev = record(traced);
            RunResult a = traced.run(60, MAX);
            Machine quiet = toy(cfg(3, 2).seed(seed).quantum(quantum).build(), false, programs);
            quiet.registers(0).set(0, 1);
            quiet.registers(0).set(1, 2);
            RunResult b = quiet.run(60, MAX);
            assertEquals(ev.size(), traced.events(), ev.toString());
            assertEquals(traced.events(), quiet.events());
            assertEquals(a, b);
            assertEquals(a.instructions(), traced.instructions(0) + traced.instructions(1) + traced.instructions(2));
            assertEquals(a.timeNanos(), traced.now());
            assertEquals(a.steps(), a.timeNanos(), "one nanosecond a step");
        });
    }

    @Test
    @DisplayName("an enabled wait traced by its note: a halt or power-off names the trap gate's note when there is one, else the call")
    void haltNamesTheNoteOrTheCall() {
        ProbeArchitecture arch = new ProbeArchitecture(ProbeArchitecture.PLAIN, KvmErrno.CODEC, List.of(HypercallSpec.builder(1, "NAP", t -> {
            t.halt();
            t.ok(0);
        }).build()), t -> {
            ProbeArchitecture.DISPATCH.accept(t);
            if (t.registers().get(6) == 1) {
                t.note("enabled wait");
            }
        });
        Machine m = new Machine(arch.vm(VmConfig.builder("probe").vcpus(2).pcpus(2).build()), "vm");
        load(m, 2, "trap; hlt");
        m.registers(0).set(0, 1);
        m.registers(1).set(0, 1);
        m.registers(1).set(6, 1);
        List<SchedEvent> ev = record(m);
        m.run(100, MAX);
        List<String> halts = ev.stream().filter(e -> e.event().equals("halt")).sorted(java.util.Comparator.comparingInt(SchedEvent::vcpu))
                .map(SchedEvent::detail).toList();
        assertEquals(List.of("NAP", "enabled wait"), halts);
    }

    @Test
    @DisplayName("the scheduler tells the architecture when a vCPU leaves its physical CPU preempted (quantum, yield) or not (halt, off), and "
            + "the wait when it is put back (kvm_sched_out's vcpu->preempted, record_steal_time's run delay)")
    void scheduleHooksSeePreemptionAndWait() {
        List<String> hooks = new ArrayList<>();
        ProbeArchitecture arch = new ProbeArchitecture(ProbeArchitecture.PLAIN, KvmErrno.CODEC, List.of(HypercallSpec.builder(3, "YIELD", t -> {
            t.yieldTo(-1);
            t.ok(0);
        }).build(), HypercallSpec.builder(5, "OFF", t -> {
            t.stop();
            t.ok(0);
        }).build()), ProbeArchitecture.DISPATCH).hooks(new ProbeArchitecture.Hooks() {
            @Override
            public void scheduleIn(int vcpu, long nowNanos, long stealNanos) {
                hooks.add("in " + vcpu + " at " + nowNanos + " waited " + stealNanos);
            }

            @Override
            public void scheduleOut(int vcpu, long nowNanos, boolean preempted) {
                hooks.add("out " + vcpu + " at " + nowNanos + (preempted ? " preempted" : ""));
            }
        });
        Machine m = new Machine(arch.vm(VmConfig.builder("probe").vcpus(2).pcpus(1).quantum(3).seed(0).build()), "vm");
        load(m, 2, "nop; nop; nop; nop; trap; trap", "hlt");
        m.registers(0).set(0, 3);
        m.translate(false);
        List<SchedEvent> ev = record(m);
        m.run(100, MAX);
        int first = ev.get(0).vcpu();
        List<String> expected = first == 0
                ? List.of("in 0 at 0 waited 0", "out 0 at 2 preempted", "in 1 at 3 waited 3", "out 1 at 3", "in 0 at 4 waited 2")
                : List.of("in 1 at 0 waited 0", "out 1 at 0", "in 0 at 1 waited 1", "out 0 at 3 preempted");
        assertEquals(expected, hooks.subList(0, expected.size()), ev.toString());
        // vCPU 0: 4 nops, a yield with nobody waiting (kept), the second trap's number is the first's result 0: unknown, r0 = -KVM_ENOSYS
        assertEquals(-1000, m.registers(0).get(0));
    }
    // ---------------------------------------------------------------- VcpuControl of the machine, from handlers and from the embedder

    /** Calls of a probe VM: 1 reads the clock into r0, 2 stops vCPU a0, 3 adds 5 to r3 of vCPU a0 through onVcpu (r0 = 0 or -1 when refused). */
    private static Machine controls(int vcpus, int pcpus, long ns, String... programs) {
        ProbeArchitecture arch = new ProbeArchitecture(ProbeArchitecture.PLAIN, KvmErrno.CODEC, List.of(
                HypercallSpec.builder(1, "CLOCK", t -> t.ok(t.control().nowNanos())).build(),
                HypercallSpec.builder(2, "STOP_OTHER", t -> {
                    t.control().stop((int) t.arg(0));
                    t.ok(0);
                }).build(),
                HypercallSpec.builder(3, "POKE", t -> t.ok(t.control().onVcpu((int) t.arg(0), r -> r.set(3, r.get(3) + 5)) ? 0 : -1)).build(),
                HypercallSpec.builder(4, "STATE", t -> t.ok(t.control().state((int) t.arg(0)).ordinal())).build()),
                ProbeArchitecture.DISPATCH);
        Machine m = new Machine(arch.vm(VmConfig.builder("probe").vcpus(vcpus).pcpus(pcpus).nanosPerInstruction(ns).quantum(1000).build()), "vm");
        load(m, vcpus, programs);
        return m;
    }

    @Test
    @DisplayName("a call that reads the clock in the middle of a translated block sees the time of its own instruction, as with the interpreter "
            + "(kvm_pv_clock_pairing and the arm64 PTP call read the clock at the call)")
    void clockReadInsideABlock() {
        qt().withExamples(20).forAll(integers().between(0, 40), integers().between(1, 5)).checkAssert((nops, ns) -> {
            String program = "nop; ".repeat(nops) + "trap; hlt";
            for (boolean translate : new boolean[] {true, false}) {
                Machine m = controls(1, 1, ns, program);
                m.translate(translate);
                m.registers(0).set(0, 1);
                RunResult r = m.run(1000, MAX);
                assertEquals((long) nops * ns, m.registers(0).get(0), "translate " + translate);
                assertEquals(new RunResult(RunResult.Reason.IDLE, nops + 2, (nops + 2L) * ns, nops + 2), r);
            }
        });
    }

    @Test
    @DisplayName("stopping another vCPU (s390 SIGP STOP, arch/s390/kvm/sigp.c __sigp_stop): a waiting one leaves the run queue and never runs, a running "
            + "one leaves its physical CPU; an index outside the VM is ignored")
    void stopOfAnotherVcpu() {
        for (boolean translate : new boolean[] {true, false}) {
            // one physical CPU: vCPU 1 waits in the run queue (if vCPU 0 runs first) when vCPU 0 stops it
            for (long seed = 0; seed < 6; seed++) {
                Machine m = controls(2, 1, 1, "trap; inc r3; hlt", "inc r3; hlt");
                m.translate(translate);
                m.registers(0).set(0, 2);
                m.registers(0).set(1, 1);
                List<SchedEvent> ev = record(m);
                m.run(100, MAX);
                boolean zeroFirst = ev.get(0).vcpu() == 0;
                assertEquals(VcpuState.OFF, m.stateOf(1));
                assertEquals(zeroFirst ? 0 : 1, m.registers(1).get(3), "seed " + seed);
                assertEquals(1, m.registers(0).get(3));
                SchedEvent off = ev.stream().filter(e -> e.event().equals("off")).findFirst().orElseThrow();
                assertEquals(0, off.vcpu());
                assertEquals(Integer.valueOf(1), off.target());
            }
        }
        // two physical CPUs: vCPU 1 runs a loop when vCPU 0 stops it; its physical CPU is then free and vCPU 2 runs there
        Machine m = controls(3, 2, 1, "nop; nop; trap; l: jmp l", "l: inc r1; jmp l", "inc r3; hlt");
        m.initialState(2, VcpuState.OFF);
        m.registers(0).set(0, 2);
        m.registers(0).set(1, 1);
        m.run(20, MAX);
        assertEquals(VcpuState.OFF, m.stateOf(1));
        long loops = m.registers(1).get(1);
        assertTrue(m.start(2, 0x3000, -1, 0));
        assertEquals(0, m.registers(2).get(1), "no context register (-1): nothing written");
        m.run(20, MAX);
        assertEquals(loops, m.registers(1).get(1), "a stopped vCPU runs no more");
        assertEquals(1, m.registers(2).get(3), "the started vCPU found a free physical CPU");
        Machine n = controls(1, 1, 1, "trap; hlt");
        n.registers(0).set(0, 2);
        n.registers(0).set(1, 5);
        assertEquals(RunResult.Reason.IDLE, n.run(100, MAX).reason());
        assertEquals(0, n.registers(0).get(0));
    }

    @Test
    @DisplayName("onVcpu runs the action at once on the target's registers (every vCPU of a machine is on the caller's thread); an index outside "
            + "the VM is refused; state() answers each vCPU's state")
    void onVcpuAndState() {
        Machine m = controls(2, 1, 1, "trap; hlt", "hlt");
        m.initialState(1, VcpuState.OFF);
        m.registers(0).set(0, 3);
        m.registers(0).set(1, 1);
        m.run(100, MAX);
        assertEquals(0, m.registers(0).get(0));
        assertEquals(5, m.registers(1).get(3));
        Machine bad = controls(2, 1, 1, "trap; hlt", "hlt");
        bad.registers(0).set(0, 3);
        bad.registers(0).set(1, 2);
        bad.run(100, MAX);
        assertEquals(-1, bad.registers(0).get(0));
        Machine st = controls(2, 1, 1, "trap; hlt", "hlt");
        st.initialState(1, VcpuState.OFF);
        st.registers(0).set(0, 4);
        st.registers(0).set(1, 1);
        st.run(100, MAX);
        assertEquals(VcpuState.OFF.ordinal(), st.registers(0).get(0));
    }

    @Test
    @DisplayName("the machine is the embedder's VcpuControl too: start powers on an off vCPU at its entry with its context register, kick, interrupt "
            + "and stop act as from a call, and the clock is the machine's")
    void machineAsControl() {
        Machine m = toy(cfg(3, 1).build(), false, "hlt", "inc r3; hlt", "l: jmp l");
        m.initialState(1, VcpuState.OFF);
        assertEquals(VcpuState.OFF, m.state(1));
        assertTrue(m.start(1, 0x2000, 2, 0x77));
        assertFalse(m.start(1, 0x2000, 2, 0x77), "already on");
        assertFalse(m.start(5, 0x2000, 2, 0x77), "no such vCPU");
        assertEquals(VcpuState.RUNNABLE, m.state(1));
        assertEquals(0x2000, m.registers(1).pc());
        assertEquals(0x77, m.registers(1).get(2));
        m.stop(2);
        assertEquals(VcpuState.OFF, m.state(2));
        m.run(100, MAX);
        assertEquals(1, m.registers(1).get(3));
        assertEquals(VcpuState.HALTED, m.stateOf(1));
        m.interrupt(1, 0x40);
        assertEquals(VcpuState.RUNNABLE, m.state(1));
        assertEquals(java.util.Map.of(0x40, 1), m.interrupts(1));
        m.kick(0);
        assertEquals(VcpuState.RUNNABLE, m.state(0));
        assertEquals(m.now(), m.nowNanos());
        assertTrue(m.onVcpu(0, r -> r.set(1, 9)));
        assertEquals(9, m.registers(0).get(1));
        assertFalse(m.onVcpu(-1, r -> r.set(1, 9)));
        Machine t = toy(cfg(1, 1).build(), false, "hlt");
        t.armTimer(0, 10);
        assertEquals(RunResult.Reason.TIME_BUDGET, t.run(100, 5).reason(), "an armed timer keeps the idle machine's clock going");
        assertEquals(5, t.now());
        assertEquals(RunResult.Reason.IDLE, t.run(100, 1000).reason());
        assertEquals(10, t.now(), "the toy's timer does nothing; the clock stopped at it");
    }

    @Test
    @DisplayName("what re-entry completes can itself halt the vCPU (a completion that waits, as H_CEDE after an exit): the vCPU halts, not runs on")
    void completionThatHalts() {
        ProbeArchitecture arch = new ProbeArchitecture(ProbeArchitecture.PLAIN, KvmErrno.CODEC, List.of(HypercallSpec.builder(1, "EXIT_THEN_WAIT",
                t -> t.exitToHost(new Exit.Hypercall(1, new long[] {0, 0, 0, 0, 0, 0}, 0, 0), (tt, ret) -> {
                    tt.halt();
                    tt.ok(ret);
                })).build()), ProbeArchitecture.DISPATCH);
        for (boolean hostAnswers : new boolean[] {true, false}) {
            Machine m = new Machine(arch.vm(VmConfig.builder("probe").build()), "vm");
            load(m, 1, "trap; inc r3; hlt");
            m.registers(0).set(0, 1);
            if (!hostAnswers) {
                m.host((v, r) -> HostHandler.STAY_EXITED);
            }
            m.run(100, MAX);
            if (!hostAnswers) {
                assertEquals(VcpuState.EXITED, m.stateOf(0));
                m.reenter(0);
            }
            assertEquals(VcpuState.HALTED, m.stateOf(0), "host answers " + hostAnswers);
            assertEquals(0, m.registers(0).get(3));
            assertEquals(0x1002, m.registers(0).pc());
        }
    }

    @Test
    @DisplayName("an interruption the trap gate delivers to the guest's own handler (the PC already there) lets the vCPU run on at the handler")
    void interruptedRunsOnAtTheHandler() {
        ProbeArchitecture arch = new ProbeArchitecture(ProbeArchitecture.PLAIN, KvmErrno.CODEC, List.of(), t -> {
            t.registers().pc(0x1800);
            t.interrupted(Fault.X86.gp(0, t.pc()), "delivered");
        });
        Machine m = new Machine(arch.vm(VmConfig.builder("probe").build()), "vm");
        load(m, 1, "trap; hlt");
        m.load(0x1800, m.vm().assemble("inc r3; hlt", 0x1800).bytes());
        m.run(100, MAX);
        assertEquals(1, m.registers(0).get(3));
        assertEquals(VcpuState.HALTED, m.stateOf(0));
        assertNull(m.stopReason(0));
    }

    @Test
    @DisplayName("a call that powers its own vCPU off and then exits is not answered by the host: the vCPU stays off at the trap")
    void exitAfterOwnPowerOffIsNotAnswered() {
        ProbeArchitecture arch = new ProbeArchitecture(ProbeArchitecture.PLAIN, KvmErrno.CODEC, List.of(HypercallSpec.builder(1, "OFF_AND_EXIT", t -> {
            t.control().stop(t.vcpu());
            t.exitToHost(new Exit.Hypercall(1, new long[] {0, 0, 0, 0, 0, 0}, 0, 0), null);
        }).build()), ProbeArchitecture.DISPATCH);
        Machine m = new Machine(arch.vm(VmConfig.builder("probe").build()), "vm");
        load(m, 1, "trap; inc r3; hlt");
        m.registers(0).set(0, 1);
        int[] asked = {0};
        m.host((v, r) -> {
            asked[0]++;
            return 0;
        });
        m.run(100, MAX);
        assertEquals(0, asked[0]);
        assertEquals(VcpuState.OFF, m.stateOf(0));
        assertEquals(0x1000, m.registers(0).pc());
        assertEquals(1, m.registers(0).get(0));
    }

    @Test
    @DisplayName("the trace of a host's answer: the exit, then the re-entry with the value the host returned")
    void hostReturnIsTraced() {
        Machine m = toy(cfg(1, 1).build(), false, "trap; hlt");
        m.host((v, r) -> 0x63);
        m.registers(0).set(0, 6);
        m.registers(0).set(1, 4);
        List<SchedEvent> ev = record(m);
        m.run(100, MAX);
        List<SchedEvent> exits = ev.stream().filter(e -> e.event().equals("exit") || e.event().equals("reenter")).toList();
        assertEquals(2, exits.size(), ev.toString());
        assertEquals(new Exit.Hypercall(6, new long[] {4, 0, 0, 0, 0, 0}, 0, 0).toString(), exits.get(0).detail());
        assertEquals(Integer.valueOf(0), exits.get(0).pcpu());
        assertEquals("host returned 0x63", exits.get(1).detail());
        assertEquals(0x63, m.registers(0).get(0));
    }

    @Test
    @DisplayName("CPU_ON resets the target as at creation, then sets its entry and context, context register 0 included (arch/arm64/kvm/psci.c "
            + "kvm_psci_vcpu_on: reset_state.pc = entry, reset_state.r0 = context_id, then kvm_reset_vcpu)")
    void startResetsThenSetsEntryAndContext() {
        List<Integer> resets = new ArrayList<>();
        ProbeArchitecture arch = new ProbeArchitecture(ProbeArchitecture.PLAIN, KvmErrno.CODEC, List.of(), ProbeArchitecture.DISPATCH)
                .hooks(new ProbeArchitecture.Hooks() {
                    @Override
                    public void resetVcpu(int vcpu, RegisterAccess regs) {
                        resets.add(vcpu);
                        for (int r = 0; r < 8; r++) {
                            regs.set(r, 0x50 + r); // a recognisable reset state
                        }
                    }
                });
        Machine m = new Machine(arch.vm(VmConfig.builder("probe").vcpus(2).build()), "vm");
        assertEquals(List.of(0, 1), resets, "every vCPU is reset when the machine is built");
        assertEquals(0x55, m.registers(1).get(5));
        m.initialState(1, VcpuState.OFF);
        m.registers(1).set(5, 0);
        assertTrue(m.start(1, 0x4000, 0, 0xC0FFEE));
        assertEquals(List.of(0, 1, 1), resets);
        assertEquals(0xC0FFEE, m.registers(1).get(0), "the context in register 0, after the reset");
        assertEquals(0x55, m.registers(1).get(5), "the rest as reset");
        assertEquals(0x4000, m.registers(1).pc());
    }

    @Test
    @DisplayName("an instruction that reads the time (RISC-V rdtime, RiscvInterpreter.time) reads the machine's virtual time at that instruction")
    void instructionReadsTheMachineClock() {
        ProbeArchitecture arch = new ProbeArchitecture(ProbeArchitecture.PLAIN, KvmErrno.CODEC, List.of(), ProbeArchitecture.DISPATCH);
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = new Machine(arch.vm(VmConfig.builder("probe").nanosPerInstruction(7).build()), "vm");
            load(m, 1, "nop; nop; nop; rdtime r3; hlt");
            m.translate(translate);
            m.run(100, MAX);
            assertEquals(21, m.registers(0).get(3), "translate " + translate);
        }
    }

    @Test
    @DisplayName("an SGI sent by an instruction (ICC_SGI1R_EL1, vgic_v3_dispatch_sgi) wakes the halted target, which then gets the physical CPU "
            + "after the sender's quantum, with either engine")
    void instructionSgiWakesTheTarget() {
        ProbeArchitecture arch = new ProbeArchitecture(ProbeArchitecture.PLAIN, KvmErrno.CODEC, List.of(), ProbeArchitecture.DISPATCH);
        for (boolean translate : new boolean[] {true, false}) {
            Machine m = new Machine(arch.vm(VmConfig.builder("probe").vcpus(2).quantum(4).build()), "vm");
            load(m, 2, "sgi r1; l: inc r2; jmp l", "inc r3; hlt");
            m.initialState(1, VcpuState.HALTED);
            m.registers(0).set(1, 1);
            m.translate(translate);
            List<SchedEvent> ev = record(m);
            m.run(20, MAX);
            assertEquals(java.util.Map.of(1, 1), m.interrupts(1));
            assertEquals(1, m.registers(1).get(3));
            SchedEvent run1 = ev.stream().filter(e -> e.event().equals("run") && e.vcpu() == 1).findFirst().orElseThrow();
            assertEquals(4, run1.time(), "translate " + translate + ": after vCPU 0's quantum of 4: " + ev);
        }
    }
}
