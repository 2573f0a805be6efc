package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * tools/testing/selftests/kvm/x86/fix_hypercall_test.c (torvalds/linux, read at commit 53b28692): the
 * guest executes the other vendor's hypercall instruction (KVM_HC_SCHED_YIELD to itself). With
 * KVM_X86_QUIRK_FIX_HYPERCALL_INSN, KVM patches in the native instruction and the call succeeds;
 * with the quirk disabled (KVM_CAP_DISABLE_QUIRKS2), the guest gets #UD and nothing is patched.
 * The selftest runs on one host; the port runs both hosts (Intel: vmcall native; AMD: vmmcall).
 */
class X86FixHypercallSelftest {
    static final byte[] VMCALL = {0x0f, 0x01, (byte) 0xc1};
    static final byte[] VMMCALL = {0x0f, 0x01, (byte) 0xd9};
    static final long KVM_CAP_DISABLE_QUIRKS2 = 213;
    static final long KVM_X86_QUIRK_FIX_HYPERCALL_INSN = 0x20;
    static final long CODE = 0x1000;

    /** guest_main up to the asserts: the other vendor's instruction at hypercall_insn, RAX = SCHED_YIELD, RBX = own APIC ID. */
    static Object[] run(String vendor, boolean disableQuirk) {
        Vm vm = Vm.create(VmConfig.builder("x86").vcpus(1).option("vendor", vendor).build());
        if (disableQuirk) {
            vm.control().enableCap(KVM_CAP_DISABLE_QUIRKS2, KVM_X86_QUIRK_FIX_HYPERCALL_INSN); // vm_enable_cap asserts 0
        }
        byte[] other = vendor.equals("intel") ? VMMCALL : VMCALL;
        Machine m = new Machine(vm, "fix_hypercall");
        m.load(CODE, other);
        m.registers(0).pc(CODE);
        m.registers(0).set("rax", 11);
        m.registers(0).set("rbx", vm.vcpuId(0));
        TrapResult t = vm.trap(0, m.registers(0), m.memory(), m);
        if (t.outcome() == Outcome.RESUME && m.registers(0).pc() == CODE) {
            t = vm.trap(0, m.registers(0), m.memory(), m); // the guest re-executes the patched instruction
        }
        byte[] now = new byte[3];
        m.memory().read(CODE, now, 0, 3);
        return new Object[] {t, m.registers(0).get("rax"), now};
    }

    @ParameterizedTest(name = "{0} host")
    @CsvSource({"intel", "amd"})
    @org.junit.jupiter.api.DisplayName("fix_hypercall_test.c enable_quirk: GUEST_ASSERT(!ret) and GUEST_ASSERT(!memcmp(native_hypercall_insn, hypercall_insn))")
    void enableQuirk(String vendor) {
        Object[] r = run(vendor, false);
        assertEquals(0L, r[1], "ret");
        assertArrayEquals(vendor.equals("intel") ? VMCALL : VMMCALL, (byte[]) r[2], "the native instruction is patched in");
    }

    @ParameterizedTest(name = "{0} host")
    @CsvSource({"intel", "amd"})
    @org.junit.jupiter.api.DisplayName("fix_hypercall_test.c disable_quirk: #UD (the guest's handler returns -EFAULT) and GUEST_ASSERT(!memcmp(other_hypercall_insn, hypercall_insn))")
    void disableQuirk(String vendor) {
        Object[] r = run(vendor, true);
        TrapResult t = (TrapResult) r[0];
        assertEquals(Outcome.FAULT, t.outcome());
        assertEquals(dev.hcsim.core.Fault.X86.UD, ((dev.hcsim.core.Fault.X86) t.fault()).vector(), String.valueOf(t.fault()));
        assertArrayEquals(vendor.equals("intel") ? VMMCALL : VMCALL, (byte[]) r[2], "KVM did NOT patch the hypercall");
    }

    @ParameterizedTest(name = "{0} host")
    @CsvSource({"intel", "amd"})
    @org.junit.jupiter.api.DisplayName("fix_hypercall_test.c main: TEST_REQUIRE(kvm_check_cap(KVM_CAP_DISABLE_QUIRKS2) & KVM_X86_QUIRK_FIX_HYPERCALL_INSN)")
    void quirkOffered(String vendor) {
        Vm vm = Vm.create(VmConfig.builder("x86").vcpus(1).option("vendor", vendor).build());
        long quirks = vm.control().checkExtension(KVM_CAP_DISABLE_QUIRKS2);
        assertTrue((quirks & KVM_X86_QUIRK_FIX_HYPERCALL_INSN) != 0, "KVM_CHECK_EXTENSION(KVM_CAP_DISABLE_QUIRKS2) = 0x" + Long.toHexString(quirks));
    }
}
