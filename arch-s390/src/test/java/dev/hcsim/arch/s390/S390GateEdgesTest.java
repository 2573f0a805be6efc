package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.Status;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The edges of the s390 trap gate (issue 25: mutants no test noticed): what SIE intercepts and hands to a ucontrol VMM
 * (arch/s390/kvm/intercept.c kvm_handle_sie_intercept), the instruction-length code of an instruction it does not intercept
 * (Principles of Operation), the exits of userspace=exit (kvm-s390.c, diag.c -EOPNOTSUPP), the watchdog's deadline, the
 * clocks, and the embedder's entry points.
 */
class S390GateEdgesTest {

    static TrapResult trapAt(Rig rig, String insn, long now) {
        rig.m.load(Rig.PC, rig.vm.assemble(insn, Rig.PC).bytes());
        rig.regs().pc(Rig.PC);
        return rig.vm.trap(0, rig.regs(), rig.m.memory(), OverriddenControl.at(rig.m, now));
    }

    static String why(Rig rig) {
        return Engine.context(rig.vm).frame(0).why();
    }

    private static Rig ucontrol() {
        return Rig.of(VmConfig.builder("s390").option("vm-type", "ucontrol"));
    }

    @Test
    @DisplayName("ucontrol: SIE intercepts DIAGNOSE, SIGP, STSI, LPSWE, STAP and STPT, each a KVM_EXIT_S390_SIEIC named in the trace by "
            + "its function code (DIAGNOSE) or opcode; another B2xx instruction is no intercept but the CPU's operation exception")
    void ucontrolInterceptsExactlyTheseInstructions() {
        String[][] cases = {{"b27d0000", "178"}, {"b2b20e00", "178"}, {"b2120000", "178"}, {"b2090000", "178"}, {"ae120000", "174"},
            {"83000288", "648"}};
        for (String[] c : cases) {
            Rig r = ucontrol();
            TrapResult t = r.trapHex(0, c[0]);
            assertEquals(Outcome.EXIT_TO_HOST, t.outcome(), c[0]);
            assertInstanceOf(Exit.S390Sieic.class, t.exit(), c[0]);
            assertEquals("KVM_EXIT_S390_SIEIC (ucontrol)", t.callName(), c[0]);
            assertEquals(Long.parseLong(c[1]), t.number(), c[0]);
        }
        for (String other : new String[] {"b2200000", "b27c0000", "84000000"}) {
            TrapResult t = ucontrol().trapHex(0, other);
            assertEquals(Outcome.FAULT, t.outcome(), other);
            assertEquals(Fault.S390.OPERATION, ((Fault.S390) t.fault()).interruptionCode(), other);
        }
    }

    @Test
    @DisplayName("an instruction the gate does not intercept is the CPU's operation exception with the ILC of its opcode's first two "
            + "bits (PoP: 00 one halfword, 01/10 two, 11 three), the old PSW past it")
    void operationExceptionIlc() {
        String[][] cases = {{"07fe00000000", "1"}, {"84000000", "2"}, {"b2200000", "2"}, {"e30000000004", "3"}};
        for (String[] c : cases) {
            Rig r = Rig.of(1);
            TrapResult t = r.trapHex(0, c[0]);
            Fault.S390 f = (Fault.S390) t.fault();
            assertEquals(Fault.S390.OPERATION, f.interruptionCode(), c[0]);
            int ilc = Integer.parseInt(c[1]);
            assertEquals(ilc, f.ilc(), c[0]);
            assertEquals(Rig.PC + 2L * ilc, f.pc(), c[0]);
        }
    }

    @Test
    @DisplayName("the instruction fetch: nothing readable at the PSW address is an addressing exception (no ILC, nullified); only "
            + "2 bytes before the end of memory is no intercepted instruction, an operation exception")
    void fetchAtTheEndOfMemory() {
        Rig r = Rig.of(VmConfig.builder("s390").vcpus(1).memory(0, 0x10000));
        r.m.load(0xFFFE, new byte[] {0x07, 0x00});
        r.regs().pc(0xFFFE);
        TrapResult two = r.vm.trap(0, r.regs(), r.m.memory(), r.m);
        assertEquals(Outcome.FAULT, two.outcome());
        assertEquals(Fault.S390.OPERATION, ((Fault.S390) two.fault()).interruptionCode());
        assertEquals(1, ((Fault.S390) two.fault()).ilc());
        r.regs().pc(0x10000);
        TrapResult none = r.vm.trap(0, r.regs(), r.m.memory(), r.m);
        assertEquals(Fault.S390.ADDRESSING, ((Fault.S390) none.fault()).interruptionCode());
        assertEquals(0, ((Fault.S390) none.fault()).ilc());
        assertEquals(0x10000, ((Fault.S390) none.fault()).pc());
        assertEquals("instruction fetch outside guest memory", why(r));
    }

    @Test
    @DisplayName("the DIAG 0x288 watchdog fires at the first intercept at or after its deadline (timeout 15 s from time 0: exactly "
            + "15 s), a system reset with a note in the trace (QEMU wdt_diag288.c, action reset)")
    void watchdogDeadlineIsInclusive() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(1).feature("diag288", true));
        rig.regs().set(2, 0);
        rig.regs().set(3, 15);
        rig.regs().set(4, 0);
        TrapResult arm = trapAt(rig, "diag %r2,%r4,0x288", 0);
        assertEquals(Outcome.RESUME, arm.outcome());
        TrapResult before = trapAt(rig, "diag %r0,%r0,0x44", 14_999_999_999L);
        assertEquals(Outcome.YIELD, before.outcome());
        TrapResult at = trapAt(rig, "diag %r0,%r0,0x44", 15_000_000_000L);
        assertEquals(Outcome.EXIT_TO_HOST, at.outcome());
        assertEquals(new Exit.SystemEvent(SystemEventType.RESET), at.exit());
        assertEquals("DIAG_TIMEREVENT watchdog expired: QEMU resets the system", why(rig));
        assertTrue(!rig.state().watchdogArmed());
    }

    @Test
    @DisplayName("a timeout too large for nanoseconds (> 2^63 / 10^9 s) arms the watchdog for the end of time, never an overflowed "
            + "deadline in the past")
    void hugeWatchdogTimeoutNeverFires() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(1).feature("diag288", true));
        rig.regs().set(2, 0);
        rig.regs().set(3, Long.MAX_VALUE / 1_000_000_000L + 1);
        rig.regs().set(4, 0);
        trapAt(rig, "diag %r2,%r4,0x288", 0);
        TrapResult later = trapAt(rig, "diag %r0,%r0,0x44", 1_000_000_000_000L);
        assertEquals(Outcome.YIELD, later.outcome());
        assertTrue(rig.state().watchdogArmed());
    }

    @Test
    @DisplayName("STAP and STPT in problem state are privileged operations named STAP / STPT in the trace; a DIAGNOSE's trace number is "
            + "its function code")
    void namesAndNumbers() {
        Rig rig = Rig.of(1);
        rig.regs().set(S390Registers.PSWM, S390Registers.PSW_MASK_RESET | S390Registers.PSW_MASK_PSTATE);
        assertEquals("STAP", rig.trapHex(0, "b2120000").callName());
        assertEquals("STPT", rig.trapHex(0, "b2090000").callName());
        assertEquals(Fault.S390.PRIVILEGED_OP, rig.faultCode(0));
        Rig d = Rig.of(1);
        assertEquals(0x44, d.trap("diag %r0,%r0,0x44").number());
        assertEquals(0x9C, d.trap("diag %r0,%r0,0x9c").number());
    }

    @Test
    @DisplayName("userspace=exit: a code KVM leaves to userspace (0x288) exits KVM_EXIT_S390_SIEIC with the call's name and number, "
            + "status SUCCESS, the PSW already past the DIAGNOSE")
    void userspaceExitOfAKnownCode() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(1).option("userspace", "exit").feature("diag288", true));
        TrapResult t = rig.trap("diag %r2,%r4,0x288");
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        assertEquals("DIAG_TIMEREVENT", t.callName());
        assertEquals(0x288, t.number());
        assertEquals(Status.SUCCESS, t.status());
        assertEquals(Rig.PC + 4, t.nextPc());
        assertEquals(Rig.PC + 4, rig.regs().pc());
        TrapResult unknown = rig.trap("diag %r2,%r4,0x204");
        assertNull(unknown.callName(), "no spec for 0x204");
        assertEquals(0x204, unknown.number());
    }

    @Test
    @DisplayName("userspace=exit, DIAG 0x500 (diag.c __diag_virtio_hypercall): only subcode 3 with a matching ioeventfd stays in KVM, "
            + "cookie 0 included; subcode 4 exits even when an ioeventfd would match its registers")
    void userspaceVirtioFastPath() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(1).option("userspace", "exit"));
        rig.state().virtioSink(new VirtioNotifySink() {
            @Override
            public int ioeventfd(int vcpu, long schid, long data, long cookie) {
                return 0;
            }

            @Override
            public boolean queueNotify(int vcpu, int m, int cssid, int ssid, int schno, int queue, long data) {
                return true;
            }
        });
        rig.regs().set(1, 3);
        rig.regs().set(2, 0x0001_0005L);
        TrapResult fast = rig.trap("diag %r2,%r4,0x500");
        assertEquals(Outcome.RESUME, fast.outcome());
        assertEquals("KVM_S390_VIRTIO_CCW_NOTIFY", fast.callName());
        assertEquals(0, rig.regs().get(2), "the cookie, 0");
        assertEquals(Status.SUCCESS, fast.status());
        rig.regs().set(1, 4);
        TrapResult slow = rig.trap("diag %r2,%r4,0x500");
        assertEquals(Outcome.EXIT_TO_HOST, slow.outcome());
        assertEquals("DIAG_KVM_HYPERCALL", slow.callName());
        Rig qemu = Rig.of(1);
        qemu.state().virtioSink(new VirtioNotifySink() {
            @Override
            public int ioeventfd(int vcpu, long schid, long data, long cookie) {
                return 0;
            }

            @Override
            public boolean queueNotify(int vcpu, int m, int cssid, int ssid, int schno, int queue, long data) {
                throw new AssertionError("the ioeventfd took it");
            }
        });
        qemu.regs().set(1, 3);
        qemu.regs().set(2, 0x0001_0005L);
        qemu.regs().set(3, 7);
        qemu.trap("diag %r2,%r4,0x500");
        assertEquals(0, qemu.regs().get(2), "cookie 0 from KVM's ioeventfd path");
    }

    @Test
    @DisplayName("DIAG 0x500 subcode 3 through QEMU (handle_virtio_ccw_notify): the subchannel id's m bit (19), cssid (31..24), ssid "
            + "(18..17) and schno reach the notify; a notify the device refuses is -EINVAL")
    void ccwNotifyDecodesTheSubchannelId() {
        Rig rig = Rig.of(1);
        int[] seen = new int[4];
        boolean[] accept = {true};
        rig.state().virtioSink(new VirtioNotifySink() {
            @Override
            public boolean queueNotify(int vcpu, int m, int cssid, int ssid, int schno, int queue, long data) {
                seen[0] = m;
                seen[1] = cssid;
                seen[2] = ssid;
                seen[3] = schno;
                return accept[0];
            }
        });
        rig.regs().set(1, 3);
        rig.regs().set(2, 0xFE0F_1234L); // cssid 0xFE, m = 1, ssid 3, the 1 bit, schno 0x1234
        rig.regs().set(3, 2);
        rig.trap("diag %r2,%r4,0x500");
        assertEquals(0, rig.regs().get(2));
        assertEquals(1, seen[0]);
        assertEquals(0xFE, seen[1]);
        assertEquals(3, seen[2]);
        assertEquals(0x1234, seen[3]);
        accept[0] = false;
        rig.regs().set(2, 0x0001_0005L);
        rig.trap("diag %r2,%r4,0x500");
        assertEquals(S390Status.EINVAL, rig.regs().get(2));
    }

    @Test
    @DisplayName("exits and re-entry: a software breakpoint (KVM_EXIT_DEBUG) stays at the DIAGNOSE and re-entry continues there; "
            + "DIAG 0x308 subcode 3's KVM_EXIT_S390_RESET has the PSW past it and re-entry keeps r2 as it stands")
    void exitsAndReentry() {
        Rig dbg = Rig.of(VmConfig.builder("s390").vcpus(1).feature("sw-breakpoints", true));
        TrapResult b = dbg.trap("diag %r0,%r0,0x501");
        assertEquals(new Exit.Debug(Rig.PC), b.exit());
        assertEquals(Rig.PC, b.nextPc());
        dbg.vm.completeExit(0, dbg.regs(), dbg.m.memory(), 0);
        assertEquals(Rig.PC, dbg.regs().pc());
        Rig ipl = Rig.of(1);
        ipl.regs().set(4, 3);
        ipl.regs().set(2, 0x2222);
        TrapResult r = ipl.trap("diag %r2,%r4,0x308");
        assertInstanceOf(Exit.S390Reset.class, r.exit());
        assertEquals(Rig.PC + 4, r.nextPc());
        assertEquals(Rig.PC + 4, ipl.regs().pc());
        ipl.vm.completeExit(0, ipl.regs(), ipl.m.memory(), 99);
        assertEquals(0x2222, ipl.regs().get(2), "the host's answer is not written to r2");
        assertEquals(Rig.PC + 4, ipl.regs().pc());
    }

    @Test
    @DisplayName("kvm_s390_vcpu_initial_reset: PSW = the reset mask, prefix 0, gbea 1, pfault cancelled")
    void resetVcpu() {
        Rig rig = Rig.of(1);
        rig.regs().set(S390Registers.PREFIX, 0x20000);
        rig.regs().set(S390Registers.PSWM, 0x0705_0001_8000_0000L);
        rig.state().pfaultToken[0] = 0x1000;
        rig.state().resetVcpu(0, rig.regs());
        assertEquals(0, rig.regs().get(S390Registers.PREFIX));
        assertEquals(S390Registers.PSW_MASK_RESET, rig.regs().get(S390Registers.PSWM));
        assertEquals(1, rig.regs().get(S390Registers.BEAR));
        assertEquals(S390Vm.PFAULT_TOKEN_INVALID, rig.state().pfaultToken(0));
    }

    @Test
    @DisplayName("the clocks (PoP: TOD bit 51 is one microsecond, 4096 units): the TOD clock advances 6144 units in 1.5 us; the CPU "
            + "timer counts down only between schedule-in and schedule-out (kvm_s390_vcpu_start_accounting / stop_accounting), a "
            + "second schedule-out adds nothing")
    void clocks() {
        S390Vm s = Rig.of(1).state();
        assertEquals(6144, s.todClock(1500) - s.todClock(0));
        assertEquals(4096L * 1_000_000, s.todClock(1_000_000_000L) - s.todClock(0));
        s.scheduleIn(0, 1000, 0, null);
        assertTrue(s.isRunning(0));
        assertEquals(-(4096 + 2048), s.cpuTimer(0, 2500), "1.5 us on the CPU so far");
        s.scheduleOut(0, 3000, true, null);
        s.scheduleOut(0, 5000, true, null);
        assertEquals(-2 * 4096, s.cpuTimer(0, 9000), "2 us on the CPU; the wait is not counted");
    }

    @Test
    @DisplayName("injectProgramInterruption refuses a vCPU index outside the VM, a code outside 1..0xFFFF and a vCPU not at a "
            + "KVM_EXIT_S390_SIEIC, each with a one-line reason")
    void injectProgramInterruptionChecks() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(2).option("userspace", "exit"));
        S390Vm s = rig.state();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.injectProgramInterruption(2, 6)).getMessage()
                .contains("vCPUs 0 to 1"));
        assertThrows(IllegalArgumentException.class, () -> s.injectProgramInterruption(-1, 6));
        assertThrows(IllegalArgumentException.class, () -> s.injectProgramInterruption(0, 0));
        assertThrows(IllegalArgumentException.class, () -> s.injectProgramInterruption(0, 0x10000));
        assertThrows(IllegalStateException.class, () -> s.injectProgramInterruption(0, 6), "no trap yet");
        rig.trap("diag %r0,%r0,0x44");
        assertThrows(IllegalStateException.class, () -> s.injectProgramInterruption(0, 6), "a yield is no exit");
        rig.trap("diag %r2,%r4,0x204");
        s.injectProgramInterruption(0, 0xFFFF);
        Rig dbg = Rig.of(VmConfig.builder("s390").vcpus(1).feature("sw-breakpoints", true));
        dbg.trap("diag %r0,%r0,0x501");
        assertThrows(IllegalStateException.class, () -> dbg.state().injectProgramInterruption(0, 6), "an exit, but not SIEIC");
    }

    @Test
    @DisplayName("virtioSink(null) installs a fresh recording sink; program-interruptions=report is what reportOnly() says")
    void sinkAndReportMode() {
        S390Vm s = Rig.of(1).state();
        VirtioNotifySink first = s.virtioSink();
        s.virtioSink(null);
        assertNotNull(s.virtioSink());
        assertNotSame(first, s.virtioSink());
        assertInstanceOf(RecordingVirtioSink.class, s.virtioSink());
        assertTrue(Rig.of(VmConfig.builder("s390").option("program-interruptions", "report")).state().reportOnly());
        assertTrue(!s.reportOnly());
    }
}
