package dev.hcsim.conformance.produced;

import static dev.hcsim.conformance.produced.Listed.regs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.sched.SingleCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every fault and exit x86 lists in {@code hcsim explain --arch x86}, driven once, with the typed record checked
 * (arch/x86/kvm/x86.c handle_ud, emulator_fix_hypercall, kvm_skip_emulated_instruction, ____kvm_emulate_hypercall;
 * hyperv.c kvm_hv_hypercall; xen.c kvm_xen_hypercall). That nothing unlisted is produced is the conformance
 * property "every fault and exit is one hcsim explain lists" (AbiPropertiesTest), over random calls.
 */
class X86ProducedTest {
    private static final long AT = 0x1000;

    @Test
    @DisplayName("each listed x86 fault and exit comes out as its typed record")
    void everyListedFaultAndExit() {
        Listed l = new Listed("x86");
        TrapResult pf = l.fetchOutside("nothing readable at RIP", l.config(), 0x20_0000, regs("cpl", 3));
        assertEquals(Fault.X86.pf(Fault.X86.PFERR_FETCH | Fault.X86.PFERR_USER, 0x20_0000, 0x20_0000), pf.fault());

        SingleCall.Result ud = l.call("neither vmcall nor vmmcall", l.config(), "0f0b", regs());
        assertEquals(Fault.X86.ud(AT), ud.fault());
        SingleCall.Result other = l.call("FIX_HYPERCALL_INSN off", l.config("quirk-fix-hypercall=off"), "0f01d9", regs("rax", 1));
        assertEquals(Fault.X86.ud(AT), other.fault());
        SingleCall.Result gp = l.call("VMCALL on AMD at CPL > 0", l.config("vendor=amd", "cpl=3"), "0f01c1", regs("rax", 1));
        assertEquals(Fault.X86.gp(0, AT), gp.fault());
        TrapResult patch = l.fetchOutsideWritable("patching the native instruction", l.config(), AT, new byte[] {0x0f, 0x01, (byte) 0xd9});
        assertEquals(Fault.X86.pf(Fault.X86.PFERR_WRITE, AT, AT), patch.fault());
        SingleCall.Result db = l.call("RFLAGS.TF set", l.config(), "vmcall", regs("rax", 0, "rflags", 0x102));
        assertEquals(Fault.X86.db(AT + 3), db.fault(), "#DB after the completed call: RIP past it (kvm_vcpu_do_singlestep)");

        SingleCall.Result hvUd = l.call("Hyper-V hypercall at CPL > 0", l.config("+hyperv", "cpl=3"), "vmcall", regs("rcx", 0x8041));
        assertEquals(Fault.X86.ud(AT), hvUd.fault());
        SingleCall.Result hv = l.call("Hyper-V enabled: a call KVM leaves", l.config("+hyperv"), "vmcall",
                regs("rcx", 0x8041, "rdx", 0x3000, "r8", 0x4000));
        assertEquals(new Exit.HypervHcall(0x8041, 0, List.of(0x3000L, 0x4000L)), hv.exit());
        assertEquals(Map.of("rax", 5L, "pc", AT + 3), Listed.reenter(hv, new Exit.HypervHcall(0x8041, 5, List.of(0x3000L, 0x4000L))),
                "kvm_hv_hypercall_complete_userspace: RAX = the VMM's result, RIP + 3");
        SingleCall.Result xen = l.call("Xen enabled", l.config("+xen"), "vmcall", regs("rax", 17, "rdi", 1, "rsi", 2));
        assertEquals(new Exit.XenHcall(true, 0, 17, 0, List.of(1L, 2L, 0L, 0L, 0L, 0L)), xen.exit());
        assertEquals(Map.of("rax", 9L, "pc", AT + 3), Listed.reenter(xen, new Exit.XenHcall(true, 0, 17, 9, List.of(1L, 2L, 0L, 0L, 0L, 0L))),
                "kvm_xen_hypercall_complete_userspace: RAX = run->xen.u.hcall.result, RIP + 3");
        SingleCall.Result map = l.call("KVM_HC_MAP_GPA_RANGE", l.config("+exit-hypercall"), "vmcall",
                regs("rax", 12, "rbx", 0x2000, "rcx", 3, "rdx", 0x10));
        assertEquals(new Exit.Hypercall(12, new long[] {0x2000, 3, 0x10, 0, 0, 0}, 0, Exit.Hypercall.X86_LONG_MODE), map.exit());
        assertEquals(AT, map.after().pc(), "RIP on the VMCALL until re-entry (complete_hypercall_exit advances it)");
        assertEquals(Map.of("rax", 0x55L, "pc", AT + 3),
                Listed.reenter(map, new Exit.Hypercall(12, new long[] {0x2000, 3, 0x10, 0, 0, 0}, 0x55, Exit.Hypercall.X86_LONG_MODE)),
                "complete_hypercall_exit: RAX = run->hypercall.ret, kvm_skip_emulated_instruction");
        l.assertEveryEntryDriven();
    }
}
