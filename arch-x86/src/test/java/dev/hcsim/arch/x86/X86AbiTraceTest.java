package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.SingleCall;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A trace names what a Xen or Hyper-V call read by that ABI's own convention, not by the KVM contract's RBX, RCX, RDX,
 * RSI: Xen's RAX and RDI, RSI, RDX, R10, R8, R9 (64-bit) or EAX and EBX, ECX, EDX, ESI, EDI, EBP, each cut to 32 bits
 * (arch/x86/kvm/xen.c kvm_xen_hypercall), Hyper-V's control, input and output in RCX, RDX, R8 or EDX:EAX, EBX:ECX,
 * EDI:ESI (arch/x86/kvm/hyperv.c kvm_hv_hypercall).
 */
class X86AbiTraceTest {
    private static final long A = 0xdeadbeef5a5a0000L;

    private static SingleCall.Result call(VmConfig.Builder b, Map<String, Long> regs) {
        return SingleCall.run(b.build(), 0, null, regs, Map.of());
    }

    private static Map<String, Long> regs(Object... kv) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
        }
        return m;
    }

    private static String hex(long v) {
        return String.format(java.util.Locale.ROOT, "0x%016x", v);
    }

    private static Map<String, Long> every(long base) {
        return regs("rbx", base + 1, "rcx", base + 2, "rdx", base + 3, "rsi", base + 4, "rdi", base + 5, "rbp", base + 6, "r8", base + 7,
                "r9", base + 8, "r10", base + 9);
    }

    @Test
    @DisplayName("xen.c kvm_xen_hypercall, 64-bit: the trace reads rax, rdi, rsi, rdx, r10, r8, r9, whole")
    void xen64() {
        Map<String, Long> r = every(A);
        r.put("rax", 17L); // xen_version without a version set: exits, and the trace still names what was read
        SingleCall.Result res = call(VmConfig.builder("x86").feature("xen", true), r);
        assertEquals(Outcome.EXIT_TO_HOST, res.outcome());
        assertEquals(List.of("rax", "rdi", "rsi", "rdx", "r10", "r8", "r9"), List.copyOf(res.trap().read().keySet()));
        assertEquals(hex(17), res.trap().read().get("rax"));
        assertEquals(hex(A + 5), res.trap().read().get("rdi"));
        assertEquals(hex(A + 9), res.trap().read().get("r10"));
        assertEquals(hex(A + 8), res.trap().read().get("r9"));
    }

    @Test
    @DisplayName("xen.c kvm_xen_hypercall, 32-bit: the trace reads eax, ebx, ecx, edx, esi, edi, ebp, each its low 32 bits")
    void xen32() {
        Map<String, Long> r = every(A);
        r.put("rax", 0xffff_0000_0000_0011L);
        SingleCall.Result res = call(VmConfig.builder("x86").feature("xen", true).option("mode", "32").option("xen-version", "0x4000d"), r);
        assertEquals(List.of("eax", "ebx", "ecx", "edx", "esi", "edi", "ebp"), List.copyOf(res.trap().read().keySet()));
        assertEquals(hex(0x11), res.trap().read().get("eax"));
        assertEquals(hex(0x5a5a0001L), res.trap().read().get("ebx"));
        assertEquals(hex(0x5a5a0006L), res.trap().read().get("ebp"));
        assertEquals(Outcome.EXIT_TO_HOST, res.outcome(), "ebx = 0x5a5a0001 is not XENVER_version: the call exits");
    }

    @Test
    @DisplayName("hyperv.c kvm_hv_hypercall, 64-bit: the trace reads control rcx, input rdx, output r8")
    void hyperv64() {
        SingleCall.Result res = call(VmConfig.builder("x86").feature("hyperv", true), regs("rcx", 0x8, "rdx", 0x1234, "r8", 0x5678, "rbx", 9));
        assertEquals(List.of("rcx", "rdx", "r8"), List.copyOf(res.trap().read().keySet()));
        assertEquals(hex(0x1234), res.trap().read().get("rdx"));
    }

    @Test
    @DisplayName("hyperv.c kvm_hv_hypercall, 32-bit: the trace reads control edx:eax, input ebx:ecx, output edi:esi as 64-bit values")
    void hyperv32() {
        SingleCall.Result res = call(VmConfig.builder("x86").feature("hyperv", true).option("mode", "32"),
                regs("rax", 0xaaaa_0000_0000_0008L, "rdx", 0x1, "rbx", 0x2, "rcx", 0x3, "rdi", 0x4, "rsi", 0xffff_ffff_0000_0005L));
        assertEquals(List.of("edx:eax", "ebx:ecx", "edi:esi"), List.copyOf(res.trap().read().keySet()));
        assertEquals(hex(0x1_0000_0008L), res.trap().read().get("edx:eax"));
        assertEquals(hex(0x2_0000_0003L), res.trap().read().get("ebx:ecx"));
        assertEquals(hex(0x4_0000_0005L), res.trap().read().get("edi:esi"));
    }

    @Test
    @DisplayName("hyperv.c kvm_hv_hypercall: at CPL 3 the #UD comes before anything is read, and the trace reads nothing")
    void hypervUdReadsNothing() {
        SingleCall.Result res = call(VmConfig.builder("x86").feature("hyperv", true).option("cpl", "3"), regs("rcx", 0x8));
        assertEquals(Outcome.FAULT, res.outcome());
        assertNull(res.trap().read());
    }

    @Test
    @DisplayName("xen.c kvm_xen_hypercall: EAX bit 31 with Hyper-V on is Hyper-V's call, read by Hyper-V's names")
    void xenHandsBit31ToHyperv() {
        SingleCall.Result res = call(VmConfig.builder("x86").feature("xen", true).feature("hyperv", true), regs("rax", 0x8000_0000L, "rcx", 0x8));
        assertEquals(List.of("rcx", "rdx", "r8"), List.copyOf(res.trap().read().keySet()));
    }

    @Test
    @DisplayName("x86.c ____kvm_emulate_hypercall: KVM's own calls keep the contract's rax, rbx, rcx, rdx, rsi")
    void kvmKeepsTheContract() {
        SingleCall.Result res = call(VmConfig.builder("x86"), regs("rax", 1));
        assertEquals(List.of("rax", "rbx", "rcx", "rdx", "rsi"), List.copyOf(res.trap().read().keySet()));
    }
}
