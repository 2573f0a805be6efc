package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import dev.hcsim.core.trace.SchedEvent;
import dev.hcsim.core.trace.Trace;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Xen guests on the deterministic scheduler: the hypercall page (xen.c kvm_xen_write_hypercall_page) called through,
 * SCHEDOP_poll blocking until another vCPU's EVTCHNOP_send, its timeout, and a Xen timer waking a poller of a masked
 * port (kvm_xen_check_poller).
 */
class X86XenMachineTest {
    static final long PAGE = 0x4000;
    static final long SHINFO = 0x8000;

    /** The stub of hypercall {@code nr} in the hypercall page. */
    static String stub(long nr) {
        return "0x" + Long.toHexString(PAGE + 32 * nr);
    }

    /** Writes the hypercall MSR (0x40000000) with the page's GPA. */
    static final String FILL_PAGE = String.join("\n",
            "    mov $0x40000000, %ecx",
            "    mov $0x4000, %eax",
            "    mov $0, %edx",
            "    wrmsr");

    static final class Rig {
        final Machine m;
        final X86Xen xen;
        final MemoryAccess mem;
        final Trace trace = new Trace();

        Rig(VmConfig.Builder b) {
            Vm vm = Vm.create(b.memory(0, 0x10000).build());
            m = new Machine(vm, "xen");
            xen = vm.archState(X86Vm.class).xen();
            mem = new MemoryAccess(m.memory(), ByteOrder.LITTLE_ENDIAN);
            m.traceTo(trace);
        }

        void program(int vcpu, long at, String source) {
            m.load(at, m.vm().assemble(source, at).bytes());
            m.registers(vcpu).pc(at);
        }

        boolean halted(int vcpu, String detail) {
            return trace.events().stream().anyMatch(e -> e instanceof SchedEvent s && s.vcpu() == vcpu && s.event().equals("halt")
                    && detail.equals(s.detail()));
        }
    }

    static VmConfig.Builder xen(int vcpus) {
        return VmConfig.builder("x86").vcpus(vcpus).pcpus(vcpus).feature("xen", true).option("xen-shared-info", "0x8000")
                .option("xen-evtchn-send", "on");
    }

    @Test
    @DisplayName("kvm_xen_write_hypercall_page: the guest's wrmsr fills the page; call *stub(17) runs mov $17,%eax; vmcall; ret")
    void callThroughThePage() {
        Rig r = new Rig(xen(1).option("xen-version", "0x4000a"));
        r.program(0, 0x1000, String.join("\n", "    mov $0xF000, %rsp", FILL_PAGE,
                "    movabs $" + stub(17) + ", %r11",
                "    mov $0, %rdi",
                "    call *%r11",
                "    mov %rax, %r12",
                "    hlt"));
        r.m.run(10_000, Long.MAX_VALUE);
        assertEquals(0x4000a, r.m.registers(0).get(12), "xen_version(XENVER_version) answered in the kernel, back from ret");
        assertEquals(0xF000, r.m.registers(0).get(X86Registers.RSP), "ret popped what call pushed");
        byte[] s17 = new byte[32];
        r.m.memory().read(PAGE + 17 * 32, s17, 0, 32);
        assertEquals(0xb8, s17[0] & 0xFF);
        assertEquals(17, s17[1]);
        assertEquals(0xc1, s17[7] & 0xFF, "Intel host: vmcall");
    }

    @Test
    @DisplayName("kvm_xen_schedop_poll: vCPU 0 halts polling port 3 until vCPU 1's EVTCHNOP_send raises it (the kick of kvm_xen_set_evtchn_fast)")
    void pollUntilAnotherVcpuSends() {
        Rig r = new Rig(xen(2).option("xen-evtchn-port", "3").option("xen-evtchn-vcpu", "0"));
        r.m.load(0x3000, X86XenHypercallTest.le64(0x3100, 1, 0)); // struct sched_poll {ports, nr_ports = 1, timeout = 0}
        r.m.load(0x3100, X86XenHypercallTest.le32(3));
        r.m.load(0x3200, X86XenHypercallTest.le32(3)); // struct evtchn_send {port = 3}
        r.program(0, 0x1000, String.join("\n", "    mov $0xF000, %rsp", FILL_PAGE,
                "    movabs $" + stub(X86XenHypercalls.SCHED_OP) + ", %r11",
                "    mov $3, %rdi",
                "    mov $0x3000, %rsi",
                "    call *%r11",
                "    mov %rax, %r12",
                "    mov $1, %r13",
                "    hlt"));
        r.program(1, 0x2000, String.join("\n", "    mov $0xE000, %rsp",
                "    mov $200, %rcx",
                "spin:",
                "    sub $1, %rcx",
                "    jne spin",
                "    movabs $" + stub(X86XenHypercalls.EVENT_CHANNEL_OP) + ", %r11",
                "    mov $4, %rdi",
                "    mov $0x3200, %rsi",
                "    call *%r11",
                "    mov %rax, %r12",
                "    hlt"));
        r.m.run(100_000, Long.MAX_VALUE);
        assertTrue(r.halted(0, "__HYPERVISOR_sched_op"), "vCPU 0 blocked in SCHEDOP_poll");
        assertEquals(1, r.m.registers(0).get(13), "vCPU 0 woke and went on after the call");
        assertEquals(0, r.m.registers(0).get(12), "SCHEDOP_poll answered 0");
        assertEquals(0, r.m.registers(1).get(12), "EVTCHNOP_send answered 0");
        assertEquals(1 << 3, r.mem.read8(SHINFO + 0x800), "port 3 pending in shared_info");
        assertEquals(1, r.mem.read8(SHINFO), "vCPU 0's evtchn_upcall_pending");
        assertFalse(r.xen.polling(0), "its poll_mask bit is gone once it runs");
    }

    @Test
    @DisplayName("kvm_xen_schedop_poll: nobody sends, the 1 ms timeout (poll_timer, cancel_evtchn_poll) wakes the vCPU")
    void pollTimeout() {
        Rig r = new Rig(xen(1));
        r.m.load(0x3000, X86XenHypercallTest.le64(0x3100, 1, 1_000_000));
        r.m.load(0x3100, X86XenHypercallTest.le32(3));
        r.program(0, 0x1000, String.join("\n",
                "    mov $29, %rax",
                "    mov $3, %rdi",
                "    mov $0x3000, %rsi",
                "    vmcall",
                "    mov $1, %r13",
                "    hlt"));
        RunResult res = r.m.run(100_000, Long.MAX_VALUE);
        assertEquals(1, r.m.registers(0).get(13), "woken by the timeout");
        assertTrue(res.timeNanos() >= 1_000_000, "not before the timeout: " + res.timeNanos());
        assertEquals(VcpuState.HALTED, r.m.stateOf(0));
    }

    @Test
    @DisplayName("kvm_xen_check_poller: the Xen timer raises its masked port while the vCPU polls it, which wakes it without an upcall")
    void timerWakesPollerOfMaskedPort() {
        Rig r = new Rig(xen(1).option("xen-timer-port", "13"));
        r.m.load(SHINFO + 0xa01, new byte[] {1 << 5}); // evtchn_mask: port 13
        r.m.load(0x3000, X86XenHypercallTest.le64(0x3100, 1, 0));
        r.m.load(0x3100, X86XenHypercallTest.le32(13));
        r.program(0, 0x1000, String.join("\n",
                "    mov $15, %rax",            // set_timer_op(500 us)
                "    mov $500000, %rdi",
                "    vmcall",
                "    mov $29, %rax",            // SCHEDOP_poll(port 13), no timeout
                "    mov $3, %rdi",
                "    mov $0x3000, %rsi",
                "    vmcall",
                "    mov $1, %r13",
                "    hlt"));
        RunResult res = r.m.run(100_000, Long.MAX_VALUE);
        assertEquals(1, r.m.registers(0).get(13), "woken by kvm_xen_check_poller");
        assertTrue(res.timeNanos() >= 500_000);
        assertEquals(1 << 5, r.mem.read8(SHINFO + 0x801), "port 13 pending");
        assertEquals(0, r.mem.read8(SHINFO), "masked: no evtchn_upcall_pending");
        assertEquals(0, r.xen.timerExpires(0), "the timer fired");
    }
}
