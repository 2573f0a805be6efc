package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.X86Calls.call;
import static dev.hcsim.arch.x86.X86Calls.rax;
import static dev.hcsim.arch.x86.X86Calls.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.Status;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.SingleCall;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, x86: what an audit of today's kernel found different. Sources: arch/x86/kvm/x86.c
 * {@code kvm_pv_clock_pairing}, {@code kvm_skip_emulated_instruction}, {@code kvm_vcpu_do_singlestep},
 * {@code x86_emulate_instruction}; virt/kvm/kvm_main.c {@code kvm_write_guest}; arch/x86/kvm/lapic.c
 * {@code kvm_apic_is_broadcast_dest}, {@code kvm_apic_mda}, {@code kvm_apic_match_physical_addr}.
 */
class X86KernelFidelityTest {
    @Test
    @DisplayName("kvm_main.c kvm_write_guest: CLOCK_PAIRING straddling the end of memory writes the part inside, page by page, then -KVM_EFAULT")
    void clockPairingAtEndOfMemoryIsPartlyWritten() {
        SingleCall.Result r = call(vm(1), null, "rax", 9, "rbx", 0xFFE0, "rcx", 0);
        assertEquals(Status.FAULT, r.status());
        assertEquals(-14L, rax(r), "-KVM_EFAULT");
        assertEquals(1, r.writes().size(), "the page inside guest memory is written");
        assertEquals(0xFFE0L, r.writes().get(0).gpa());
        assertEquals(32, r.writes().get(0).bytes().length, "sec, nsec, tsc and the first 8 bytes of flags/pad");
        long tsc = Bytes.get(r.writes().get(0).bytes(), 16, 8, false);
        assertEquals(0, tsc, "tsc at virtual time 0 in the single-call machine");
    }

    @Test
    @DisplayName("kvm_write_guest: a CLOCK_PAIRING structure crossing a page boundary inside memory is written whole")
    void clockPairingAcrossPagesInsideMemory() {
        SingleCall.Result r = call(vm(1), null, "rax", 9, "rbx", 0x1FE0, "rcx", 0);
        assertEquals(0, rax(r));
        int total = r.writes().stream().mapToInt(w -> w.bytes().length).sum();
        assertEquals(64, total);
    }

    @Test
    @DisplayName("x86.c x86_emulate_instruction: with RFLAGS.TF a patched wrong-vendor hypercall gets #DB at the patched instruction")
    void singleStepAfterWrongVendorPatch() {
        SingleCall.Result r = call(vm(1), "vmmcall", "rax", 1, "rflags", 0x102);
        assertEquals(Outcome.FAULT, r.outcome());
        assertTrue(r.detail().startsWith("#DB"), r.detail());
        assertEquals(0x1000, r.after().pc(), "the emulator leaves RIP on the patched instruction (em_hypercall)");
        assertEquals(1, rax(r), "nothing was dispatched");
        assertEquals(1, r.writes().size(), "the instruction was patched");
    }

    @Test
    @DisplayName("x86.c kvm_skip_emulated_instruction: a SCHED_YIELD that yields still queues #DB with RFLAGS.TF; RAX = 0, RIP + 3")
    void singleStepAfterYield() {
        SingleCall.Result r = SingleCall.run(vm(2).build(), 0, null, X86Calls.regs("rax", 11, "rbx", 1, "rflags", 0x102), Map.of(),
                Map.of(1, VcpuState.RUNNABLE));
        assertEquals(Outcome.FAULT, r.outcome(), "kvm_sched_yield yields inside the call; the #DB is what the guest sees next");
        assertTrue(r.detail().startsWith("#DB"), r.detail());
        assertEquals(0, rax(r));
        assertEquals(0x1003, r.after().pc());
    }

    @Test
    @DisplayName("x86.c complete_hypercall_exit -> kvm_skip_emulated_instruction: a MAP_GPA_RANGE exit with TF gets #DB on re-entry")
    void singleStepAfterExitCompletion() {
        dev.hcsim.core.Vm v = dev.hcsim.core.Vm.create(vm(1).feature(X86Architecture.EXIT_HYPERCALL, true).build());
        dev.hcsim.core.sched.Machine m = new dev.hcsim.core.sched.Machine(v, "t");
        m.load(0x1000, new byte[] {0x0F, 0x01, (byte) 0xC1});
        dev.hcsim.core.RegisterFile regs = m.registers(0);
        regs.pc(0x1000);
        regs.set(X86Registers.RAX, 12);
        regs.set(X86Registers.RBX, 0x2000);
        regs.set(X86Registers.RCX, 1);
        regs.set(X86Registers.RFLAGS, 0x102);
        assertEquals(Outcome.EXIT_TO_HOST, v.trap(0, regs, m.memory(), m).outcome());
        dev.hcsim.core.TrapResult done = v.completeExit(0, regs, m.memory(), 0);
        assertEquals(Outcome.FAULT, done.outcome());
        assertEquals(dev.hcsim.core.Fault.X86.db(0x1003), done.fault(), "complete_hypercall_exit -> kvm_skip_emulated_instruction: #DB");
        assertEquals(0, regs.get(X86Registers.RAX));
        assertEquals(0x1003, regs.pc());
    }

    private static Set<Integer> kicked(VmConfig.Builder b, long apicId) {
        SingleCall.Result r = call(b, null, "rax", 5, "rbx", 0, "rcx", apicId);
        Set<Integer> out = new TreeSet<>();
        r.effects().stream().filter(e -> e.kind().equals("kick")).forEach(e -> out.add(e.target()));
        return out;
    }

    @Test
    @DisplayName("lapic.c kvm_apic_match_physical_addr: in xAPIC mode KICK_CPU to 0xff reaches every vCPU, whatever the quirk")
    void kickBroadcastXapic() {
        assertEquals(Set.of(0, 1, 2, 3), kicked(vm(4).option("apic-mode", "xapic"), 0xFF));
        assertEquals(Set.of(0, 1, 2, 3), kicked(vm(4).option("apic-mode", "xapic").option("x2apic-broadcast-quirk", "off"), 0xFF));
        assertEquals(Set.of(), kicked(vm(4).option("apic-mode", "xapic").option("x2apic-broadcast-quirk", "off"), 0xFFFFFFFFL),
                "0xffffffff is no xAPIC address");
    }

    @Test
    @DisplayName("lapic.c kvm_apic_mda: x2APIC with the broadcast quirk: 0xff from a non-IPI (KICK_CPU) is the x2APIC broadcast, even with 256+ vCPUs")
    void kickBroadcastX2apicQuirkWith256Vcpus() {
        Set<Integer> all = kicked(vm(300).option("apic-mode", "x2apic"), 0xFF);
        assertEquals(300, all.size(), "every vCPU, not only APIC ID 0xff");
        assertEquals(Set.of(), kicked(vm(4).option("apic-mode", "x2apic"), 0xFFFFFFFFL),
                "kvm_apic_is_broadcast_dest with the quirk compares with APIC_BROADCAST only; 0xffffffff > max_apic_id");
    }

    @Test
    @DisplayName("lapic.c kvm_apic_is_broadcast_dest: x2APIC without the quirk: 0xff is APIC ID 255, 0xffffffff the broadcast")
    void kickX2apicWithoutQuirk() {
        VmConfig.Builder b = vm(300).option("apic-mode", "x2apic").option("x2apic-broadcast-quirk", "off");
        assertEquals(Set.of(255), kicked(b, 0xFF));
        assertEquals(300, kicked(vm(300).option("apic-mode", "x2apic").option("x2apic-broadcast-quirk", "off"), 0xFFFFFFFFL).size());
        assertEquals(Set.of(), kicked(vm(4).option("apic-mode", "x2apic").option("x2apic-broadcast-quirk", "off"), 0xFF));
    }

    @Test
    @DisplayName("kvm_main.c kvm_vm_ioctl_create_vcpu: an APIC ID (vcpu_id) at or above KVM_MAX_VCPU_IDS (16384) is -EINVAL")
    void apicIdLimit() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> dev.hcsim.core.Vm.create(vm(2).vcpuIds(0, 16384).build()));
        assertTrue(e.getMessage().contains("-EINVAL"), e.getMessage());
        dev.hcsim.core.Vm.create(vm(2).vcpuIds(0, 16383).build());
    }
}
