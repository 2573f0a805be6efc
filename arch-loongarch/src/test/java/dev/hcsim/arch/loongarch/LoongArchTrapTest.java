package dev.hcsim.arch.loongarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.SingleCall;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The conformance edge cases of the LoongArch fact sheet (section 6), each through the trap
 * instruction on a fresh VM (SingleCall, what {@code hcsim call} runs), each naming the kernel code
 * it checks. Kernel: arch/loongarch/kvm/exit.c (kvm_handle_hypercall, kvm_handle_service,
 * kvm_send_pv_ipi, kvm_save_notify, kvm_emu_cpucfg), vcpu.c, vm.c, as of the 2026 tree.
 */
class LoongArchTrapTest {
    static final long MINUS_1 = 0xFFFF_FFFF_FFFF_FFFFL;
    static final long MINUS_2 = 0xFFFF_FFFF_FFFF_FFFEL;

    static VmConfig.Builder vm(int vcpus) {
        return VmConfig.builder("loongarch").vcpus(vcpus).memory(0, 0x20000);
    }

    static Map<String, Long> regs(Object... kv) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
        }
        return m;
    }

    static SingleCall.Result call(VmConfig config, String insn, Map<String, Long> registers) {
        return SingleCall.run(config, 0, insn, registers, Map.of());
    }

    static long a(SingleCall.Result r, String reg) {
        return r.after().get(reg);
    }

    static int swi0(SingleCall.Result r, int vcpu) {
        return r.machine().interrupts(vcpu).getOrDefault(LoongArchHypercalls.INT_SWI0, 0);
    }

    // ---------------------------------------------------------------- CPUCFG (kvm_emu_cpucfg)

    @Test
    @DisplayName("#1 exit.c kvm_emu_cpucfg: CPUCFG 0x40000000 = 0x004d564b (\"KVM\\0\"), PC + 4, only rd changes")
    void signature() {
        SingleCall.Result r = call(vm(1).build(), "cpucfg $a0, $a1", regs("a1", 0x4000_0000L));
        assertEquals(0x004D_564BL, a(r, "a0"));
        assertEquals(Map.of("a0", 0x004D_564BL, "pc", 0x1004L), r.changed());
        assertEquals(Outcome.RESUME, r.outcome());
    }

    @Test
    @DisplayName("#2 exit.c kvm_emu_cpucfg: the index is rj as unsigned int, so 0xffffffff_40000000 reads the signature too")
    void indexTruncated() {
        SingleCall.Result r = call(vm(1).build(), "cpucfg $t0, $a1", regs("a1", 0xFFFF_FFFF_4000_0000L));
        assertEquals(0x004D_564BL, a(r, "t0"));
    }

    @Test
    @DisplayName("#3 vm.c kvm_vm_init_features: CPUCFG 0x40000004 of a default VM = IPI|STEAL_TIME|PREEMPT = 0xe; 0x6 without PREEMPT, 0x2 without sched_info")
    void featureLeaf() {
        assertEquals(0xE, a(call(vm(1).build(), "cpucfg $a0, $a1", regs("a1", 0x4000_0004L)), "a0"));
        assertEquals(0x6, a(call(vm(1).feature("preempt", false).build(), "cpucfg $a0, $a1", regs("a1", 0x4000_0004L)), "a0"));
        assertEquals(0x2, a(call(vm(1).feature("preempt", false).feature("steal-time", false).build(), "cpucfg $a0, $a1",
                regs("a1", 0x4000_0004L)), "a0"));
        assertEquals(0x0300_000EL, a(call(vm(1).feature("user-hcall", true).feature("virt-extioi", true).build(), "cpucfg $a0, $a1",
                regs("a1", 0x4000_0004L)), "a0"));
    }

    @ParameterizedTest(name = "index 0x{0}")
    @DisplayName("#4 exit.c kvm_emu_cpucfg default: every other index of the KVM range and every index >= 21 reads 0")
    @ValueSource(longs = {0x4000_0001L, 0x4000_0002L, 0x4000_0003L, 0x4000_0008L, 0x4000_00FFL, 0x4000_0100L, 21, 0x3FFF_FFFFL,
        0xFFFF_FFFFL})
    void otherLeavesAreZero(long index) {
        SingleCall.Result r = call(vm(1).build(), "cpucfg $a0, $a1", regs("a0", 0x5555, "a1", index));
        assertEquals(0, a(r, "a0"));
    }

    @Test
    @DisplayName("exit.c kvm_emu_cpucfg: leaves 0..20 are the vCPU's architectural words (leaf 0 = PRID 0x14c010 as QEMU sets it)")
    void architecturalLeaves() {
        assertEquals(0x0014_C010L, a(call(vm(1).build(), "cpucfg $a0, $zero", regs()), "a0"));
        assertEquals(0x060F_000FL, a(call(vm(1).build(), "cpucfg $a0, $a1", regs("a1", 20)), "a0"));
    }

    @Test
    @DisplayName("#5 exit.c kvm_emu_cpucfg has no PLV filter: PLV3 reads the same signature and feature mask")
    void plv3() {
        assertEquals(0x004D_564BL, a(call(vm(1).build(), "cpucfg $a0, $a1", regs("a1", 0x4000_0000L, "plv", 3)), "a0"));
        assertEquals(0xE, a(call(vm(1).build(), "cpucfg $a0, $a1", regs("a1", 0x4000_0004L, "plv", 3)), "a0"));
        SingleCall.Result r = call(vm(8).build(), "hvcl 0x100", regs("a0", 1, "a1", 0b10, "a3", 0, "plv", 3));
        assertEquals(0, a(r, "a0"));
        assertEquals(1, swi0(r, 1));
    }

    // ---------------------------------------------------------------- PV IPI (kvm_send_pv_ipi)

    @Test
    @DisplayName("#6 exit.c kvm_send_pv_ipi: a0=1 a1=0b101 a2=0 a3=4 raises SWI0 on CPUs 4 and 6; a0 = 0; a1..a3 unchanged; PC + 4")
    void ipiIssueExample() {
        SingleCall.Result r = call(vm(8).build(), "hvcl 0x100", regs("a0", 1, "a1", 0b101, "a2", 0, "a3", 4));
        assertEquals(Status.SUCCESS, r.status());
        assertEquals("KVM_HCALL_SUCCESS", r.statusName());
        assertEquals("KVM_HCALL_FUNC_IPI", r.call());
        assertEquals(Map.of("a0", 0L, "pc", 0x1004L), r.changed());
        for (int v = 0; v < 8; v++) {
            assertEquals(v == 4 || v == 6 ? 1 : 0, swi0(r, v), "vCPU " + v);
        }
        assertEquals(List.of(4, 6), r.effects().stream().filter(e -> e.kind().equals("interrupt")).map(SingleCall.Effect::target).toList());
    }

    @Test
    @DisplayName("#7 exit.c kvm_send_pv_ipi: a2 bit 0 is CPU id a3 + 64 (delivered when it exists, skipped when not)")
    void ipiUpperWord() {
        SingleCall.Result with = call(vm(65).build(), "hvcl 0x100", regs("a0", 1, "a1", 0, "a2", 1, "a3", 0));
        assertEquals(0, a(with, "a0"));
        assertEquals(1, swi0(with, 64));
        SingleCall.Result without = call(vm(8).build(), "hvcl 0x100", regs("a0", 1, "a1", 0, "a2", 1, "a3", 0));
        assertEquals(0, a(without, "a0"));
        assertTrue(without.effects().isEmpty());
    }

    @Test
    @DisplayName("#8 exit.c kvm_send_pv_ipi: a bitmap naming only absent CPU ids answers 0 and delivers nothing; a1 = a2 = 0 too")
    void ipiAbsentTargets() {
        SingleCall.Result r = call(vm(4).build(), "hvcl 0x100", regs("a0", 1, "a1", 0xF0, "a2", -1L, "a3", 4));
        assertEquals(0, a(r, "a0"));
        assertTrue(r.effects().isEmpty(), r.effects().toString());
        assertEquals(0, a(call(vm(4).build(), "hvcl 0x100", regs("a0", 1)), "a0"));
    }

    @Test
    @DisplayName("#9 exit.c kvm_handle_service: with KVM_FEATURE_IPI cleared by the VMM, FUNC_IPI answers -1 and sends nothing")
    void ipiFeatureOff() {
        SingleCall.Result r = call(vm(4).feature("ipi", false).build(), "hvcl 0x100", regs("a0", 1, "a1", 0b10));
        assertEquals(MINUS_1, a(r, "a0"));
        assertEquals("KVM_HCALL_INVALID_CODE", r.statusName());
        assertTrue(r.effects().isEmpty());
    }

    @Test
    @DisplayName("exit.c kvm_send_pv_ipi: the caller may target itself; a3 is read as unsigned int (upper half ignored)")
    void ipiSelfAndNarrowBase() {
        SingleCall.Result self = call(vm(2).build(), "hvcl 0x100", regs("a0", 1, "a1", 1, "a3", 0));
        assertEquals(1, swi0(self, 0));
        SingleCall.Result high = call(vm(8).build(), "hvcl 0x100", regs("a0", 1, "a1", 1, "a3", 0xABCD_0000_0000_0005L));
        assertEquals(1, swi0(high, 5));
        assertEquals(0xABCD_0000_0000_0005L, a(high, "a3"));
    }

    @Test
    @DisplayName("exit.c kvm_send_pv_ipi [derived]: min + bit is unsigned int and wraps; kvm_get_vcpu_by_cpuid drops ids >= KVM_MAX_PHYID (256)")
    void ipiWrapsAndPhyidLimit() {
        SingleCall.Result wrap = call(vm(8).build(), "hvcl 0x100", regs("a0", 1, "a1", 1L << 5, "a3", 0xFFFF_FFFFL));
        assertEquals(1, swi0(wrap, 4));
        // A vCPU cannot have CSR.CPUID 300 (kvm_set_cpuid refuses ids >= KVM_MAX_PHYID), so id 300 reaches nobody.
        SingleCall.Result high = call(vm(2).build(), "hvcl 0x100", regs("a0", 1, "a1", 1, "a3", 300));
        assertEquals(0, swi0(high, 0) + swi0(high, 1));
        assertEquals(0, a(high, "a0"));
    }

    @Test
    @DisplayName("exit.c kvm_send_pv_ipi: targets are physical CPU ids (CSR.CPUID), not vCPU indices")
    void ipiByPhysicalId() {
        SingleCall.Result r = call(vm(3).vcpuIds(10, 20, 30).build(), "hvcl 0x100", regs("a0", 1, "a1", 1L | 1L << 20, "a3", 10));
        assertEquals(1, swi0(r, 0));
        assertEquals(0, swi0(r, 1));
        assertEquals(1, swi0(r, 2));
    }

    // ---------------------------------------------------------------- unknown numbers and codes

    @ParameterizedTest(name = "a0 = 0x{0}")
    @DisplayName("#10 exit.c kvm_handle_service default: a0 = 0, 3, 0x1_00000001 (full 64-bit compare) answer -1 with PC + 4")
    @ValueSource(longs = {0, 3, 0x1_0000_0001L, 0x1_0000_0002L, -1L})
    void unknownFunction(long a0) {
        SingleCall.Result r = call(vm(1).build(), "hvcl 0x100", regs("a0", a0, "a1", 0b1, "a2", 0x40));
        assertEquals(MINUS_1, a(r, "a0"));
        Map<String, Long> changed = new LinkedHashMap<>(r.changed());
        changed.remove("a0");
        assertEquals(Map.of("pc", 0x1004L), changed);
        assertEquals(Status.NOT_IMPLEMENTED, r.status());
        assertTrue(r.effects().isEmpty());
    }

    @ParameterizedTest(name = "hvcl 0x{0}")
    @DisplayName("#16 #17 exit.c kvm_handle_hypercall default: any other code is a no-op that sets a0 = -1 and advances the PC")
    @ValueSource(ints = {0, 1, 0xFF, 0x103, 0x200, 0x7FFF})
    void unknownCode(int code) {
        SingleCall.Result r = call(vm(2).build(), "hvcl " + code, regs("a0", 1, "a1", 0b11, "a7", 0x77));
        assertEquals(Map.of("a0", MINUS_1, "pc", 0x1004L), r.changed());
        assertEquals(Outcome.RESUME, r.outcome());
        assertTrue(r.effects().isEmpty());
    }

    // ---------------------------------------------------------------- SWDBG and USER_SERVICE

    @Test
    @DisplayName("#18 exit.c kvm_handle_hypercall KVM_HCALL_SWDBG: without SW_BP debugging like an unknown code (a0 = -1, PC + 4)")
    void swdbgOff() {
        SingleCall.Result r = call(vm(1).build(), "hvcl 0x101", regs("a0", 5));
        assertEquals(Map.of("a0", MINUS_1, "pc", 0x1004L), r.changed());
    }

    @Test
    @DisplayName("#18 exit.c kvm_handle_hypercall KVM_HCALL_SWDBG: with KVM_GUESTDBG_USE_SW_BP, KVM_EXIT_DEBUG, PC and a0 unchanged")
    void swdbgOn() {
        SingleCall.Result r = call(vm(1).option("guest-debug", "sw-bp").build(), "hvcl 0x101", regs("a0", 5));
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals(Map.of(), r.changed());
        assertEquals(new Exit.Debug(0x1000), r.exit(), "KVM_EXIT_DEBUG; LoongArch's kvm_debug_exit_arch is empty");
        assertNull(r.status());
    }

    @Test
    @DisplayName("#19 exit.c kvm_handle_hypercall KVM_HCALL_USER_SERVICE: without KVM_FEATURE_USER_HCALL, a0 = -1 and PC + 4")
    void userServiceOff() {
        SingleCall.Result r = call(vm(1).build(), "hvcl 0x102", regs("a0", 9));
        assertEquals(Map.of("a0", MINUS_1, "pc", 0x1004L), r.changed());
    }

    @Test
    @DisplayName("#20 exit.c kvm_handle_hypercall / kvm_complete_user_service: USER_HCALL on exits with nr 0x102, args a0..a5; "
            + "a0 and PC + 4 only on re-entry")
    void userServiceOn() {
        dev.hcsim.core.Vm vm = Engine.create(LoongArchInterpreterTest.ARCH, vm(1).feature("user-hcall", true).build());
        dev.hcsim.core.sched.Machine m = new dev.hcsim.core.sched.Machine(vm, "t");
        m.load(0x1000, new byte[] {0x02, (byte) 0x81, 0x2b, 0x00});
        dev.hcsim.core.RegisterFile regs = m.registers(0);
        regs.pc(0x1000);
        for (int i = 0; i < 8; i++) {
            regs.set(LoongArchRegisters.A0 + i, 0x10 + i);
        }
        TrapResult t = vm.trap(0, regs, m.memory(), m);
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        // nr = KVM_HCALL_USER_SERVICE, args = a0..a5, flags = 0, ret preset to KVM_HCALL_INVALID_CODE (-1)
        assertEquals(new Exit.Hypercall(0x102, new long[] {0x10, 0x11, 0x12, 0x13, 0x14, 0x15}, -1, 0), t.exit());
        assertEquals(0x1000, regs.pc());
        assertEquals(0x10, regs.get(LoongArchRegisters.A0));
        vm.completeExit(0, regs, m.memory(), -1); // the VMM left run->hypercall.ret at its preset
        assertEquals(MINUS_1, regs.get(LoongArchRegisters.A0));
        assertEquals(0x1004, regs.pc());
        regs.pc(0x1000);
        vm.trap(0, regs, m.memory(), m);
        vm.completeExit(0, regs, m.memory(), 0x1234);
        assertEquals(0x1234, regs.get(LoongArchRegisters.A0));
        assertEquals(0x11, regs.get(LoongArchRegisters.A1));
    }

    // ---------------------------------------------------------------- other instructions at the trap gate

    @Test
    @DisplayName("exit.c kvm_trap_handle_gspr: a word KVM does not emulate injects INE with the PC rolled back; syscall/break are the guest's own")
    void notHypercalls() {
        SingleCall.Result ine = call(vm(1).build(), "00000000", regs("a0", 1));
        assertEquals(Outcome.FAULT, ine.outcome());
        assertEquals(new Fault.LoongArch(Fault.LoongArch.INE, 0, 0x1000, 0), ine.fault(), "kvm_queue_exception(vcpu, EXCCODE_INE, 0), ERA = the word");
        assertEquals(Map.of(), ine.changed());
        SingleCall.Result sys = call(vm(1).build(), "00002b00", regs("a0", 1));
        assertEquals(Outcome.NOT_A_HYPERCALL, sys.outcome());
        assertEquals(new Fault.LoongArch(Fault.LoongArch.SYS, 0, 0x1000, 0), sys.fault());
        assertEquals(Map.of(), sys.changed());
        SingleCall.Result idle = call(vm(1).build(), "idle 0", regs());
        assertEquals(Outcome.HALT, idle.outcome());
        assertEquals(Map.of("pc", 0x1004L), idle.changed());
    }

    // ---------------------------------------------------------------- the v7 variant

    @Test
    @DisplayName("seed v7 patch: function 1 is KVM_HCALL_FUNC_PV_IPI and \"returns success always\", even with the IPI bit off")
    void v7PvIpi() {
        SingleCall.Result r = call(vm(8).option("variant", "v7").feature("ipi", false).build(), "hvcl 0x100",
                regs("a0", 1, "a1", 0b101, "a3", 4));
        assertEquals(0, a(r, "a0"));
        assertEquals("KVM_HCALL_FUNC_PV_IPI", r.call());
        assertEquals(1, swi0(r, 4));
        assertEquals(1, swi0(r, 6));
    }

    @Test
    @DisplayName("seed v7 patch: no NOTIFY, no hvcl 0x101/0x102, and CPUCFG 0x40000004 = KVM_FEATURE_PV_IPI only")
    void v7Rest() {
        VmConfig v7 = vm(1).option("variant", "v7").feature("user-hcall", true).build();
        assertEquals(MINUS_1, a(call(v7, "hvcl 0x100", regs("a0", 2, "a1", 4, "a2", 0x8001)), "a0"));
        assertEquals(MINUS_1, a(call(v7, "hvcl 0x102", regs("a0", 2)), "a0"));
        assertEquals(0x2, a(call(v7, "cpucfg $a0, $a1", regs("a1", 0x4000_0004L)), "a0"));
    }
}
