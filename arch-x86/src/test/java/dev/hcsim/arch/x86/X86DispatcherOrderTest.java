package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.HvGuest.control;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.SingleCall;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The audit of issue 23: where two of the kernel's checks could both answer, the one KVM makes first answers, as
 * today's arch/x86/kvm/xen.c (kvm_xen_hypercall, kvm_xen_schedop_poll, kvm_xen_hcall_vcpu_op) and arch/x86/kvm/hyperv.c
 * (kvm_hv_hypercall, hv_check_hypercall_access) order them. Each case sets up both conditions.
 */
class X86DispatcherOrderTest {
    private static final long EINVAL = -22;
    private static final long EFAULT = -14;

    private static SingleCall.Result xen(VmConfig.Builder b, Map<Long, byte[]> mem, Object... regs) {
        Map<String, Long> r = new LinkedHashMap<>();
        for (int i = 0; i < regs.length; i += 2) {
            r.put((String) regs[i], ((Number) regs[i + 1]).longValue());
        }
        return SingleCall.run(b.feature("xen", true).build(), 0, null, r, mem);
    }

    private static long rax(SingleCall.Result r) {
        return r.after().get(X86Registers.RAX);
    }

    private static byte[] le(long... words) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * words.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long w : words) {
            b.putLong(w);
        }
        return b.array();
    }

    @Test
    @DisplayName("kvm_xen_schedop_poll: nr_ports > 128 is -EINVAL before the ports array is read (it is outside memory here)")
    void pollCountBeforePortsRead() {
        SingleCall.Result r = xen(VmConfig.builder("x86").option("xen-evtchn-send", "on"),
                Map.of(0x5000L, le(0x100_0000L, 129, 0)), "rax", 29, "rdi", 3, "rsi", 0x5000);
        assertEquals(EINVAL, rax(r));
    }

    @Test
    @DisplayName("kvm_xen_schedop_poll: the whole ports array is read (-EFAULT) before any port is checked against max_evtchn_port")
    void pollReadBeforePortCheck() {
        // two ports: the first (5000, past 4096) readable, the second past the end of guest memory
        SingleCall.Result r = xen(VmConfig.builder("x86").option("xen-evtchn-send", "on"),
                Map.of(0x5000L, le(0xFFFCL, 2, 0), 0xFFF8L, le(5000L << 32)), "rax", 29, "rdi", 3, "rsi", 0x5000);
        assertEquals(EFAULT, rax(r));
    }

    @Test
    @DisplayName("kvm_xen_hcall_vcpu_op: the Xen vCPU id is checked (-EINVAL) before struct vcpu_set_singleshot_timer is read")
    void vcpuIdBeforeRead() {
        SingleCall.Result r = xen(VmConfig.builder("x86").option("xen-timer-port", "17"), Map.of(),
                "rax", 24, "rdi", 8, "rsi", 1, "rdx", 0x100_0000L);
        assertEquals(EINVAL, rax(r));
    }

    @Test
    @DisplayName("kvm_xen_hcall_vcpu_op: 64-bit reads 16 bytes, compat 12 (struct compat_vcpu_set_singleshot_timer is packed)")
    void singleshotSizes() {
        Map<Long, byte[]> at = Map.of(0xFFF4L, new byte[12]);
        assertEquals(EFAULT, rax(xen(VmConfig.builder("x86").option("xen-timer-port", "17"), at, "rax", 24, "rdi", 8, "rsi", 0, "rdx", 0xFFF4)));
        assertEquals(0, rax(xen(VmConfig.builder("x86").option("xen-timer-port", "17").option("mode", "32"), at,
                "rax", 24, "rbx", 8, "rcx", 0, "rdx", 0xFFF4)));
    }

    @Test
    @DisplayName("kvm_xen_hypercall: vcpu_op's and sched_op's cmd is an int (params[0] cut to 32 bits), xen_version compares all 64 bits")
    void commandWidths() {
        SingleCall.Result stop = xen(VmConfig.builder("x86").option("xen-timer-port", "17"), Map.of(), "rax", 24, "rdi", 0x1_0000_0009L, "rsi", 0);
        assertEquals(Outcome.RESUME, stop.outcome(), "VCPUOP_stop_singleshot_timer");
        assertEquals(0, rax(stop));
        SingleCall.Result yield = xen(VmConfig.builder("x86"), Map.of(), "rax", 29, "rdi", 0x7_0000_0000L);
        assertEquals(0, rax(yield), "SCHEDOP_yield");
        SingleCall.Result version = xen(VmConfig.builder("x86").option("xen-version", "0x4000d"), Map.of(), "rax", 17, "rdi", 0x1_0000_0000L);
        assertEquals(Outcome.EXIT_TO_HOST, version.outcome(), "params[0] == XENVER_version is a 64-bit comparison");
    }

    @Test
    @DisplayName("kvm_xen_hypercall: EAX bit 31 with Hyper-V on is checked before the CPL: at CPL 3 it is Hyper-V's #UD, not a Xen exit")
    void bit31BeforeCpl() {
        SingleCall.Result r = xen(VmConfig.builder("x86").feature("hyperv", true).option("cpl", "3"), Map.of(), "rax", 0x8000_0000L, "rcx", 8);
        assertEquals(Outcome.FAULT, r.outcome());
        assertEquals(Fault.X86.UD, ((Fault.X86) r.fault()).vector());
        SingleCall.Result without = xen(VmConfig.builder("x86").option("cpl", "3"), Map.of(), "rax", 0x8000_0000L, "rcx", 8);
        assertInstanceOf(Exit.XenHcall.class, without.exit(), "without Hyper-V the same call is Xen's, and CPL 3 exits");
    }

    @Test
    @DisplayName("kvm_hv_hypercall: hv_check_hypercall_access (HV_STATUS_ACCESS_DENIED) comes before the reserved bits")
    void accessBeforeReserved() {
        HvGuest g = new HvGuest(HvGuest.config(1).option("hyperv-enforce-cpuid", "on").option("hyperv-enlightenments-eax", "0"));
        assertEquals(6, g.call(control(0x2, false, 0, 0, 0) | (1L << 63), 0, 0));
    }

    @Test
    @DisplayName("kvm_hv_hypercall: the reserved bits (HV_STATUS_INVALID_HYPERCALL_INPUT) come before the XMM-input #UD")
    void reservedBeforeXmm() {
        HvGuest g = new HvGuest(HvGuest.config(1).option("hyperv-enforce-cpuid", "on").option("hyperv-features-edx", "0"));
        assertEquals(3, g.call(control(0x13, true, 0, 0, 0) | (1L << 30), 0, 0));
        assertEquals(Outcome.RESUME, g.outcome());
    }

    @Test
    @DisplayName("kvm_hv_hypercall: a fast HVCALL_POST_DEBUG_DATA is HV_STATUS_INVALID_PARAMETER before SynDbg is looked at")
    void fastDebugBeforeSyndbg() {
        HvGuest g = HvGuest.of(1);
        assertEquals(5, g.call(control(0x69, true, 0, 0, 0), 0, 0));
        assertEquals(2, g.call(control(0x69, false, 0, 0, 0), 0, 0), "slow, SynDbg off: HV_STATUS_INVALID_HYPERCALL_CODE");
        assertEquals(2, g.call(control(0x6b, true, 0, 0, 0), 0, 0), "RESET_DEBUG_SESSION may be fast: SynDbg off");
    }

    @Test
    @DisplayName("kvm_hv_hypercall: SIGNAL_EVENT's rep/var_cnt check (INVALID_HYPERCALL_INPUT) comes before its alignment check")
    void signalRepBeforeAlignment() {
        HvGuest g = HvGuest.of(1);
        assertEquals(3, g.call(control(0x5d, false, 0, 1, 0), 0x3004, 0));
        assertEquals(4, g.call(control(0x5d, false, 0, 0, 0), 0x3004, 0), "without a rep count: HV_STATUS_INVALID_ALIGNMENT");
    }
}
