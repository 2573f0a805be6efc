package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.arch.x86.X86Vm;
import dev.hcsim.arch.x86.X86Xen;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The hypercall parts of tools/testing/selftests/kvm/x86/xen_shinfo_test.c (torvalds/linux, read at commit 033b76bc):
 * the stages in which the guest makes a Xen hypercall (EVTCHNOP_send, set_timer_op, SCHEDOP_poll) or the host checks the
 * timer such a call started (arch/x86/kvm/xen.c kvm_xen_hcall_evtchn_send, kvm_xen_hcall_set_timer_op,
 * kvm_xen_schedop_poll, kvm_xen_check_poller). The host setup is main()'s: KVM_XEN_HVM_CONFIG with INTERCEPT_HCALL and
 * EVTCHN_SEND, long mode, shared_info at 0xc0000000, vcpu_info at 0xc0000040, the callback vector 0x10, port 127 sending
 * to EVTCHN_TEST1 (first on vCPU id 1, then updated to vCPU 0), port 197 to an eventfd, and the timer on EVTCHN_TIMER.
 * Each test runs one stage from that state: the guest's guest_wait_for_irq is "the vector reached the vCPU"
 * (Machine.interrupts), and the stages cite the selftest by function, stage and assertion message.
 */
class X86XenShinfoSelftest {
    static final long SHINFO = 0xc000_0000L;
    static final long VCPU_INFO = SHINFO + 0x40;
    static final int EVTCHN_VECTOR = 0x10;
    static final int EVTCHN_TEST1 = 15;
    static final int EVTCHN_TEST2 = 66;
    static final int EVTCHN_TIMER = 13;
    static final long XEN_HYPERCALL_MSR = 0x4000_0000L;
    static final long KVM_CAP_XEN_HVM = 124;
    static final long KVM_XEN_HVM_CONFIG_SHARED_INFO = 1L << 2;
    static final long KVM_XEN_HVM_CONFIG_EVTCHN_2LEVEL = 1L << 4;
    /** Guest scratch: struct evtchn_send at 0x3000, struct sched_poll at 0x3100, ports[] at 0x3200. */
    static final long SEND = 0x3000;
    static final long POLL = 0x3100;
    static final long PORTS = 0x3200;

    static final class Rig {
        final Vm vm;
        final Machine m;
        final X86Xen xen;
        final MemoryAccess mem;

        /** main()'s setup before the run loop. */
        Rig() {
            vm = Vm.create(VmConfig.builder("x86").vcpus(1).memory(0, 0x10000).memory(SHINFO, 0x3000).build());
            xen = vm.archState(X86Vm.class).xen();
            xen.hvmConfig(X86Xen.KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL | X86Xen.KVM_XEN_HVM_CONFIG_EVTCHN_SEND, XEN_HYPERCALL_MSR);
            xen.setLongMode(true);
            xen.setSharedInfo(SHINFO >>> 12);
            xen.setVcpuInfo(0, VCPU_INFO);
            xen.setUpcallVector(EVTCHN_VECTOR);
            xen.assignEvtchn(127, X86Xen.EVTCHNSTAT_INTERDOMAIN, EVTCHN_TEST1, vm.vcpuId(0) + 1);
            xen.updateEvtchn(127, X86Xen.EVTCHNSTAT_INTERDOMAIN, EVTCHN_TEST1, vm.vcpuId(0)); // "Test migration to a different vCPU"
            xen.assignEvtchn(197, X86Xen.EVTCHNSTAT_INTERDOMAIN, 0, vm.vcpuId(0)); // deliver.eventfd.port = 0
            m = new Machine(vm, "xen_shinfo_test");
            xen.setTimer(0, EVTCHN_TIMER, 0, m.memory(), m);
            mem = new MemoryAccess(m.memory(), ByteOrder.LITTLE_ENDIAN);
        }

        /** Runs {@code source} (a xen_hypercall() or two, then hlt) from 0x1000. */
        RunResult guest(String source) {
            m.load(0x1000, vm.assemble(source, 0x1000).bytes());
            m.registers(0).pc(0x1000);
            return m.run(1_000_000, Long.MAX_VALUE);
        }

        int irqs() {
            return m.interrupts(0).getOrDefault(EVTCHN_VECTOR, 0);
        }

        boolean pending(int port) {
            return (mem.read8(SHINFO + 0x800 + port / 8) & (1 << (port % 8))) != 0;
        }

        /** Sets bit {@code port} of a shared_info bitmap: evtchn_pending at 0x800, evtchn_mask at 0xa00 (64-bit layout). */
        void setBit(long bitmap, int port) {
            long a = SHINFO + bitmap + port / 8;
            mem.write(a, 1, mem.read8(a) | 1 << (port % 8));
        }

        void mask(int port) {
            setBit(0xa00, port);
        }

        void setPending(int port) {
            setBit(0x800, port);
        }

        void poll(int port, long timeout) {
            mem.write(PORTS, 4, port);
            mem.write(POLL, 8, PORTS);
            mem.write(POLL + 8, 4, 1);
            mem.write(POLL + 16, 8, timeout);
        }
    }

    /** xen_hypercall(nr, a0, a1): RAX = nr, RDI, RSI; the result into r12; then a flag in r13 that the guest went on. */
    static String hypercall(long nr, long a0, long a1) {
        return String.join("\n",
                "    mov $" + nr + ", %rax",
                "    movabs $0x" + Long.toHexString(a0) + ", %rdi",
                "    movabs $0x" + Long.toHexString(a1) + ", %rsi",
                "    vmcall",
                "    mov %rax, %r12",
                "    mov $1, %r13",
                "wait:",
                "    hlt",
                "    jmp wait");
    }

    @Test
    @DisplayName("xen_shinfo_test.c main: TEST_REQUIRE(xen_caps & KVM_XEN_HVM_CONFIG_SHARED_INFO); do_evtchn_tests: EVTCHN_2LEVEL and EVTCHN_SEND")
    void capabilities() {
        long caps = Vm.create(VmConfig.builder("x86").build()).control().checkExtension(KVM_CAP_XEN_HVM);
        assertTrue((caps & KVM_XEN_HVM_CONFIG_SHARED_INFO) != 0);
        assertTrue((caps & KVM_XEN_HVM_CONFIG_EVTCHN_2LEVEL) != 0 && (caps & X86Xen.KVM_XEN_HVM_CONFIG_EVTCHN_SEND) != 0);
    }

    @Test
    @DisplayName("xen_shinfo_test.c TEST_EVTCHN_HCALL: EVTCHNOP_send on port 127 raises EVTCHN_TEST1 on vCPU 0 and the guest sees the IRQ "
            + "(TEST_GUEST_SAW_IRQ: \"Unexpected event channel IRQ\" / \"Expected event channel IRQ but it didn't happen\")")
    void evtchnHcall() {
        Rig r = new Rig();
        r.mem.write(SEND, 4, 127);
        r.guest(hypercall(32, 4, SEND));
        assertEquals(0, r.m.registers(0).get("r12"));
        assertEquals(1, r.irqs(), "the callback vector");
        assertTrue(r.pending(EVTCHN_TEST1));
        assertEquals(1, r.mem.read8(VCPU_INFO), "evtchn_upcall_pending");
    }

    @Test
    @DisplayName("xen_shinfo_test.c TEST_EVTCHN_HCALL_EVENTFD: EVTCHNOP_send on port 197 signals its eventfd (whose irqfd raises "
            + "EVTCHN_TEST2 and the IRQ)")
    void evtchnHcallEventfd() {
        Rig r = new Rig();
        r.mem.write(SEND, 4, 197);
        r.guest(hypercall(32, 4, SEND));
        assertEquals(0, r.m.registers(0).get("r12"));
        assertEquals(1, r.xen.eventfdSignals(197));
        // The irqfd on GSI 33 routes to EVTCHN_TEST2 (KVM_IRQ_ROUTING_XEN_EVTCHN): the same delivery as KVM_XEN_HVM_EVTCHN_SEND.
        r.xen.evtchnSend(EVTCHN_TEST2, r.vm.vcpuId(0), r.m.memory(), r.m);
        assertTrue(r.pending(EVTCHN_TEST2));
        assertEquals(1, r.irqs());
    }

    @Test
    @DisplayName("xen_shinfo_test.c TEST_TIMER_SETUP/TEST_TIMER_WAIT: set_timer_op(now + 100 ms); KVM_XEN_VCPU_GET_ATTR gives "
            + "\"Timer port not returned\" and \"Timer expiry not returned\" right; then the timer's IRQ arrives")
    void timerSetupAndWait() {
        Rig r = new Rig();
        r.m.load(0x1000, r.vm.assemble(String.join("\n",
                "    mov $15, %rax",
                "    mov $100000000, %rdi",
                "    vmcall",
                "    mov %rax, %r12",
                "wait:",
                "    hlt",
                "    jmp wait"), 0x1000).bytes());
        r.m.registers(0).pc(0x1000);
        r.m.run(1_000, 50_000_000L); // up to TEST_TIMER_WAIT's ucall: the call made, the timer not yet due
        assertEquals(EVTCHN_TIMER, r.xen.timerPort(0), "Timer port not returned");
        assertEquals(100_000_000L, r.xen.timerExpires(0), "Timer expiry not returned");
        assertEquals(0, r.irqs());
        RunResult res = r.m.run(1_000_000, Long.MAX_VALUE);
        assertEquals(1, r.irqs(), "Expected event channel IRQ but it didn't happen");
        assertTrue(res.timeNanos() >= 100_000_000L);
        assertTrue(r.pending(EVTCHN_TIMER));
    }

    @Test
    @DisplayName("xen_shinfo_test.c TEST_POLL_READY: SCHEDOP_poll for a port already pending (and masked) returns at once")
    void pollReady() {
        Rig r = new Rig();
        r.setPending(EVTCHN_TIMER);
        r.mask(EVTCHN_TIMER);
        r.poll(EVTCHN_TIMER, 0);
        RunResult res = r.guest(hypercall(29, 3, POLL));
        assertEquals(1, r.m.registers(0).get("r13"));
        assertEquals(0, r.m.registers(0).get("r12"));
        assertTrue(res.timeNanos() < 1_000_000L, "no wait");
    }

    @Test
    @DisplayName("xen_shinfo_test.c TEST_POLL_TIMEOUT: SCHEDOP_poll for an unset port with a 100 ms timeout returns after the timeout")
    void pollTimeout() {
        Rig r = new Rig();
        r.poll(EVTCHN_TIMER, 100_000_000L);
        RunResult res = r.guest(hypercall(29, 3, POLL));
        assertEquals(1, r.m.registers(0).get("r13"));
        assertTrue(res.timeNanos() >= 100_000_000L, "woken by the timeout, not before: " + res.timeNanos());
        assertEquals(0, r.irqs());
    }

    @Test
    @DisplayName("xen_shinfo_test.c TEST_POLL_MASKED: \"A timer will wake the masked port we're waiting on, while we poll\"")
    void pollMasked() {
        Rig r = new Rig();
        r.mask(EVTCHN_TIMER);
        r.xen.setTimer(0, EVTCHN_TIMER, 100_000_000L, r.m.memory(), r.m);
        r.poll(EVTCHN_TIMER, 0);
        RunResult res = r.guest(hypercall(29, 3, POLL));
        assertEquals(1, r.m.registers(0).get("r13"), "kvm_xen_check_poller woke the poller");
        assertTrue(res.timeNanos() >= 100_000_000L);
        assertEquals(0, r.irqs(), "masked: no IRQ");
        assertTrue(r.pending(EVTCHN_TIMER));
    }

    @Test
    @DisplayName("xen_shinfo_test.c TEST_POLL_WAKE: \"Timer not reported pending\" is the expiry set; the timer on an unmasked port wakes "
            + "a poll of another port with an actual interrupt")
    void pollWake() {
        Rig r = new Rig();
        r.xen.setTimer(0, EVTCHN_TIMER, 100_000_000L, r.m.memory(), r.m);
        assertEquals(100_000_000L, r.xen.timerExpires(0), "Timer not reported pending");
        r.poll(EVTCHN_TIMER + 1, 0); // ports[0]++
        RunResult res = r.guest(hypercall(29, 3, POLL));
        assertEquals(1, r.m.registers(0).get("r13"));
        assertEquals(1, r.irqs(), "woken by the IRQ");
        assertTrue(res.timeNanos() >= 100_000_000L);
    }

    @Test
    @DisplayName("xen_shinfo_test.c TEST_TIMER_PAST: a fired timer is no longer reported (\"Timer still reported pending\"); one set in "
            + "the past fires at once")
    void timerPast() {
        Rig r = new Rig();
        r.xen.setTimer(0, EVTCHN_TIMER, 1_000L, r.m.memory(), r.m);
        r.guest("    mov $1, %r13\nwait:\n    hlt\n    jmp wait");
        assertEquals(0, r.xen.timerExpires(0), "Timer still reported pending");
        assertEquals(1, r.irqs());
        r.mem.write(SHINFO + 0x800, 8, 0); // shinfo->evtchn_pending[0] = 0
        r.mem.write(VCPU_INFO, 1, 0);
        r.mem.write(VCPU_INFO + 8, 8, 0);
        r.xen.setTimer(0, EVTCHN_TIMER, r.m.nowNanos() - 100_000L, r.m.memory(), r.m);
        assertEquals(0, r.xen.timerExpires(0), "fired at once");
        assertEquals(2, r.irqs());
        assertTrue(r.pending(EVTCHN_TIMER));
    }
}
