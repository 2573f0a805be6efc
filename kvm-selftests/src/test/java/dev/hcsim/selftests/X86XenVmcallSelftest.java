package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.arch.x86.X86Vm;
import dev.hcsim.arch.x86.X86Xen;
import dev.hcsim.core.Exit;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tools/testing/selftests/kvm/x86/xen_vmcall_test.c (torvalds/linux, read at commit b3cc7428): with
 * KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL, a vmcall and a call through the hypercall page KVM writes on the MSR write both
 * exit as KVM_EXIT_XEN with the guest's registers, and the VMM's result comes back in RAX (arch/x86/kvm/xen.c
 * kvm_xen_hypercall, kvm_xen_write_hypercall_page, kvm_xen_hypercall_complete_userspace); with Hyper-V exposed too
 * (vcpu_set_hv_cpuid) and the guest's OS ID written, the Hyper-V hypercall page KVM writes with Xen on sets EAX bit 31, so
 * the same vmcall reaches kvm_hv_hypercall (xen.c "Hyper-V hypercalls get bit 31 set in EAX"; hyperv.c
 * kvm_hv_set_msr_pw HV_X64_MSR_HYPERCALL, kvm_hvcall_signal_event). hcsim's guest reports what GUEST_ASSERT checks in
 * registers: r12 after the direct vmcall, r13 after the call through the Xen page, r14 after the one through the Hyper-V page.
 */
class X86XenVmcallSelftest {
    static final long HCALL_REGION_GPA = 0xc000_0000L;
    static final long INPUTVALUE = 17;
    static final long RETVALUE = 0xcafef00dfbfbffffL;
    static final long XEN_HYPERCALL_MSR = 0x4000_0200L;
    static final long HV_GUEST_OS_ID_MSR = 0x4000_0000L;
    static final long HV_HYPERCALL_MSR = 0x4000_0001L;
    static final long HVCALL_SIGNAL_EVENT = 0x005d;
    static final long HV_STATUS_INVALID_ALIGNMENT = 4;
    static final long PAGE_SIZE = 0x1000;
    static final long KVM_CAP_XEN_HVM = 124;

    static long argvalue(int x) {
        return 0xdeadbeef5a5a0000L + x;
    }

    /**
     * guest_code, lines 29-77: the direct vmcall, the Xen MSR write, the Hyper-V guest OS ID and hypercall page (its
     * enable bit set), the call through Xen stub INPUTVALUE, then HVCALL_SIGNAL_EVENT through the Hyper-V page.
     */
    static String guest() {
        StringBuilder s = new StringBuilder();
        s.append("    mov $0xF000, %rsp\n");
        s.append("    mov $").append(INPUTVALUE).append(", %rax\n");
        String[] regs = {"rdi", "rsi", "rdx", "r10", "r8", "r9"};
        for (int i = 0; i < 6; i++) {
            s.append("    movabs $0x").append(Long.toHexString(argvalue(i + 1))).append(", %").append(regs[i]).append('\n');
        }
        s.append("    vmcall\n");
        s.append("    mov %rax, %r12\n");
        s.append("    mov $0x").append(Long.toHexString(XEN_HYPERCALL_MSR)).append(", %ecx\n");
        s.append("    mov $0x").append(Long.toHexString(HCALL_REGION_GPA)).append(", %eax\n");
        s.append("    mov $0, %edx\n");
        s.append("    wrmsr\n");
        // lines 53-60: "Set Hyper-V Guest OS ID", then the Hyper-V hypercall page at HCALL_REGION_GPA + PAGE_SIZE, enabled
        s.append("    mov $0x").append(Long.toHexString(HV_GUEST_OS_ID_MSR)).append(", %ecx\n");
        s.append("    mov $0x5a, %eax\n");
        s.append("    mov $0, %edx\n");
        s.append("    wrmsr\n");
        s.append("    mov $0x").append(Long.toHexString(HV_HYPERCALL_MSR)).append(", %ecx\n");
        s.append("    mov $0x").append(Long.toHexString(HCALL_REGION_GPA + PAGE_SIZE + 1)).append(", %eax\n");
        s.append("    mov $0, %edx\n");
        s.append("    wrmsr\n");
        s.append("    mov %r12, %rax\n"); // "a"(rax): the first call's result, which the stub's mov replaces
        s.append("    movabs $0x").append(Long.toHexString(argvalue(3))).append(", %rdx\n"); // "d"(rdx) again after wrmsr
        s.append("    movabs $0x").append(Long.toHexString(HCALL_REGION_GPA + INPUTVALUE * 32)).append(", %r11\n");
        s.append("    call *%r11\n");
        s.append("    mov %rax, %r13\n");
        // lines 69-76: "Invoke a Hyper-V hypercall": rax = 0, rcx = HVCALL_SIGNAL_EVENT, rdx = 0x5a5a5a5a (badly aligned)
        s.append("    mov $0, %rax\n");
        s.append("    mov $0x").append(Long.toHexString(HVCALL_SIGNAL_EVENT)).append(", %rcx\n");
        s.append("    mov $0x5a5a5a5a, %rdx\n");
        s.append("    movabs $0x").append(Long.toHexString(HCALL_REGION_GPA + PAGE_SIZE)).append(", %r11\n");
        s.append("    call *%r11\n");
        s.append("    mov %rax, %r14\n");
        s.append("    hlt\n");
        return s.toString();
    }

    /**
     * main, lines 91-122: the VM with Hyper-V exposed but no guest OS ID yet (vcpu_set_hv_cpuid), KVM_XEN_HVM_CONFIG, the
     * two-page region, and the run loop's KVM_EXIT_XEN answer.
     */
    static Object[] run(String vendor) {
        Vm vm = Vm.create(VmConfig.builder("x86").vcpus(1).option("vendor", vendor).feature("hyperv", true).option("hyperv-guest-os-id", "0")
                .memory(0, 0x10000).memory(HCALL_REGION_GPA, 0x2000).build());
        vm.archState(X86Vm.class).xen().hvmConfig(X86Xen.KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL, XEN_HYPERCALL_MSR);
        Machine m = new Machine(vm, "xen_vmcall_test");
        m.load(0x1000, vm.assemble(guest(), 0x1000).bytes());
        m.registers(0).pc(0x1000);
        List<Exit.XenHcall> exits = new ArrayList<>();
        m.host((vcpu, r) -> {
            exits.add((Exit.XenHcall) r.exit());
            return RETVALUE; // run->xen.u.hcall.result = RETVALUE
        });
        m.run(100_000, Long.MAX_VALUE);
        return new Object[] {exits, m.registers(0).get("r12"), m.registers(0).get("r13"), m.registers(0).get("r14"), m.stopReason(0)};
    }

    @Test
    @DisplayName("xen_vmcall_test.c:89 main: TEST_REQUIRE(kvm_check_cap(KVM_CAP_XEN_HVM) & KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL)")
    void interceptOffered() {
        Vm vm = Vm.create(VmConfig.builder("x86").build());
        assertTrue((vm.control().checkExtension(KVM_CAP_XEN_HVM) & X86Xen.KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL) != 0);
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0} host")
    @ValueSource(strings = {"intel", "amd"})
    @DisplayName("xen_vmcall_test.c:112-121 main: both exits are KVM_EXIT_XEN_HCALL, cpl 0, longmode 1, input INPUTVALUE, params ARGVALUE(1..6)")
    void exitPayloads(String vendor) {
        List<Exit.XenHcall> exits = (List<Exit.XenHcall>) run(vendor)[0];
        assertEquals(2, exits.size(), "the direct vmcall and the call through the page");
        for (Exit.XenHcall e : exits) {
            assertEquals(1, e.type(), "112: run->xen.type == KVM_EXIT_XEN_HCALL");
            assertEquals(0, e.cpl(), "113: run->xen.u.hcall.cpl == 0");
            assertTrue(e.longmode(), "114: run->xen.u.hcall.longmode == 1");
            assertEquals(INPUTVALUE, e.input(), "115: run->xen.u.hcall.input == INPUTVALUE");
            for (int i = 0; i < 6; i++) {
                assertEquals(argvalue(i + 1), (long) e.params().get(i), (116 + i) + ": run->xen.u.hcall.params[" + i + "] == ARGVALUE(" + (i + 1) + ")");
            }
        }
    }

    @ParameterizedTest(name = "{0} host")
    @ValueSource(strings = {"intel", "amd"})
    @DisplayName("xen_vmcall_test.c:45 guest_code: GUEST_ASSERT(rax == RETVALUE) after the direct vmcall")
    void directVmcallResult(String vendor) {
        assertEquals(RETVALUE, (long) run(vendor)[1]);
    }

    @ParameterizedTest(name = "{0} host")
    @ValueSource(strings = {"intel", "amd"})
    @DisplayName("xen_vmcall_test.c:67 guest_code: GUEST_ASSERT(rax == RETVALUE) after call *(HCALL_REGION_GPA + INPUTVALUE * 32)")
    void hypercallPageResult(String vendor) {
        assertEquals(RETVALUE, (long) run(vendor)[2]);
    }

    @ParameterizedTest(name = "{0} host")
    @ValueSource(strings = {"intel", "amd"})
    @DisplayName("xen_vmcall_test.c:77 guest_code: GUEST_ASSERT(rax == HV_STATUS_INVALID_ALIGNMENT) after HVCALL_SIGNAL_EVENT through the Hyper-V page")
    void hypervCallThroughXenResult(String vendor) {
        Object[] r = run(vendor);
        assertEquals(null, r[4], "the guest ran to its hlt without a fault");
        assertEquals(HV_STATUS_INVALID_ALIGNMENT, (long) r[3]);
    }
}
