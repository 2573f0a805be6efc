package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.X86Calls.call;
import static dev.hcsim.arch.x86.X86Calls.rax;
import static dev.hcsim.arch.x86.X86Calls.vm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.SingleCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The edge cases of reference/x86.md section 6, each with the kernel source it comes from. */
class X86HypercallTest {
    private static final long ENOSYS = -1000;

    @Test
    @DisplayName("#1 x86.c ____kvm_emulate_hypercall: VAPIC_POLL_IRQ returns 0, RIP+3, RBX/RCX/RDX/RSI unchanged")
    void vapicPollIrq() {
        SingleCall.Result r = call("rax", 1, "rbx", 0x11, "rcx", 0x22, "rdx", 0x33, "rsi", 0x44);
        assertEquals(0, rax(r));
        assertEquals(Map.of("rax", 0L, "pc", 0x1003L), r.changed());
        assertEquals("KVM_HC_VAPIC_POLL_IRQ", r.call());
        assertEquals(Outcome.RESUME, r.outcome());
    }

    @ParameterizedTest(name = "#2/#3 x86.c default case: nr {0} gives -KVM_ENOSYS")
    @ValueSource(longs = {0, 2, 3, 4, 6, 7, 8, 13, 14, 1000})
    void notImplementedNumbers(long nr) {
        SingleCall.Result r = call("rax", nr);
        assertEquals(0xFFFFFFFFFFFFFC18L, rax(r));
        assertEquals(Status.NOT_IMPLEMENTED, r.status());
        assertEquals("-KVM_ENOSYS", r.statusName());
    }

    @Test
    @DisplayName("#4 x86.c: CPL 3 gives -KVM_EPERM even for a valid number; the CPL check comes before dispatch")
    void cpl3() {
        SingleCall.Result r = call(vm(4).option("cpl", "3"), null, "rax", 1);
        assertEquals(0xFFFFFFFFFFFFFFFFL, rax(r));
        assertEquals(Status.PERMISSION, r.status());
    }

    @Test
    @DisplayName("#5 complete_hypercall_exit: 32-bit protected mode, CPL 3 gives 0x00000000FFFFFFFF")
    void cpl3Narrow() {
        assertEquals(0xFFFFFFFFL, rax(call(vm(1).option("cpl", "3").option("mode", "32"), null, "rax", 1)));
    }

    @Test
    @DisplayName("#6 x86.h is_64_bit_hypercall, kvm_eax_read: 32-bit mode reads nr 0xDEAD000000000001 as 1")
    void narrowNumber() {
        assertEquals(0, rax(call(vm(1).option("mode", "32"), null, "rax", 0xDEAD000000000001L)));
    }

    @Test
    @DisplayName("#7 ____kvm_emulate_hypercall: 64-bit mode compares all of RAX, so 0x100000001 is no number")
    void wideNumber() {
        assertEquals(0xFFFFFFFFFFFFFC18L, rax(call("rax", 0x100000001L)));
    }

    @Test
    @DisplayName("#8 complete_hypercall_exit: 32-bit mode, nr 0 gives 0x00000000FFFFFC18 (upper half zeroed)")
    void narrowEnosys() {
        assertEquals(0xFFFFFC18L, rax(call(vm(1).option("mode", "32"), null, "rax", 0xFFFFFFFF00000000L)));
    }

    @ParameterizedTest(name = "#9 selftest x86/kvm_pv_test.c: enforcement on, feature bits cleared, nr {0} gives -KVM_ENOSYS")
    @ValueSource(longs = {5, 10, 11})
    void enforcement(long nr) {
        VmConfig.Builder b = vm(2).option("enforce-pv-cpuid", "on").feature("pv-unhalt", false).feature("pv-send-ipi", false)
                .feature("pv-sched-yield", false);
        assertEquals(ENOSYS, rax(call(b, null, "rax", nr, "rsi", 0xEC)));
    }

    @Test
    @DisplayName("#9b kvm_pv_test.c: enforcement off (the default), feature bits cleared: the calls still work")
    void noEnforcement() {
        VmConfig.Builder b = vm(2).feature("pv-send-ipi", false);
        assertEquals(1, rax(call(b, null, "rax", 10, "rbx", 2, "rsi", 0xEC)));
    }

    @Test
    @DisplayName("#10 ____kvm_emulate_hypercall: with enforcement, VAPIC_POLL_IRQ and CLOCK_PAIRING are not gated")
    void ungated() {
        VmConfig.Builder b = vm(1).option("enforce-pv-cpuid", "on").feature("pv-unhalt", false);
        assertEquals(0, rax(call(b, null, "rax", 1)));
        assertEquals(0, rax(call(b, null, "rax", 9, "rbx", 0x2000, "rcx", 0)));
    }

    @Test
    @DisplayName("#11 x86.c kvm_pv_clock_pairing: clock type 1 gives -KVM_EOPNOTSUPP and leaves memory untouched")
    void clockPairingWrongType() {
        SingleCall.Result r = call("rax", 9, "rbx", 0x2000, "rcx", 1);
        assertEquals(0xFFFFFFFFFFFFFFA1L, rax(r));
        assertTrue(r.writes().isEmpty());
    }

    @Test
    @DisplayName("#12 kvm_pv_clock_pairing: an unbacked GPA gives -KVM_EFAULT")
    void clockPairingFault() {
        SingleCall.Result r = call("rax", 9, "rbx", 0x7FFF_0000L, "rcx", 0);
        assertEquals(0xFFFFFFFFFFFFFFF2L, rax(r));
        assertTrue(r.writes().isEmpty());
    }

    @Test
    @DisplayName("#13 kvm_pv_clock_pairing: 0 and 64 bytes written: sec, nsec, tsc, flags 0, pad 0")
    void clockPairing() {
        long epoch = 1_767_225_600_123_456_789L;
        SingleCall.Result r = call(vm(1).realtimeEpochNanos(epoch).tscHz(2_000_000_000L), null, "rax", 9, "rbx", 0x2000, "rcx", 0);
        assertEquals(0, rax(r));
        assertEquals(1, r.writes().size());
        byte[] s = r.writes().get(0).bytes();
        assertEquals(0x2000, r.writes().get(0).gpa());
        assertEquals(64, s.length);
        assertEquals(epoch / 1_000_000_000L, Bytes.get(s, 0, 8, false));
        assertEquals(epoch % 1_000_000_000L, Bytes.get(s, 8, 8, false));
        assertEquals(0, Bytes.get(s, 16, 8, false)); // virtual time 0: TSC 0
        assertArrayEquals(new byte[40], java.util.Arrays.copyOfRange(s, 24, 64));
    }

    @Test
    @DisplayName("kvm_pv_clock_pairing: non-TSC host clocksource, TSC catch-up give -KVM_EOPNOTSUPP; a 32-bit host -KVM_ENOSYS")
    void clockPairingHostConditions() {
        assertEquals(-95, rax(call(vm(1).option("host-clocksource", "other"), null, "rax", 9, "rbx", 0x2000)));
        assertEquals(-95, rax(call(vm(1).option("tsc-catchup", "on"), null, "rax", 9, "rbx", 0x2000)));
        assertEquals(ENOSYS, rax(call(vm(1).option("host-bits", "32"), null, "rax", 9, "rbx", 0x2000)));
    }

    @ParameterizedTest(name = "#14/#15 lapic.c kvm_pv_send_ipi: ICR 0x{0} (logical or shorthand) gives -KVM_EINVAL, nothing sent")
    @ValueSource(strings = {"800", "80000", "40000", "c0000"})
    void sendIpiBadIcr(String icr) {
        SingleCall.Result r = call("rax", 10, "rbx", 0xF, "rsi", Long.parseLong(icr, 16));
        assertEquals(0xFFFFFFFFFFFFFFEAL, rax(r));
        assertTrue(r.effects().isEmpty());
    }

    @Test
    @DisplayName("#16 lapic.c __pv_send_ipi: 4 vCPUs, bitmap 0b1011, vector 0xEC: RAX = 3, IDs 0, 1, 3 get the interrupt")
    void sendIpiCount() {
        SingleCall.Result r = call("rax", 10, "rbx", 0b1011, "rcx", 0, "rdx", 0, "rsi", 0xEC);
        assertEquals(3, rax(r));
        assertEquals(java.util.List.of(0, 1, 3), r.effects().stream().map(SingleCall.Effect::target).toList());
        for (int v : new int[] {1, 3}) {
            assertEquals(1, r.machine().interrupts(v).get(0xEC));
            assertEquals(VcpuState.RUNNABLE, r.machine().stateOf(v), "a halted target wakes");
        }
        assertNull(r.machine().interrupts(2).get(0xEC));
    }

    @Test
    @DisplayName("#17 __pv_send_ipi: bit 4 targets APIC ID 4, which does not exist: RAX = 0")
    void sendIpiMissing() {
        assertEquals(0, rax(call("rax", 10, "rbx", 0x10, "rsi", 0xEC)));
    }

    @Test
    @DisplayName("#18 kvm_pv_send_ipi takes min as u32: RDX = 0x100000000 is min 0, bit 0 reaches APIC ID 0")
    void sendIpiMinIsU32() {
        assertEquals(1, rax(call("rax", 10, "rbx", 1, "rdx", 0x100000000L, "rsi", 0xEC)));
    }

    @Test
    @DisplayName("#19 kvm_pv_send_ipi: in 32-bit mode the cluster is 32, so bit 0 of a1 targets APIC ID 32")
    void sendIpiNarrowCluster() {
        SingleCall.Result r = call(vm(40).option("mode", "32"), null, "rax", 10, "rbx", 0, "rcx", 1, "rdx", 0, "rsi", 0xEC);
        assertEquals(1, rax(r));
        assertEquals(32, r.effects().get(0).target());
        SingleCall.Result wide = call(vm(70), null, "rax", 10, "rbx", 0, "rcx", 1, "rdx", 0, "rsi", 0xEC);
        assertEquals(64, wide.effects().get(0).target(), "64-bit mode: the cluster is 64");
    }

    @Test
    @DisplayName("#20 lapic.c __apic_accept_irq: level trigger with the assert bit clear is not accepted (counts 0)")
    void sendIpiLevelDeassert() {
        assertEquals(0, rax(call("rax", 10, "rbx", 0xF, "rsi", 0x80EC)));
        assertEquals(4, rax(call("rax", 10, "rbx", 0xF, "rsi", 0xC0EC)), "level trigger with assert counts");
    }

    @Test
    @DisplayName("__apic_accept_irq: a disabled APIC does not accept a fixed IPI; NMI counts 1; ExtINT counts 0")
    void sendIpiDeliveryModes() {
        assertEquals(2, rax(call(vm(4).option("apic-disabled", "0b0110"), null, "rax", 10, "rbx", 0xF, "rsi", 0xEC)));
        assertEquals(4, rax(call("rax", 10, "rbx", 0xF, "rsi", 0x400)));
        assertEquals(0, rax(call("rax", 10, "rbx", 0xF, "rsi", 0x700)));
    }

    @Test
    @DisplayName("kvm_pv_send_ipi: no APIC map yet gives -EOPNOTSUPP (-95)")
    void sendIpiNoApicMap() {
        assertEquals(-95, rax(call(vm(4).option("apic-map", "absent"), null, "rax", 10, "rbx", 1, "rsi", 0xEC)));
    }

    @Test
    @DisplayName("kvm_pv_send_ipi: min + cluster is u32 arithmetic and wraps: min 0xFFFFFFC0 puts a1's bit 0 on APIC ID 0")
    void sendIpiWrap() {
        SingleCall.Result r = call("rax", 10, "rbx", 0, "rcx", 1, "rdx", 0xFFFFFFC0L, "rsi", 0xEC);
        assertEquals(1, rax(r));
        assertEquals(0, r.effects().get(0).target());
    }

    @Test
    @DisplayName("#21 x86.c kvm_sched_yield: APIC ID 0xFFFF does not exist: 0, no yield")
    void schedYieldMissing() {
        SingleCall.Result r = call("rax", 11, "rbx", 0xFFFF);
        assertEquals(0, rax(r));
        assertEquals(Outcome.RESUME, r.outcome());
    }

    @Test
    @DisplayName("kvm_sched_yield: a halted target is not ready (vcpu->ready), so no yield")
    void schedYieldReady() {
        assertEquals(Outcome.RESUME, call("rax", 11, "rbx", 1).outcome());
    }

    @Test
    @DisplayName("#22 x86.c kvm_pv_kick_cpu_op: a0 ignored; kicking itself or a missing APIC ID returns 0")
    void kickIgnoresFlags() {
        assertEquals(0, rax(call("rax", 5, "rbx", 0x1234, "rcx", 0)));
        SingleCall.Result missing = call("rax", 5, "rbx", 0x1234, "rcx", 77);
        assertEquals(0, rax(missing));
        assertTrue(missing.effects().isEmpty());
    }

    @Test
    @DisplayName("kvm_pv_kick_cpu_op: a halted target wakes (pv_unhalted), then the caller yields to it (kvm_sched_yield)")
    void kickWakesAndYields() {
        SingleCall.Result r = call("rax", 5, "rbx", 0, "rcx", 2);
        assertEquals(0, rax(r));
        assertEquals("kick", r.effects().get(0).kind());
        assertEquals(2, r.effects().get(0).target());
        assertEquals(VcpuState.RUNNABLE, r.machine().stateOf(2));
        assertEquals(Outcome.YIELD, r.outcome());
    }

    @Test
    @DisplayName("kvm_pv_kick_cpu_op converts a1 to int: APIC ID 0x100000002 kicks ID 2; the yield compares all 64 bits, so no yield")
    void kickLow32() {
        SingleCall.Result r = call("rax", 5, "rcx", 0x100000002L);
        assertEquals(2, r.effects().get(0).target());
        assertEquals(Outcome.RESUME, r.outcome());
    }

    @Test
    @DisplayName("#23 ____kvm_emulate_hypercall: MAP_GPA_RANGE without KVM_CAP_EXIT_HYPERCALL gives -KVM_ENOSYS")
    void mapGpaRangeOff() {
        assertEquals(ENOSYS, rax(call("rax", 12, "rbx", 0x1000, "rcx", 1)));
    }

    @Test
    @DisplayName("#24 ____kvm_emulate_hypercall: MAP_GPA_RANGE unaligned, zero pages or wrapping gives -KVM_EINVAL")
    void mapGpaRangeInvalid() {
        VmConfig.Builder b = vm(1).feature("exit-hypercall", true);
        assertEquals(-22, rax(call(b, null, "rax", 12, "rbx", 0x1001, "rcx", 1)));
        assertEquals(-22, rax(call(b, null, "rax", 12, "rbx", 0x1000, "rcx", 0)));
        assertEquals(-22, rax(call(b, null, "rax", 12, "rbx", 0x1000, "rcx", -1L)));
    }

    @Test
    @DisplayName("#25 MAP_GPA_RANGE exit: nr 12, args [0x1000, 2, 0x10], flags 1; on re-entry RAX = ret, RIP + 3 (complete_hypercall_exit)")
    void mapGpaRangeExit() {
        SingleCall.Result r = call(vm(1).feature("exit-hypercall", true), null, "rax", 12, "rbx", 0x1000, "rcx", 2, "rdx", 0x10);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals(new Exit.Hypercall(12, new long[] {0x1000, 2, 0x10, 0, 0, 0}, 0, Exit.Hypercall.X86_LONG_MODE), r.exit());
        assertEquals(3, r.exit().reason().number(), "KVM_EXIT_HYPERCALL");
        assertEquals(12, rax(r), "RAX is not written before re-entry");
        assertEquals(0x1000, r.after().pc(), "RIP is not advanced before re-entry");
        var vm = r.vm();
        var regs = r.machine().registers(0);
        var done = vm.completeExit(0, regs, r.machine().memory(), 0);
        assertEquals(Outcome.RESUME, done.outcome());
        assertEquals(0, regs.get(X86Registers.RAX));
        assertEquals(0x1003, regs.pc());
    }

    @Test
    @DisplayName("complete_hypercall_exit in 32-bit mode: the VMM's ret is cut to u32, flags bit 0 (long mode) is clear")
    void mapGpaRangeExitNarrow() {
        SingleCall.Result r = call(vm(1).feature("exit-hypercall", true).option("mode", "32"), null, "rax", 12, "rbx", 0x1000, "rcx", 2);
        assertEquals(0, ((Exit.Hypercall) r.exit()).flags(), "KVM_EXIT_HYPERCALL_LONG_MODE is clear");
        var regs = r.machine().registers(0);
        r.vm().completeExit(0, regs, r.machine().memory(), -1L);
        assertEquals(0xFFFFFFFFL, regs.get(X86Registers.RAX));
    }

    @Test
    @DisplayName("#26 selftest x86/fix_hypercall_test.c: Intel host, vmmcall is patched to vmcall, RIP stays, the re-run returns 0")
    void wrongVendorPatched() {
        SingleCall.Result r = call(vm(1), "vmmcall", "rax", 11, "rbx", 0);
        assertEquals(Outcome.RESUME, r.outcome());
        assertEquals(0x1000, r.after().pc());
        assertEquals("0f01c1", Bytes.hex(r.writes().get(0).bytes()));
        byte[] now = new byte[3];
        r.machine().memory().read(0x1000, now, 0, 3);
        assertEquals("0f01c1", Bytes.hex(now));
        var again = r.vm().trap(0, r.machine().registers(0), r.machine().memory(), r.machine());
        assertEquals("KVM_HC_SCHED_YIELD", again.callName());
        assertEquals(0, r.machine().registers(0).get(X86Registers.RAX));
        assertEquals(0x1003, r.machine().registers(0).pc());
    }

    @Test
    @DisplayName("svm.c svm_patch_hypercall: AMD host patches vmcall to vmmcall (0f 01 d9)")
    void wrongVendorPatchedAmd() {
        SingleCall.Result r = call(vm(1).option("vendor", "amd"), "vmcall", "rax", 1);
        assertEquals("0f01d9", Bytes.hex(r.writes().get(0).bytes()));
    }

    @Test
    @DisplayName("#27 fix_hypercall_test.c: quirk disabled: #UD delivered, bytes unchanged")
    void wrongVendorUd() {
        SingleCall.Result r = call(vm(1).option("quirk-fix-hypercall", "off"), "vmmcall", "rax", 11);
        assertEquals(Outcome.FAULT, r.outcome());
        assertEquals(Fault.X86.ud(0x1000), r.fault());
        assertEquals("#UD", r.fault().toString());
        assertTrue(r.writes().isEmpty());
        assertEquals(11, rax(r));
    }

    @Test
    @DisplayName("#28 [derived] emulate.c group7_rm0 Priv flag: AMD host, CPL 3 vmcall gets #GP(0), not patched")
    void amdCpl3Vmcall() {
        SingleCall.Result r = call(vm(1).option("vendor", "amd").option("cpl", "3"), "vmcall", "rax", 1);
        assertEquals(Fault.X86.gp(0, 0x1000), r.fault());
        assertEquals("#GP(0)", r.fault().toString());
        assertTrue(r.writes().isEmpty());
    }

    @Test
    @DisplayName("#29 x86.c kvm_skip_emulated_instruction: RFLAGS.TF set: RAX = 0, RIP + 3, then #DB")
    void singleStep() {
        SingleCall.Result r = call("rax", 1, "rflags", 0x102);
        assertEquals(0, rax(r));
        assertEquals(0x1003, r.after().pc());
        assertEquals(Outcome.FAULT, r.outcome());
        assertEquals(Fault.X86.db(0x1003), r.fault(), "#DB is taken after RIP moved past the call");
    }

    @Test
    @DisplayName("typed faults: nothing readable at RIP is a not-present fetch #PF with CR2 = RIP; at CPL 3 the user bit is set too")
    void fetchFault() {
        Vm vm = Vm.create(vm(1).build());
        RegisterFile regs = new RegisterFile(vm.architecture().registers());
        regs.pc(0x7000_0000L);
        TrapResult t = vm.trap(0, regs, new SparseMemory(List.of()), null);
        assertEquals(Outcome.FAULT, t.outcome());
        assertEquals(Fault.X86.pf(Fault.X86.PFERR_FETCH, 0x7000_0000L, 0x7000_0000L), t.fault());
        assertEquals("#PF(0x10) at 0x70000000", t.fault().toString());
        regs.set(X86Registers.CPL, 3);
        assertEquals(Fault.X86.PFERR_FETCH | Fault.X86.PFERR_USER, ((Fault.X86) vm.trap(0, regs, new SparseMemory(List.of()), null).fault()).errorCode());
    }

    @Test
    @DisplayName("emulator_fix_hypercall into read-only memory: a write #PF at RIP (error code 0x2, CR2 = RIP), nothing patched")
    void patchWriteFault() {
        Vm vm = Vm.create(vm(1).build());
        RegisterFile regs = new RegisterFile(vm.architecture().registers());
        regs.pc(0x1000);
        byte[] vmmcall = {0x0F, 0x01, (byte) 0xD9};
        TrapResult t = vm.trap(0, regs, new SparseMemory(List.of()), null, vmmcall);
        assertEquals(Outcome.FAULT, t.outcome());
        assertEquals(Fault.X86.pf(Fault.X86.PFERR_WRITE, 0x1000, 0x1000), t.fault());
        assertNull(t.callName());
    }

    @Test
    @DisplayName("a non-hypercall instruction handed to the trap path is #UD, registers untouched (vmlaunch 0f 01 c2)")
    void notAHypercall() {
        SingleCall.Result r = call(vm(1), "0f01c2", "rax", 1);
        assertEquals(Outcome.FAULT, r.outcome());
        assertEquals(Fault.X86.ud(0x1000), r.fault());
        assertTrue(r.changed().isEmpty());
    }
}
