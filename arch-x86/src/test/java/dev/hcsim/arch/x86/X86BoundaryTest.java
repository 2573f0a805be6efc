package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.X86Calls.call;
import static dev.hcsim.arch.x86.X86Calls.rax;
import static dev.hcsim.arch.x86.X86Calls.regs;
import static dev.hcsim.arch.x86.X86Calls.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.SingleCall;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** x86 boundaries issue 25's mutation run found unguarded: the trap gate's bytes, the 64-bit test, SEND_IPI's span, kick targets, steal time. */
class X86BoundaryTest {
    private static List<Integer> targets(SingleCall.Result r) {
        return r.effects().stream().map(SingleCall.Effect::target).toList();
    }

    // ---------------------------------------------------------------- the trap gate

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0f00c1", "0f02c1", "0e01c1", "0f01c0", "0f01c9", "0f01d8", "0f01da", "0f01e1", "0f0141"})
    @DisplayName("x86.c kvm_emulate_hypercall is reached only from vmcall (0f 01 c1) / vmmcall (0f 01 d9): a near-miss encoding is answered like any non-hypercall, registers untouched")
    void nearMissIsNotAHypercall(String bytes) {
        SingleCall.Result reference = call(vm(1), "0f01c2", "rax", 1); // vmlaunch: a known non-hypercall
        SingleCall.Result r = call(vm(1), bytes, "rax", 1, "rbx", 2);
        assertEquals(reference.outcome(), r.outcome(), bytes + " taken as a hypercall");
        assertNotEquals(Outcome.RESUME, r.outcome());
        assertTrue(r.changed().isEmpty(), "registers untouched: " + r.changed());
        assertTrue(r.effects().isEmpty());
    }

    @Test
    @DisplayName("the two real encodings are hypercalls: vmcall and vmmcall with KVM_HC_VAPIC_POLL_IRQ give RAX = 0, RIP + 3")
    void realEncodings() {
        for (String insn : new String[] {"0f01c1", "0f01d9"}) {
            SingleCall.Result r = call(vm(1).option("vendor", insn.equals("0f01c1") ? "intel" : "amd"), insn, "rax", 1);
            assertEquals(Outcome.RESUME, r.outcome(), insn);
            assertEquals(0, rax(r), insn);
        }
    }

    // ---------------------------------------------------------------- is_64_bit_hypercall

    @Test
    @DisplayName("x86.h is_64_bit_hypercall: compatibility mode (EFER.LMA = 1, CS.L = 0) is a 32-bit call: nr 0xDEAD000000000001 reads as 1 and RAX is cut to u32")
    void compatibilityMode() {
        SingleCall.Result compat = call(vm(1), null, "rax", 0xDEAD_0000_0000_0001L, "efer.lma", 1, "cs.l", 0);
        assertEquals(0, rax(compat), "KVM_HC_VAPIC_POLL_IRQ answered");
        SingleCall.Result unknown = call(vm(1), null, "rax", 0xDEAD_0000_0000_0077L, "efer.lma", 1, "cs.l", 0);
        assertEquals(0xFFFF_FC18L, rax(unknown), "-KVM_ENOSYS cut to 32 bits (complete_hypercall_exit)");
        SingleCall.Result legacy = call(vm(1), null, "rax", 0xDEAD_0000_0000_0001L, "efer.lma", 0, "cs.l", 1);
        assertEquals(0, rax(legacy), "EFER.LMA = 0: 32-bit whatever CS.L says");
        SingleCall.Result longMode = call(vm(1), null, "rax", 0xDEAD_0000_0000_0001L, "efer.lma", 1, "cs.l", 1);
        assertEquals(-1000L, rax(longMode), "64-bit mode reads all of RAX: no such number, -KVM_ENOSYS");
    }

    // ---------------------------------------------------------------- SEND_IPI

    @Test
    @DisplayName("lapic.c __pv_send_ipi: the span is clipped at the highest APIC ID (4 vCPUs, min 2, all bits: IDs 2 and 3 only; min 3: ID 3; min 4: none)")
    void sendIpiClippedAtMaxApicId() {
        SingleCall.Result r = call("rax", 10, "rbx", -1L, "rcx", -1L, "rdx", 2, "rsi", 0xEC);
        assertEquals(2, rax(r));
        assertEquals(List.of(2, 3), targets(r));
        assertEquals(1, rax(call("rax", 10, "rbx", -1L, "rcx", 0, "rdx", 3, "rsi", 0xEC)));
        assertEquals(0, rax(call("rax", 10, "rbx", -1L, "rcx", 0, "rdx", 4, "rsi", 0xEC)));
    }

    @Test
    @DisplayName("lapic.c __pv_send_ipi: a full 64-wide span (70 vCPUs, a0 all ones, a1 bit 0) reaches IDs 0..64, bit 63 included")
    void sendIpiFullSpan() {
        SingleCall.Result r = call(vm(70), null, "rax", 10, "rbx", -1L, "rcx", 1, "rdx", 0, "rsi", 0xEC);
        assertEquals(65, rax(r));
        assertTrue(targets(r).contains(63) && targets(r).contains(64), "IDs 63 and 64");
        SingleCall.Result top = call(vm(70), null, "rax", 10, "rbx", 1L << 63, "rcx", 0, "rdx", 0, "rsi", 0xEC);
        assertEquals(1, rax(top));
        assertEquals(List.of(63), targets(top));
    }

    // ---------------------------------------------------------------- KICK_CPU

    @Test
    @DisplayName("x86.c kvm_pv_kick_cpu_op: APIC ID 0xFF is the xAPIC physical broadcast (lapic.c kvm_apic_is_broadcast_dest): every vCPU, the caller too, is kicked")
    void kickBroadcast() {
        SingleCall.Result r = call("rax", 5, "rcx", 0xFF);
        assertEquals(0, rax(r));
        assertEquals(List.of(0, 1, 2, 3), targets(r));
        SingleCall.Result off = call(vm(4).option("x2apic-broadcast-quirk", "off"), null, "rax", 5, "rcx", 0xFF);
        assertTrue(off.effects().isEmpty(), "without the quirk 0xFF is no APIC ID here: " + off.effects());
    }

    @Test
    @DisplayName("x86.c kvm_pv_kick_cpu_op: vCPU 1 kicks APIC ID 0: vCPU 0 wakes and the caller yields to it")
    void kickVcpu0() {
        SingleCall.Result r = SingleCall.run(vm(4).build(), 1, null, regs("rax", 5, "rcx", 0), Map.of());
        assertEquals(List.of(0), targets(r));
        assertEquals(VcpuState.RUNNABLE, r.machine().stateOf(0));
        assertEquals(Outcome.YIELD, r.outcome());
    }

    @Test
    @DisplayName("x86.c kvm_pv_kick_cpu_op with the conformance kit's EffectLog as the VMM: the 0xFF broadcast kicks exactly the VM's "
            + "vCPUs and an APIC ID no vCPU has kicks nobody (kvm_get_vcpu_by_id finds none: no kick is issued at all)")
    void kickIssuesNoKickBeyondTheVm() {
        Vm vm = Vm.create(vm(4).build());
        dev.hcsim.core.RegisterFile regs = new dev.hcsim.core.RegisterFile(vm.architecture().registers());
        vm.resetVcpu(0, regs);
        dev.hcsim.core.SparseMemory mem = new dev.hcsim.core.SparseMemory(vm.config().memory());
        byte[] vmcall = {0x0f, 0x01, (byte) 0xc1};
        dev.hcsim.core.EffectLog log = new dev.hcsim.core.EffectLog(4);
        regs.set(X86Registers.RAX, 5);
        regs.set(X86Registers.RCX, 0xFF);
        vm.trap(0, regs, mem, log, vmcall);
        assertEquals(List.of("kick vcpu0", "kick vcpu1", "kick vcpu2", "kick vcpu3"),
                log.drain().stream().map(Object::toString).filter(e -> e.startsWith("kick")).toList());
        regs.pc(regs.pc() - 3);
        regs.set(X86Registers.RAX, 5);
        regs.set(X86Registers.RCX, 0x77);
        vm.trap(0, regs, mem, log, vmcall);
        assertEquals(0, regs.get(X86Registers.RAX));
        assertEquals(List.of(), log.drain().stream().map(Object::toString).filter(e -> e.startsWith("kick")).toList());
    }

    // ---------------------------------------------------------------- steal time

    /** A one-vCPU VM with KVM_FEATURE_STEAL_TIME as given, and its memory as the scheduler hands it to scheduleIn/Out. */
    private record StealRig(X86Vm x, MemoryAccess mem) {
        static StealRig of(boolean feature) {
            Vm vm = Vm.create(vm(1).feature("steal-time", feature).build());
            return new StealRig(vm.archState(X86Vm.class), new MemoryAccess(new Machine(vm, "t").memory(), ByteOrder.LITTLE_ENDIAN));
        }
    }

    @Test
    @DisplayName("x86.c record_steal_time: on entry version goes +2 (odd while writing), steal grows by the wait, preempted is cleared")
    void stealTimeRecord() {
        StealRig rig = StealRig.of(true);
        X86Vm x = rig.x();
        MemoryAccess mem = rig.mem();
        long gpa = 0x2000;
        assertEquals(null, x.wrmsr(0, X86Vm.MSR_KVM_STEAL_TIME, gpa | 1));
        mem.write(gpa, 8, 1000);      // steal so far
        mem.write(gpa + 16, 1, 1);    // preempted
        x.scheduleIn(0, 50, 300, mem);
        assertEquals(1300, mem.read64(gpa), "steal += the time the vCPU waited");
        assertEquals(2, mem.read32(gpa + 8), "version: 0 -> 1 while writing -> 2");
        assertEquals(0, mem.read8(gpa + 16), "preempted cleared");
        x.scheduleIn(0, 60, 5, mem);
        assertEquals(1305, mem.read64(gpa));
        assertEquals(4, mem.read32(gpa + 8));
    }

    @Test
    @DisplayName("x86.c record_steal_time: an odd version left by the guest (\"first time write, random junk\") is made even first: 3 -> 4 -> 5 -> 6")
    void stealTimeOddVersion() {
        StealRig rig = StealRig.of(true);
        X86Vm x = rig.x();
        MemoryAccess mem = rig.mem();
        x.wrmsr(0, X86Vm.MSR_KVM_STEAL_TIME, 0x2000 | 1);
        mem.write(0x2008, 4, 3);
        x.scheduleIn(0, 0, 7, mem);
        assertEquals(6, mem.read32(0x2008));
    }

    @Test
    @DisplayName("x86.c kvm_steal_time_set_preempted: a vCPU scheduled out while runnable gets preempted = 1; one that halted does not")
    void stealTimePreempted() {
        StealRig rig = StealRig.of(true);
        X86Vm x = rig.x();
        MemoryAccess mem = rig.mem();
        x.wrmsr(0, X86Vm.MSR_KVM_STEAL_TIME, 0x2000 | 1);
        x.scheduleOut(0, 0, false, mem);
        assertEquals(0, mem.read8(0x2010));
        x.scheduleOut(0, 0, true, mem);
        assertEquals(1, mem.read8(0x2010));
    }

    @Test
    @DisplayName("x86.c record_steal_time / kvm_steal_time_set_preempted: nothing is written while MSR_KVM_STEAL_TIME's enable bit (bit 0) is clear, or without KVM_FEATURE_STEAL_TIME")
    void stealTimeNeedsEnableBitAndFeature() {
        for (boolean feature : new boolean[] {true, false}) {
            StealRig rig = StealRig.of(feature);
            X86Vm x = rig.x();
            MemoryAccess mem = rig.mem();
            x.wrmsr(0, X86Vm.MSR_KVM_STEAL_TIME, feature ? 0x2000 : 0x2001); // enabled only without the feature
            mem.write(0x2000, 8, 1000);
            x.scheduleIn(0, 50, 300, mem);
            x.scheduleOut(0, 60, true, mem);
            assertEquals(1000, mem.read64(0x2000), "steal");
            assertEquals(0, mem.read32(0x2008), "version");
            assertEquals(0, mem.read8(0x2010), "preempted");
        }
    }

    @Test
    @DisplayName("x86.c record_steal_time: the record is at the MSR's 64-byte-aligned GPA (bits 5:0 are flags); the bytes around it are not touched")
    void stealTimeRecordPlacement() {
        StealRig rig = StealRig.of(true);
        X86Vm x = rig.x();
        MemoryAccess mem = rig.mem();
        x.wrmsr(0, X86Vm.MSR_KVM_STEAL_TIME, 0x2040 | 1);
        mem.write(0x2038, 8, 0x1111_1111_1111_1111L);
        mem.write(0x2080, 8, 0x2222_2222_2222_2222L);
        x.scheduleIn(0, 0, 5, mem);
        x.scheduleOut(0, 0, true, mem);
        assertEquals(5, mem.read64(0x2040));
        assertEquals(2, mem.read32(0x2048));
        assertEquals(1, mem.read8(0x2050));
        assertEquals(0x1111_1111_1111_1111L, mem.read64(0x2038), "before the record");
        assertEquals(0x2222_2222_2222_2222L, mem.read64(0x2080), "after the record");
    }

    @Test
    @DisplayName("kvm_vcpu_reset (as QEMU sets it up): option mode 64 resets to EFER.LMA = CS.L = 1, mode 32 to 0 and 0; CPL from the option; RFLAGS 0x2")
    void resetState() {
        for (String mode : new String[] {"64", "32"}) {
            Vm vm = Vm.create(vm(1).option("mode", mode).option("cpl", "3").build());
            dev.hcsim.core.RegisterFile r = new dev.hcsim.core.RegisterFile(vm.architecture().registers());
            r.set(X86Registers.EFER_LMA, 7);
            r.set(X86Registers.CS_L, 7);
            vm.resetVcpu(0, r);
            long want = mode.equals("64") ? 1 : 0;
            assertEquals(want, r.get(X86Registers.EFER_LMA), "EFER.LMA in mode " + mode);
            assertEquals(want, r.get(X86Registers.CS_L), "CS.L in mode " + mode);
            assertEquals(3, r.get(X86Registers.CPL));
            assertEquals(2, r.get(X86Registers.RFLAGS));
        }
    }

    @Test
    @DisplayName("the trap gate: a vmcall in the last three bytes of memory is a hypercall (3 bytes fetched are enough); two bytes are not")
    void vmcallAtTheEndOfMemory() {
        Vm vm = Vm.create(vm(1).build());
        Machine m = new Machine(vm, "t");
        long end = 0x10000; // the default 64 KiB
        m.load(end - 3, new byte[] {0x0f, 0x01, (byte) 0xc1});
        dev.hcsim.core.RegisterFile r = m.registers(0);
        r.pc(end - 3);
        r.set(X86Registers.RAX, 1);
        dev.hcsim.core.TrapResult t = vm.trap(0, r, m.memory(), m);
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(end, t.nextPc());
        r.pc(end - 2);
        dev.hcsim.core.TrapResult cut = vm.trap(0, r, m.memory(), m);
        assertNotEquals(Outcome.RESUME, cut.outcome());
        assertEquals(2, cut.instructionLength(), "the fault names the two bytes there are");
    }
}
