package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.X86Calls.rax;
import static dev.hcsim.arch.x86.X86Calls.regs;
import static dev.hcsim.arch.x86.X86Calls.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.SingleCall;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Xen hypercall ABI of arch/x86/kvm/xen.c kvm_xen_hypercall, call by call, and its place in kvm_emulate_hypercall. */
class X86XenHypercallTest {
    static final long SHINFO = 0x8000;
    static final long SENDBUF = 0x3000;

    static VmConfig.Builder xen() {
        return vm(2).feature("xen", true);
    }

    static SingleCall.Result call(VmConfig.Builder vm, Object... kv) {
        return SingleCall.run(vm.build(), 0, null, regs(kv), Map.of());
    }

    static SingleCall.Result call(VmConfig.Builder vm, Map<Long, byte[]> memory, Object... kv) {
        return SingleCall.run(vm.build(), 0, null, regs(kv), memory, Map.of(1, VcpuState.RUNNABLE));
    }

    static byte[] le32(long... v) {
        return le(4, v);
    }

    static byte[] le64(long... v) {
        return le(8, v);
    }

    /** Each value as {@code width} little-endian bytes, one after another (the guest structures' layout). */
    private static byte[] le(int width, long... v) {
        byte[] b = new byte[v.length * width];
        for (int i = 0; i < v.length; i++) {
            for (int k = 0; k < width; k++) {
                b[width * i + k] = (byte) (v[i] >>> (8 * k));
            }
        }
        return b;
    }

    static MemoryAccess mem(SingleCall.Result r) {
        return new MemoryAccess(r.machine().memory(), ByteOrder.LITTLE_ENDIAN);
    }

    // ---------------------------------------------------------------- dispatch order

    @Test
    @DisplayName("x86.c kvm_emulate_hypercall: without Xen interception, rax 17 is a KVM number (-KVM_ENOSYS)")
    void withoutXenKvmAnswers() {
        SingleCall.Result r = call(vm(1), "rax", X86XenHypercalls.XEN_VERSION);
        assertEquals(-1000L, rax(r));
    }

    @Test
    @DisplayName("x86.c kvm_emulate_hypercall: with Xen interception, a KVM_HC_* number goes to Xen, which exits with it")
    void withXenKvmNumbersExit() {
        SingleCall.Result r = call(xen(), "rax", X86Hypercalls.KVM_HC_VAPIC_POLL_IRQ);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals(X86Hypercalls.KVM_HC_VAPIC_POLL_IRQ, ((Exit.XenHcall) r.exit()).input());
    }

    @Test
    @DisplayName("xen.h kvm_xen_hypercall_enabled: INTERCEPT_HCALL without an MSR leaves the static key off, so KVM answers")
    void interceptWithoutMsrIsOff() {
        SingleCall.Result r = call(xen().option("xen-hypercall-msr", "0"), "rax", 1);
        assertEquals(0, rax(r));
        assertEquals("KVM_HC_VAPIC_POLL_IRQ", r.call());
    }

    // ---------------------------------------------------------------- the call

    @Test
    @DisplayName("kvm_xen_hypercall: xen_version(XENVER_version) answers the VMM's version, RIP + 3, only RAX written")
    void xenVersion() {
        SingleCall.Result r = call(xen().option("xen-version", "0x4000a"), "rax", 17, "rdi", 0, "rbx", 5);
        assertEquals(Map.of("rax", 0x4000aL, "pc", 0x1003L), r.changed());
        assertEquals("__HYPERVISOR_xen_version", r.call());
        assertEquals(Status.SUCCESS, r.status());
    }

    @Test
    @DisplayName("kvm_xen_hypercall: xen_version with no version set, or another command, exits")
    void xenVersionExits() {
        assertEquals(Outcome.EXIT_TO_HOST, call(xen(), "rax", 17, "rdi", 0).outcome());
        assertEquals(Outcome.EXIT_TO_HOST, call(xen().option("xen-version", "0x4000a"), "rax", 17, "rdi", 1).outcome());
    }

    @Test
    @DisplayName("kvm_xen_hypercall: 64-bit params are RDI, RSI, RDX, R10, R8, R9; the exit is longmode 1, cpl 0, full RAX")
    void exitPayload64() {
        SingleCall.Result r = call(xen(), "rax", 0x1_0000_0011L, "rdi", 1, "rsi", 2, "rdx", 3, "r10", 4, "r8", 5, "r9", 6, "rbx", 7, "rcx", 8);
        Exit.XenHcall e = (Exit.XenHcall) r.exit();
        assertEquals(new Exit.XenHcall(true, 0, 0x1_0000_0011L, 0, List.of(1L, 2L, 3L, 4L, 5L, 6L)), e);
        assertEquals(Map.of(), r.changed(), "nothing changes before the VMM answers; RIP stays on the vmcall");
    }

    @Test
    @DisplayName("kvm_xen_hypercall: 32-bit params are EBX, ECX, EDX, ESI, EDI, EBP cut to u32; input is EAX")
    void exitPayload32() {
        SingleCall.Result r = call(xen().option("mode", "32"), "rax", 0xFFFF_0000_0000_0011L, "rbx", 0xA_0000_0001L, "rcx", 2, "rdx", 3,
                "rsi", 4, "rdi", 5, "rbp", 0xB_0000_0006L, "r10", 9);
        assertEquals(new Exit.XenHcall(false, 0, 0x11, 0, List.of(1L, 2L, 3L, 4L, 5L, 6L)), r.exit());
    }

    @Test
    @DisplayName("kvm_xen_hypercall: CPL 3 goes to the VMM even for a call the kernel would handle")
    void cpl3Exits() {
        SingleCall.Result r = call(xen().option("xen-version", "0x4000a").option("cpl", "3"), "rax", 17, "rdi", 0);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals(3, ((Exit.XenHcall) r.exit()).cpl());
    }

    @Test
    @DisplayName("kvm_xen_hypercall_complete_userspace: the VMM's 64-bit result lands in all of RAX (32-bit mode too) and RIP + 3")
    void completeWritesFullRax() {
        SingleCall.Result r = call(xen().option("mode", "32"), "rax", 99);
        TrapResult done = r.vm().completeExit(0, r.machine().registers(0), r.machine().memory(), 0xcafef00dfbfbffffL);
        assertEquals(Outcome.RESUME, done.outcome());
        assertEquals(0xcafef00dfbfbffffL, r.machine().registers(0).get(X86Registers.RAX));
        assertEquals(0x1003, r.machine().registers(0).pc());
    }

    @Test
    @DisplayName("kvm_xen_hypercall_complete_userspace: a VMM that moved RIP gets nothing written (kvm_is_linear_rip fails)")
    void completeAfterRipMoved() {
        SingleCall.Result r = call(xen(), "rax", 99);
        RegisterFile regs = r.machine().registers(0);
        regs.pc(0x2000);
        r.vm().completeExit(0, regs, r.machine().memory(), 5);
        assertEquals(99, regs.get(X86Registers.RAX));
        assertEquals(0x2000, regs.pc());
    }

    // ---------------------------------------------------------------- event_channel_op

    @Test
    @DisplayName("kvm_xen_hcall_evtchn_send: an unregistered port exits; a registered one raises its port and answers 0")
    void evtchnSend() {
        VmConfig.Builder v = xen().option("xen-shared-info", "0x8000").option("xen-evtchn-port", "5").option("xen-evtchn-vcpu", "1");
        SingleCall.Result unregistered = call(v, Map.of(SENDBUF, le32(6)), "rax", 32, "rdi", 4, "rsi", SENDBUF);
        assertEquals(Outcome.EXIT_TO_HOST, unregistered.outcome());
        SingleCall.Result r = call(v, Map.of(SENDBUF, le32(5)), "rax", 32, "rdi", 4, "rsi", SENDBUF);
        assertEquals(0, rax(r));
        assertEquals(Outcome.RESUME, r.outcome());
        MemoryAccess m = mem(r);
        assertEquals(1 << 5, m.read8(SHINFO + 0x800) & 0xFF, "evtchn_pending bit 5 (kvm_xen_set_evtchn_fast)");
        long vi = SHINFO + 64; // vCPU 1's vcpu_info in shared_info
        assertEquals(1, m.read8(vi), "evtchn_upcall_pending");
        assertEquals(1, m.read64(vi + 8), "evtchn_pending_sel bit 0 = port 5 / 64");
        assertTrue(r.effects().stream().anyMatch(e -> e.kind().equals("kick") && e.target() == 1), "the target is kicked");
    }

    @Test
    @DisplayName("kvm_xen_set_evtchn_fast: a masked port is set pending, gets no upcall, and the send still answers 0 (-ENOTCONN is ignored)")
    void evtchnMasked() {
        VmConfig.Builder v = xen().option("xen-shared-info", "0x8000").option("xen-evtchn-port", "5").option("xen-evtchn-vcpu", "1");
        SingleCall.Result r = call(v, Map.of(SENDBUF, le32(5), SHINFO + 0xa00, new byte[] {1 << 5}), "rax", 32, "rdi", 4, "rsi", SENDBUF);
        assertEquals(0, rax(r));
        assertEquals(1 << 5, mem(r).read8(SHINFO + 0x800) & 0xFF);
        assertEquals(0, mem(r).read8(SHINFO + 64), "no evtchn_upcall_pending");
    }

    @Test
    @DisplayName("kvm_xen_hcall_evtchn_send: without shared_info the delivery fails (-EINVAL) and the call exits")
    void evtchnNoSharedInfoExits() {
        VmConfig.Builder v = xen().option("xen-evtchn-port", "5");
        assertEquals(Outcome.EXIT_TO_HOST, call(v, Map.of(SENDBUF, le32(5)), "rax", 32, "rdi", 4, "rsi", SENDBUF).outcome());
    }

    @Test
    @DisplayName("kvm_xen_hcall_evtchn_send: struct evtchn_send outside guest memory gives -EFAULT in all 64 bits of RAX")
    void evtchnFault() {
        SingleCall.Result r = call(xen().option("mode", "32"), "rax", 32, "rbx", 4, "rcx", 0xFFFF_0000L);
        assertEquals(X86XenStatus.EFAULT, rax(r));
        assertEquals("-EFAULT", r.statusName());
    }

    @Test
    @DisplayName("kvm_xen_hypercall: event_channel_op commands other than EVTCHNOP_send exit")
    void otherEvtchnOpsExit() {
        assertEquals(Outcome.EXIT_TO_HOST, call(xen(), "rax", 32, "rdi", 3).outcome());
    }

    // ---------------------------------------------------------------- sched_op

    @Test
    @DisplayName("kvm_xen_hcall_sched_op: SCHEDOP_yield answers 0 and yields (kvm_vcpu_on_spin)")
    void yield() {
        SingleCall.Result r = call(xen(), Map.of(), "rax", 29, "rdi", 0);
        assertEquals(0, rax(r));
        assertEquals(Outcome.YIELD, r.outcome());
    }

    @Test
    @DisplayName("kvm_xen_schedop_poll: without KVM_XEN_HVM_CONFIG_EVTCHN_SEND, SCHEDOP_poll falls through to yield")
    void pollWithoutEvtchnSendYields() {
        SingleCall.Result r = call(xen().option("xen-shared-info", "0x8000"), Map.of(), "rax", 29, "rdi", 3, "rsi", SENDBUF);
        assertEquals(Outcome.YIELD, r.outcome());
    }

    static VmConfig.Builder pollVm() {
        return xen().option("xen-shared-info", "0x8000").option("xen-evtchn-send", "on");
    }

    @Test
    @DisplayName("kvm_xen_schedop_poll: a port already pending answers 0 at once (wait_pending_event)")
    void pollReady() {
        Map<Long, byte[]> mem = Map.of(SENDBUF, le64(SENDBUF + 0x100, 1, 0), SENDBUF + 0x100, le32(13), SHINFO + 0x801, new byte[] {1 << 5});
        SingleCall.Result r = call(pollVm(), mem, "rax", 29, "rdi", 3, "rsi", SENDBUF);
        assertEquals(0, rax(r));
        assertEquals(Outcome.RESUME, r.outcome());
    }

    @Test
    @DisplayName("kvm_xen_schedop_poll: a port not pending halts the vCPU, RAX = 0 and RIP + 3 already set for when it wakes")
    void pollBlocks() {
        Map<Long, byte[]> mem = Map.of(SENDBUF, le64(SENDBUF + 0x100, 1, 0), SENDBUF + 0x100, le32(13));
        SingleCall.Result r = call(pollVm(), mem, "rax", 29, "rdi", 3, "rsi", SENDBUF);
        assertEquals(Outcome.HALT, r.outcome());
        assertEquals(0, rax(r));
        assertEquals(0x1003, r.after().pc());
        assertTrue(r.vm().archState(X86Vm.class).xen().polling(0));
    }

    @Test
    @DisplayName("kvm_xen_schedop_poll: more than 128 ports is -EINVAL")
    void pollTooMany() {
        SingleCall.Result r = call(pollVm(), Map.of(SENDBUF, le64(SENDBUF + 0x100, 129, 0)), "rax", 29, "rdi", 3, "rsi", SENDBUF);
        assertEquals(X86XenStatus.EINVAL, rax(r));
    }

    @Test
    @DisplayName("kvm_xen_schedop_poll: a port at max_evtchn_port (4096 in long mode) is -EINVAL")
    void pollPortTooBig() {
        Map<Long, byte[]> mem = Map.of(SENDBUF, le64(SENDBUF + 0x100, 2, 0), SENDBUF + 0x100, le32(1, 4096));
        assertEquals(X86XenStatus.EINVAL, rax(call(pollVm(), mem, "rax", 29, "rdi", 3, "rsi", SENDBUF)));
    }

    @Test
    @DisplayName("kvm_xen_schedop_poll: compat layout (u32 ports, u32 nr_ports, u64 timeout) and max 1024 ports in 32-bit mode")
    void pollCompat() {
        Map<Long, byte[]> mem = Map.of(SENDBUF, le32(SENDBUF + 0x100, 1, 0, 0), SENDBUF + 0x100, le32(1024));
        assertEquals(X86XenStatus.EINVAL, rax(call(pollVm().option("mode", "32"), mem, "rax", 29, "rbx", 3, "rcx", SENDBUF)));
    }

    @Test
    @DisplayName("kvm_xen_schedop_poll: a ports array outside guest memory is -EFAULT")
    void pollFault() {
        Map<Long, byte[]> mem = Map.of(SENDBUF, le64(0xFFFF_0000L, 1, 0));
        assertEquals(X86XenStatus.EFAULT, rax(call(pollVm(), mem, "rax", 29, "rdi", 3, "rsi", SENDBUF)));
    }

    @Test
    @DisplayName("kvm_xen_hcall_sched_op: other commands (SCHEDOP_block) exit")
    void schedBlockExits() {
        assertEquals(Outcome.EXIT_TO_HOST, call(xen(), "rax", 29, "rdi", 1).outcome());
    }

    // ---------------------------------------------------------------- timers

    @Test
    @DisplayName("kvm_xen_hcall_vcpu_op / set_timer_op: without a timer port (kvm_xen_timer_enabled false) both exit")
    void timerCallsExitWithoutPort() {
        assertEquals(Outcome.EXIT_TO_HOST, call(xen(), "rax", 24, "rdi", 9, "rsi", 0).outcome());
        assertEquals(Outcome.EXIT_TO_HOST, call(xen(), "rax", 15, "rdi", 0).outcome());
    }

    @Test
    @DisplayName("kvm_xen_hcall_vcpu_op: set_singleshot_timer for another Xen vCPU id is -EINVAL; for its own, the timer runs")
    void singleshot() {
        VmConfig.Builder v = xen().option("xen-timer-port", "13");
        Map<Long, byte[]> mem = Map.of(SENDBUF, le64(5_000_000, 0));
        assertEquals(X86XenStatus.EINVAL, rax(call(v, mem, "rax", 24, "rdi", 8, "rsi", 1, "rdx", SENDBUF)));
        SingleCall.Result r = call(v, mem, "rax", 24, "rdi", 8, "rsi", 0, "rdx", SENDBUF);
        assertEquals(0, rax(r));
        assertEquals(5_000_000, r.vm().archState(X86Vm.class).xen().timerExpires(0));
    }

    @Test
    @DisplayName("kvm_xen_hcall_vcpu_op: stop_singleshot_timer answers 0 and stops the timer; other vcpu_op commands exit")
    void stopSingleshot() {
        VmConfig.Builder v = xen().option("xen-timer-port", "13");
        assertEquals(0, rax(call(v, "rax", 24, "rdi", 9, "rsi", 0)));
        assertEquals(Outcome.EXIT_TO_HOST, call(v, "rax", 24, "rdi", 6, "rsi", 0).outcome());
    }

    @Test
    @DisplayName("kvm_xen_hcall_set_timer_op: a negative timeout becomes now + 100 ms; a timeout more than 2^50 ns away too")
    void setTimerOpWorkaround() {
        VmConfig.Builder v = xen().option("xen-timer-port", "13");
        SingleCall.Result neg = call(v, "rax", 15, "rdi", -5);
        assertEquals(0, rax(neg));
        assertEquals(100_000_000L, neg.vm().archState(X86Vm.class).xen().timerExpires(0));
        SingleCall.Result far = call(v, "rax", 15, "rdi", 1L << 51);
        assertEquals(100_000_000L, far.vm().archState(X86Vm.class).xen().timerExpires(0));
        SingleCall.Result near = call(v, "rax", 15, "rdi", 1L << 49);
        assertEquals(1L << 49, near.vm().archState(X86Vm.class).xen().timerExpires(0));
    }

    @Test
    @DisplayName("kvm_xen_hypercall: set_timer_op in 32-bit mode takes the timeout from params[0] | params[1] << 32")
    void setTimerOp32() {
        SingleCall.Result r = call(xen().option("xen-timer-port", "13").option("mode", "32"), "rax", 15, "rbx", 0x10, "rcx", 0x2);
        assertEquals(0x2_0000_0010L, r.vm().archState(X86Vm.class).xen().timerExpires(0));
    }

    @Test
    @DisplayName("kvm_xen_start_timer: a timeout already past fires at once, raising the timer port (xen_timer_callback)")
    void timerInThePast() {
        VmConfig.Builder v = xen().option("xen-timer-port", "13").option("xen-shared-info", "0x8000");
        SingleCall.Result r = call(v, Map.of(SENDBUF, le64(0, 0)), "rax", 24, "rdi", 8, "rsi", 0, "rdx", SENDBUF);
        assertEquals(0, rax(r));
        assertEquals(0, r.vm().archState(X86Vm.class).xen().timerExpires(0), "timer_expires back to 0");
        assertEquals(1 << 5, mem(r).read8(SHINFO + 0x801) & 0xFF, "port 13 pending");
    }

    @Test
    @DisplayName("kvm_xen_hcall_set_timer_op: 0 stops the timer")
    void setTimerOpZeroStops() {
        SingleCall.Result r = call(xen().option("xen-timer-port", "13"), "rax", 15, "rdi", 0);
        assertEquals(0, rax(r));
        assertEquals(0, r.vm().archState(X86Vm.class).xen().timerExpires(0));
        assertFalse(r.vm().archState(X86Vm.class).xen().polling(0));
        assertNull(r.exit());
    }
}
