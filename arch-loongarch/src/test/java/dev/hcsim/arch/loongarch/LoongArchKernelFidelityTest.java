package dev.hcsim.arch.loongarch;

import static dev.hcsim.arch.loongarch.LoongArchTrapTest.MINUS_1;
import static dev.hcsim.arch.loongarch.LoongArchTrapTest.a;
import static dev.hcsim.arch.loongarch.LoongArchTrapTest.call;
import static dev.hcsim.arch.loongarch.LoongArchTrapTest.regs;
import static dev.hcsim.arch.loongarch.LoongArchTrapTest.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.SingleCall;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, LoongArch: what an audit of the kernel and of the v7 patch found different. Sources: the v7 series'
 * arch/loongarch/kvm/exit.c {@code kvm_emu_cpucfg} ({@code (plv & CSR_CRMD_PLV) == PLV_KERN}); today's exit.c
 * {@code kvm_handle_hypercall} (KVM_HCALL_SWDBG tests {@code KVM_GUESTDBG_SW_BP_MASK}, USER_SERVICE presets
 * {@code run->hypercall.ret}) and {@code kvm_send_pv_ipi} ({@code kvm_queue_irq}); vcpu.c {@code kvm_set_one_reg}
 * KVM_REG_LOONGARCH_VCPU_RESET ({@code st.guest_addr = 0}, {@code irq_pending} cleared).
 */
class LoongArchKernelFidelityTest {
    @Test
    @DisplayName("v7 exit.c kvm_emu_cpucfg: the KVM leaves read 0 outside PLV0; today's kernel has no PLV check")
    void v7CpucfgKvmLeavesNeedPlv0() {
        SingleCall.Result v7user = call(vm(1).option("variant", "v7").build(), "cpucfg $a0, $a1", regs("a1", 0x4000_0000L, "plv", 3));
        assertEquals(0, a(v7user, "a0"));
        SingleCall.Result v7feature = call(vm(1).option("variant", "v7").build(), "cpucfg $a0, $a1", regs("a1", 0x4000_0004L, "plv", 3));
        assertEquals(0, a(v7feature, "a0"));
        SingleCall.Result v7kernel = call(vm(1).option("variant", "v7").build(), "cpucfg $a0, $a1", regs("a1", 0x4000_0000L, "plv", 0));
        assertEquals(0x004D_564BL, a(v7kernel, "a0"));
        SingleCall.Result merged = call(vm(1).build(), "cpucfg $a0, $a1", regs("a1", 0x4000_0000L, "plv", 3));
        assertEquals(0x004D_564BL, a(merged, "a0"));
        SingleCall.Result v7arch = call(vm(1).option("variant", "v7").build(), "cpucfg $a0, $a1", regs("a1", 0, "plv", 3));
        assertEquals(LoongArchDiscovery.cpucfg(0, 0), a(v7arch, "a0"), "architectural leaves are not filtered");
    }

    @Test
    @DisplayName("exit.c kvm_handle_hypercall: hvcl 0x101 exits KVM_EXIT_DEBUG whenever guest_debug & KVM_GUESTDBG_SW_BP_MASK (single-step alone too)")
    void swdbgExitsWithSingleStepAlone() {
        SingleCall.Result r = call(vm(1).option("guest-debug", "single-step").build(), "hvcl 0x101", regs("a0", 9));
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertTrue(r.detail().startsWith("KVM_EXIT_DEBUG"), r.detail());
    }

    @Test
    @DisplayName("exit.c kvm_handle_hypercall: USER_SERVICE presets run->hypercall.ret = KVM_HCALL_INVALID_CODE; a host that leaves it gives a0 = -1")
    void userServicePresetsInvalidCode() {
        Vm v = Engine.create(LoongArchInterpreterTest.ARCH, vm(1).feature("user-hcall", true).build());
        Machine m = new Machine(v, "t");
        m.load(0x1000, new byte[] {0x02, (byte) 0x81, 0x2b, 0x00});
        RegisterFile regs = m.registers(0);
        regs.pc(0x1000);
        TrapResult t = v.trap(0, regs, m.memory(), m);
        assertEquals(-1L, ((dev.hcsim.core.Exit.Hypercall) t.exit()).ret());
        v.completeExit(0, regs, m.memory(), t.exit()); // the host answers with the exit as it found it
        assertEquals(MINUS_1, regs.get(LoongArchRegisters.A0));
    }

    @Test
    @DisplayName("exit.c kvm_send_pv_ipi: kvm_queue_irq sets SWI0 pending on the target whatever its state (stopped included)")
    void ipiIsAlwaysQueued() {
        SingleCall.Result r = SingleCall.run(vm(2).build(), 0, "hvcl 0x100", regs("a0", 1, "a1", 2, "a2", 0, "a3", 0), Map.of(),
                Map.of(1, VcpuState.OFF));
        LoongArchVm x = r.vm().archState(LoongArchVm.class);
        assertTrue(x.irqPending(1, LoongArchHypercalls.INT_SWI0), "irq_pending of the off vCPU holds SWI0");
        assertEquals(0, a(r, "a0"));
    }

    @Test
    @DisplayName("vcpu.c KVM_REG_LOONGARCH_VCPU_RESET: a vCPU reset clears the steal-time registration and pending interrupts")
    void resetClearsStealTimeRegistration() {
        Vm v = Engine.create(LoongArchInterpreterTest.ARCH, vm(1).build());
        Machine m = new Machine(v, "t");
        m.load(0x1000, new byte[] {0x00, (byte) 0x81, 0x2b, 0x00}); // hvcl 0x100
        RegisterFile regs = m.registers(0);
        regs.pc(0x1000);
        regs.set(LoongArchRegisters.A0, 2); // NOTIFY
        regs.set(LoongArchRegisters.A1, 4); // steal time
        regs.set(LoongArchRegisters.A2, 0x8001);
        v.trap(0, regs, m.memory(), m);
        LoongArchVm x = v.archState(LoongArchVm.class);
        assertEquals(0x8001, x.stealTimeGpa(0));
        v.resetVcpu(0, regs);
        assertEquals(0, x.stealTimeGpa(0), "vcpu->arch.st.guest_addr = 0");
    }

    @Test
    @DisplayName("vcpu.c kvm_set_cpuid: a physical CPU id at or above KVM_MAX_PHYID (256) is -EINVAL")
    void physicalCpuIdLimit() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Engine.create(LoongArchInterpreterTest.ARCH, vm(2).vcpuIds(0, 256).build()));
        assertTrue(e.getMessage().contains("-EINVAL"), e.getMessage());
    }
}
