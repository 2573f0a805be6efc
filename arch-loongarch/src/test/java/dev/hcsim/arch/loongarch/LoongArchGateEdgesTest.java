package dev.hcsim.arch.loongarch;

import static dev.hcsim.arch.loongarch.LoongArchTrapTest.MINUS_1;
import static dev.hcsim.arch.loongarch.LoongArchTrapTest.call;
import static dev.hcsim.arch.loongarch.LoongArchTrapTest.regs;
import static dev.hcsim.arch.loongarch.LoongArchTrapTest.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.SingleCall;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The trap gate's and the steal-time record's edges as arch/loongarch/kvm/exit.c and vcpu.c decide them (issue 25:
 * mutants no test noticed).
 */
class LoongArchGateEdgesTest {
    private static final byte[] HVCL_100 = {0x00, (byte) 0x81, 0x2b, 0x00};
    private static final byte[] HVCL_101 = {0x01, (byte) 0x81, 0x2b, 0x00};
    private static final byte[] HVCL_102 = {0x02, (byte) 0x81, 0x2b, 0x00};

    /** One VM and its machine; the trap instruction at 0x1000. */
    private record Rig(Vm vm, Machine m, RegisterFile regs, MemoryAccess mem, LoongArchVm x) {
        static Rig of(VmConfig.Builder b, byte[] insn) {
            Vm vm = Engine.create(LoongArchInterpreterTest.ARCH, b.build());
            Machine m = new Machine(vm, "t");
            m.load(0x1000, insn);
            RegisterFile regs = m.registers(0);
            regs.pc(0x1000);
            return new Rig(vm, m, regs, new MemoryAccess(m.memory(), vm.byteOrder()), vm.archState(LoongArchVm.class));
        }

        TrapResult trap() {
            regs.pc(0x1000);
            return vm.trap(0, regs, m.memory(), m);
        }
    }

    // ---------------------------------------------------------------- the trap gate

    @Test
    @DisplayName("an instruction fetch with fewer than 4 bytes is ADE/ADEF at the PC, nothing dispatched "
            + "(exit.c kvm_handle_rdwr_fault: \"A code fetch fault doesn't count as an MMIO\")")
    void shortFetchIsAdef() {
        Rig r = Rig.of(vm(1), HVCL_100);
        TrapResult t = r.vm.trap(0, r.regs, r.m.memory(), r.m, new byte[] {0x00, (byte) 0x81});
        assertEquals(Outcome.FAULT, t.outcome());
        assertEquals(new Fault.LoongArch(Fault.LoongArch.ADE, Fault.LoongArch.ADEF, 0x1000, 0x1000), t.fault());
        assertEquals(2, t.instructionLength(), "the bytes that were fetched");
        assertEquals(0x1000, r.regs.pc());
    }

    @Test
    @DisplayName("an embedder that passes more than the trapping word gets PC + 4: every LoongArch instruction is 4 bytes (update_pc)")
    void longerFetchStillAdvancesByFour() {
        Rig r = Rig.of(vm(1), HVCL_100);
        r.regs.set(LoongArchRegisters.A0, 99); // no such service: a0 = -1
        byte[] eight = {0x00, (byte) 0x81, 0x2b, 0x00, 0, 0, 0, 0};
        TrapResult t = r.vm.trap(0, r.regs, r.m.memory(), r.m, eight);
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(0x1004, r.regs.pc());
    }

    @Test
    @DisplayName("IDLE is named in the trace and halts after PC + 4 (exit.c kvm_trap_handle_gspr, kvm_emu_idle)")
    void idleIsNamed() {
        SingleCall.Result r = call(vm(1).build(), "idle 0", regs());
        assertEquals(Outcome.HALT, r.outcome());
        assertEquals("IDLE", r.call());
        assertEquals(0x1004, r.after().pc());
    }

    @Test
    @DisplayName("BREAK is the guest kernel's own (EXCCODE_BRK): not a hypercall, nothing changed, the breakpoint exception at the PC")
    void breakIsTheGuestsOwn() {
        SingleCall.Result r = call(vm(1).build(), "00002a00", regs()); // break 0 = 0x002a0000
        assertEquals(Outcome.NOT_A_HYPERCALL, r.outcome());
        assertEquals(new Fault.LoongArch(Fault.LoongArch.BP, 0, 0x1000, 0), r.fault());
        assertTrue(r.changed().isEmpty());
    }

    @Test
    @DisplayName("KVM_HCALL_SWDBG without SW_BP debugging is named in the trace and answers -1 (exit.c kvm_handle_hypercall)")
    void swdbgNamed() {
        SingleCall.Result r = call(vm(1).build(), "hvcl 0x101", regs("a0", 5));
        assertEquals("KVM_HCALL_SWDBG", r.call());
        assertEquals(MINUS_1, r.after().get("a0"));
    }

    @Test
    @DisplayName("v7 knows no SWDBG or USER_SERVICE: with SW_BP debugging or the user-hcall bit they still answer -1, PC + 4 "
            + "(the v7 series' kvm_handle_hypercall has only KVM_HCALL_SERVICE)")
    void v7HasNoSwdbgOrUserService() {
        SingleCall.Result debug = call(vm(1).option("variant", "v7").option("guest-debug", "sw-bp").build(), "hvcl 0x101", regs("a0", 5));
        assertEquals(Outcome.RESUME, debug.outcome());
        assertEquals(MINUS_1, debug.after().get("a0"));
        Rig r = Rig.of(vm(1).option("variant", "v7"), HVCL_102);
        assertEquals(0, r.x.setPvFeatures(LoongArchDiscovery.FEATURE_USER_HCALL));
        TrapResult t = r.trap();
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(MINUS_1, r.regs.get(LoongArchRegisters.A0));
    }

    @Test
    @DisplayName("an unknown HVCL code is not USER_SERVICE even with KVM_FEATURE_USER_HCALL on: a0 = -1, PC + 4, no exit "
            + "(exit.c kvm_handle_hypercall default: \"Treat it as noop instruction, only set return value\")")
    void unknownCodeIsNotUserService() {
        SingleCall.Result r = call(vm(1).feature("user-hcall", true).build(), "hvcl 0x103", regs("a0", 5));
        assertEquals(Outcome.RESUME, r.outcome());
        assertEquals(Map.of("a0", MINUS_1, "pc", 0x1004L), r.changed());
    }

    @Test
    @DisplayName("the KVM_EXIT_DEBUG and USER_SERVICE exits leave the trap's next PC at the hvcl (RESUME_HOST, update_pc not yet run)")
    void exitsKeepNextPcAtTheTrap() {
        Rig debug = Rig.of(vm(1).option("guest-debug", "sw-bp"), HVCL_101);
        TrapResult d = debug.trap();
        assertEquals(Outcome.EXIT_TO_HOST, d.outcome());
        assertEquals(0x1000, d.nextPc());
        Rig user = Rig.of(vm(1).feature("user-hcall", true), HVCL_102);
        TrapResult u = user.trap();
        assertEquals(Outcome.EXIT_TO_HOST, u.outcome());
        assertEquals(0x1000, u.nextPc());
    }

    @Test
    @DisplayName("kvm_complete_user_service: a run->hypercall.ret the codec knows is that status (-1 = KVM_HCALL_INVALID_CODE), "
            + "any other value a successful result in a0")
    void userServiceAnswerStatus() {
        Rig r = Rig.of(vm(1).feature("user-hcall", true), HVCL_102);
        r.trap();
        TrapResult invalid = r.vm.completeExit(0, r.regs, r.m.memory(), -1);
        assertEquals(Status.NOT_IMPLEMENTED, invalid.status());
        assertEquals(MINUS_1, r.regs.get(LoongArchRegisters.A0));
        r.trap();
        TrapResult value = r.vm.completeExit(0, r.regs, r.m.memory(), 0x1234);
        assertEquals(Status.SUCCESS, value.status());
        assertEquals(0x1234, r.regs.get(LoongArchRegisters.A0));
    }

    @Test
    @DisplayName("a VMM that narrows KVM_FEATURE_IPI or KVM_FEATURE_STEAL_TIME after creation: the service answers -1 at once "
            + "(kvm_handle_service: kvm_guest_has_pv_feature; vcpu.c kvm_loongarch_cpucfg_set_attr)")
    void narrowedFeaturesAnswerInvalidCode() {
        Rig r = Rig.of(vm(2), HVCL_100);
        assertEquals(0, r.x.setPvFeatures(LoongArchDiscovery.FEATURE_STEAL_TIME));
        r.regs.set(LoongArchRegisters.A0, LoongArchHypercalls.KVM_HCALL_FUNC_IPI);
        r.regs.set(LoongArchRegisters.A1, 0b10);
        r.regs.set(LoongArchRegisters.A3, 0);
        r.trap();
        assertEquals(MINUS_1, r.regs.get(LoongArchRegisters.A0));
        assertFalse(r.x.irqPending(1, LoongArchHypercalls.INT_SWI0), "no IPI was sent");
        Rig s = Rig.of(vm(1), HVCL_100);
        assertEquals(0, s.x.setPvFeatures(LoongArchDiscovery.FEATURE_IPI));
        s.regs.set(LoongArchRegisters.A0, LoongArchHypercalls.KVM_HCALL_FUNC_NOTIFY);
        s.regs.set(LoongArchRegisters.A1, LoongArchDiscovery.FEATURE_STEAL_TIME);
        s.regs.set(LoongArchRegisters.A2, 0x8041);
        s.trap();
        assertEquals(MINUS_1, s.regs.get(LoongArchRegisters.A0));
        assertEquals(0, s.x.stealTimeGpa(0));
    }

    @Test
    @DisplayName("v7 answers the PV IPI as KVM_HCALL_FUNC_PV_IPI and sends it even with the IPI bit cleared (v7: \"Returns success always\")")
    void v7PvIpiAlwaysSucceeds() {
        Rig r = Rig.of(vm(2).option("variant", "v7"), HVCL_100);
        assertEquals(0, r.x.setPvFeatures(LoongArchDiscovery.FEATURE_STEAL_TIME));
        r.regs.set(LoongArchRegisters.A0, LoongArchHypercalls.KVM_HCALL_FUNC_IPI);
        r.regs.set(LoongArchRegisters.A1, 0b10);
        r.regs.set(LoongArchRegisters.A3, 0);
        TrapResult t = r.trap();
        assertEquals("KVM_HCALL_FUNC_PV_IPI", t.callName());
        assertEquals(0, r.regs.get(LoongArchRegisters.A0));
        assertTrue(r.x.irqPending(1, LoongArchHypercalls.INT_SWI0));
    }

    @Test
    @DisplayName("irq_pending is per vCPU and per interrupt: a PV IPI to an off vCPU 1 sets SWI0 there only (kvm_queue_irq: set_bit)")
    void irqPendingIsPerVcpuAndIrq() {
        SingleCall.Result r = SingleCall.run(vm(2).build(), 0, "hvcl 0x100", regs("a0", 1, "a1", 0b10, "a2", 0, "a3", 0), Map.of(),
                Map.of(1, VcpuState.OFF));
        LoongArchVm x = r.vm().archState(LoongArchVm.class);
        assertTrue(x.irqPending(1, LoongArchHypercalls.INT_SWI0));
        assertFalse(x.irqPending(1, 1));
        assertFalse(x.irqPending(0, LoongArchHypercalls.INT_SWI0));
    }

    // ---------------------------------------------------------------- the steal-time record (vcpu.c)

    private static final long GPA = 0x8040;

    @Test
    @DisplayName("KVM_LOONGARCH_VCPU_PVTIME_GPA without the valid bit is stored unchecked, even outside guest memory, and no record "
            + "is written (vcpu.c kvm_loongarch_pvtime_set_attr; kvm_update_stolen_time: !(gpa & KVM_STEAL_PHYS_VALID))")
    void gpaWithoutValidBit() {
        Rig r = Rig.of(vm(1), HVCL_100);
        assertEquals(0, r.x.setStealTimeGpa(0, 0x7_0000_0000L));
        assertEquals(0x7_0000_0000L, r.x.stealTimeGpa(0));
        assertEquals(0, r.x.setStealTimeGpa(0, GPA));
        r.mem.write(GPA + LoongArchVm.ST_PREEMPTED, 1, 0x80);
        r.x.scheduleIn(0, 10, 500, r.mem);
        r.x.scheduleOut(0, 20, true, r.mem);
        assertEquals(0, r.mem.read32(GPA + LoongArchVm.ST_VERSION));
        assertEquals(0, r.mem.read64(GPA + LoongArchVm.ST_STEAL));
        assertEquals(0x80, r.mem.read8(GPA + LoongArchVm.ST_PREEMPTED), "neither cleared nor set");
    }

    @Test
    @DisplayName("a record not wholly in guest memory is never written, neither at schedule-in nor at preemption "
            + "(kvm_gfn_to_hva_cache_init fails)")
    void recordStraddlingMemoryEnd() {
        Rig r = Rig.of(VmConfig.builder("loongarch").memory(0, 0x10020), HVCL_100);
        assertEquals(0, r.x.setStealTimeGpa(0, 0x10000 | 1));
        r.mem.write(0x10010, 1, 0x80);
        r.x.scheduleIn(0, 10, 500, r.mem);
        r.x.scheduleOut(0, 20, true, r.mem);
        assertEquals(0, r.mem.read64(0x10000));
        assertEquals(0, r.mem.read32(0x10008));
        assertEquals(0x80, r.mem.read8(0x10010));
    }

    @Test
    @DisplayName("without KVM_FEATURE_PREEMPT the preempted byte is KVM's to leave: not cleared at schedule-in, not set at preemption; "
            + "a vCPU put while not runnable is not preempted (vcpu.c kvm_update_stolen_time, kvm_arch_vcpu_put)")
    void preemptedByteOnlyWithPreempt() {
        Rig r = Rig.of(vm(1).feature("preempt", false), HVCL_100);
        assertEquals(0, r.x.setStealTimeGpa(0, GPA | 1));
        assertPreemptedByteLeftAlone(r);
        Rig on = Rig.of(vm(1), HVCL_100);
        assertEquals(0, on.x.setStealTimeGpa(0, GPA | 1));
        on.x.scheduleIn(0, 10, 0, on.mem);
        on.x.scheduleOut(0, 20, false, on.mem);
        assertEquals(0, on.mem.read8(GPA + LoongArchVm.ST_PREEMPTED), "blocked, not preempted");
    }

    @Test
    @DisplayName("the preempted byte is set once per preemption: cleared by the guest, it is not set again until the next schedule-in "
            + "(vcpu.c kvm_vcpu_set_pv_preempted: if (vcpu->arch.st.preempted) return)")
    void preemptedOncePerPreemption() {
        Rig r = Rig.of(vm(1), HVCL_100);
        assertEquals(0, r.x.setStealTimeGpa(0, GPA | 1));
        r.x.scheduleIn(0, 10, 0, r.mem);
        r.x.scheduleOut(0, 20, true, r.mem);
        assertEquals(1, r.mem.read8(GPA + LoongArchVm.ST_PREEMPTED));
        r.mem.write(GPA + LoongArchVm.ST_PREEMPTED, 1, 0);
        r.x.scheduleOut(0, 30, true, r.mem);
        assertEquals(0, r.mem.read8(GPA + LoongArchVm.ST_PREEMPTED));
    }

    @Test
    @DisplayName("kvm_update_stolen_time writes inside the 64-byte record only: the bytes before and after it keep their values")
    void recordWritesStayInside() {
        Rig r = Rig.of(vm(1), HVCL_100);
        r.mem.write(GPA - 8, 8, 0x1111_2222_3333_4444L);
        r.mem.write(GPA + 64, 8, 0x5555_6666_7777_8888L);
        assertEquals(0, r.x.setStealTimeGpa(0, GPA | 1));
        r.x.scheduleIn(0, 10, 700, r.mem);
        r.x.scheduleIn(0, 20, 300, r.mem);
        assertEquals(1000, r.mem.read64(GPA + LoongArchVm.ST_STEAL), "counted from the registration: 700 + 300");
        assertEquals(4, r.mem.read32(GPA + LoongArchVm.ST_VERSION));
        assertEquals(0x1111_2222_3333_4444L, r.mem.read64(GPA - 8));
        assertEquals(0x5555_6666_7777_8888L, r.mem.read64(GPA + 64));
    }

    @Test
    @DisplayName("the PV IPI reads exactly two bitmap words, a1 and a2: a3 (the first id) is never taken as a third word, even when "
            + "a vCPU has id a3 + 128 (exit.c kvm_send_pv_ipi: ipi_bitmap = vcpu->arch.gprs[LOONGARCH_GPR_A1 + i], i < 2)")
    void pvIpiReadsTwoWords() {
        Rig r = Rig.of(vm(2).vcpuIds(0, 129), HVCL_100);
        r.regs.set(LoongArchRegisters.A0, LoongArchHypercalls.KVM_HCALL_FUNC_IPI);
        r.regs.set(LoongArchRegisters.A1, 0);
        r.regs.set(LoongArchRegisters.A2, 0);
        r.regs.set(LoongArchRegisters.A3, 1);
        r.trap();
        assertEquals(0, r.regs.get(LoongArchRegisters.A0));
        assertFalse(r.x.irqPending(1, LoongArchHypercalls.INT_SWI0), "id 129 = a3 + 128 was not named");
        r.regs.set(LoongArchRegisters.A0, LoongArchHypercalls.KVM_HCALL_FUNC_IPI);
        r.regs.set(LoongArchRegisters.A2, 1); // bit 64: id a3 + 64
        r.regs.set(LoongArchRegisters.A3, 65);
        r.trap();
        assertTrue(r.x.irqPending(1, LoongArchHypercalls.INT_SWI0), "id 129 = 65 + 64 from the second word");
    }

    @Test
    @DisplayName("the IPI service is offered by KVM_FEATURE_IPI alone and NOTIFY by STEAL_TIME alone; v7 has no NOTIFY "
            + "(kvm_handle_service; the v7 series)")
    void eachServiceByItsOwnFeature() {
        SingleCall.Result ipi = SingleCall.run(vm(2).feature("steal-time", false).build(), 0, "hvcl 0x100",
                regs("a0", 1, "a1", 0b10, "a2", 0, "a3", 0), Map.of());
        assertEquals(0, ipi.after().get("a0"));
        SingleCall.Result v7 = call(vm(1).option("variant", "v7").build(), "hvcl 0x100", regs("a0", 2, "a1", 4, "a2", 0x8041));
        assertEquals(MINUS_1, v7.after().get("a0"));
        assertEquals(0, v7.vm().archState(LoongArchVm.class).stealTimeGpa(0));
    }

    @Test
    @DisplayName("v7 has no KVM_FEATURE_PREEMPT: even a VMM that sets the bit gets no preempted byte, neither cleared nor set "
            + "(the v7 series' kvm_update_stolen_time and kvm_arch_vcpu_put)")
    void v7HasNoPreemptedByte() {
        Rig r = Rig.of(vm(1).option("variant", "v7"), HVCL_100);
        assertEquals(0, r.x.setPvFeatures(LoongArchDiscovery.FEATURE_STEAL_TIME | LoongArchDiscovery.FEATURE_PREEMPT));
        assertEquals(0, r.x.setStealTimeGpa(0, GPA | 1));
        assertPreemptedByteLeftAlone(r);
    }

    /** A registered record whose preempted byte KVM neither clears at schedule-in nor sets at a preemption. */
    private static void assertPreemptedByteLeftAlone(Rig r) {
        r.mem.write(GPA + LoongArchVm.ST_PREEMPTED, 1, 0x80);
        r.x.scheduleIn(0, 10, 0, r.mem);
        assertEquals(2, r.mem.read32(GPA + LoongArchVm.ST_VERSION), "the record itself is updated");
        assertEquals(0x80, r.mem.read8(GPA + LoongArchVm.ST_PREEMPTED), "not cleared");
        r.mem.write(GPA + LoongArchVm.ST_PREEMPTED, 1, 0);
        r.x.scheduleOut(0, 20, true, r.mem);
        assertEquals(0, r.mem.read8(GPA + LoongArchVm.ST_PREEMPTED), "not set");
    }

    @Test
    @DisplayName("irq_pending holds each interrupt number in its own bit (set_bit(irq, &irq_pending)): INT 5 pending is not INT 0")
    void irqPendingBitPerInterrupt() {
        Rig r = Rig.of(vm(2), HVCL_100);
        r.x.queueIrq(1, 5);
        assertTrue(r.x.irqPending(1, 5));
        assertFalse(r.x.irqPending(1, 0));
        assertFalse(r.x.irqPending(1, 4));
    }

    @Test
    @DisplayName("v7 CPUCFG outside PLV0 zeroes only the KVM leaves: the CPU's own leaf 0 (PRID) reads as in PLV0 (v7 kvm_emu_cpucfg)")
    void v7UserCpucfgOfACpuLeaf() {
        SingleCall.Result kern = call(vm(1).option("variant", "v7").build(), "cpucfg $a0, $a1", regs("a1", 0, "plv", 0));
        SingleCall.Result user = call(vm(1).option("variant", "v7").build(), "cpucfg $a0, $a1", regs("a1", 0, "plv", 3));
        assertTrue(kern.after().get("a0") != 0, "leaf 0 has a PRID");
        assertEquals(kern.after().get("a0"), user.after().get("a0"));
    }
}
