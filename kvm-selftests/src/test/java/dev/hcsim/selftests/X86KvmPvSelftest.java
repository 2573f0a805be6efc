package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.CpuidEntry;
import dev.hcsim.core.KvmControl;
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
 * tools/testing/selftests/kvm/x86/kvm_pv_test.c (torvalds/linux, read at commit 7b2658cb): with
 * KVM_CAP_ENFORCE_PV_FEATURE_CPUID on and KVM_CPUID_FEATURES cleared, every KVM PV MSR #GPs on rdmsr
 * and wrmsr, and KICK_CPU, SEND_IPI and SCHED_YIELD answer -KVM_ENOSYS; test_pv_unhalt checks that
 * KVM_CAP_X86_DISABLE_EXITS with HLT withdraws KVM_FEATURE_PV_UNHALT.
 */
class X86KvmPvSelftest {
    static final long KVM_CAP_ENFORCE_PV_FEATURE_CPUID = 190;
    static final long KVM_CAP_X86_DISABLE_EXITS = 143;
    static final long KVM_X86_DISABLE_EXITS_HLT = 2;
    static final long KVM_CPUID_SIGNATURE = 0x4000_0000L;
    static final long KVM_CPUID_FEATURES = 0x4000_0001L;
    static final long KVM_FEATURE_PV_UNHALT = 1L << 7;
    static final long KVM_ENOSYS = -1000;

    /** main(): vm_create_with_one_vcpu, vcpu_enable_cap(ENFORCE_PV_FEATURE_CPUID, 1), vcpu_clear_cpuid_entry(KVM_CPUID_FEATURES). */
    static Vm enforcedVm() {
        Vm vm = Vm.create(VmConfig.builder("x86").vcpus(1).build());
        KvmControl c = vm.control();
        c.enableVcpuCap(0, KVM_CAP_ENFORCE_PV_FEATURE_CPUID, 1); // TEST_REQUIRE(kvm_has_cap(KVM_CAP_ENFORCE_PV_FEATURE_CPUID))
        List<CpuidEntry> e = new ArrayList<>(c.getCpuid(0));
        e.replaceAll(x -> x.function() == KVM_CPUID_FEATURES ? new CpuidEntry(x.function(), x.index(), x.flags(), 0, 0, 0, 0) : x);
        c.setCpuid(0, e);
        return vm;
    }

    /** Runs {@code insn} with RCX = msr and EDX:EAX = 0 (rdmsr_safe / wrmsr_safe); returns the fault, null when none. */
    static String msrAccess(Vm vm, String insn, long msr) {
        Machine m = new Machine(vm, "kvm_pv_test");
        m.load(0x1000, vm.assemble(insn + "\nhlt", 0x1000).bytes());
        m.registers(0).pc(0x1000);
        m.registers(0).set("rcx", msr);
        m.registers(0).set("rax", 0);
        m.registers(0).set("rdx", 0);
        m.run(100, 1_000_000);
        return m.stopReason(0);
    }

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {"12", "4b564d01", "11", "4b564d00", "4b564d02", "4b564d03", "4b564d04", "4b564d05", "4b564d06", "4b564d07"})
    @DisplayName("kvm_pv_test.c test_msr: GUEST_ASSERT_EQ(rdmsr_safe vector, GP_VECTOR) and GUEST_ASSERT_EQ(wrmsr_safe(msr, 0) vector, GP_VECTOR)")
    void msrFaults(String hex) {
        long msr = Long.parseLong(hex, 16);
        String rd = msrAccess(enforcedVm(), "rdmsr", msr); // a VM per run: one Machine per Vm
        assertNotNull(rd, "rdmsr did not fault");
        assertTrue(rd.startsWith("#GP"), rd);
        String wr = msrAccess(enforcedVm(), "wrmsr", msr);
        assertNotNull(wr, "wrmsr did not fault");
        assertTrue(wr.startsWith("#GP"), wr);
    }

    @ParameterizedTest(name = "nr {0}")
    @ValueSource(longs = {5, 10, 11})
    @DisplayName("kvm_pv_test.c test_hcall: GUEST_ASSERT_EQ(kvm_hypercall(nr, 0, 0, 0, 0), -KVM_ENOSYS) for KICK_CPU, SEND_IPI, SCHED_YIELD")
    void hypercallsEnosys(long nr) {
        Vm vm = enforcedVm();
        Machine m = new Machine(vm, "kvm_pv_test");
        m.load(0x1000, vm.assemble("vmcall", 0x1000).bytes());
        m.registers(0).pc(0x1000);
        for (String r : new String[] {"rax", "rbx", "rcx", "rdx", "rsi"}) {
            m.registers(0).set(r, 0);
        }
        m.registers(0).set("rax", nr);
        vm.trap(0, m.registers(0), m.memory(), m);
        assertEquals(KVM_ENOSYS, m.registers(0).get("rax"));
    }

    @Test
    @DisplayName("kvm_pv_test.c test_pv_unhalt: 'Enabling X86_FEATURE_KVM_PV_UNHALT had no effect', then "
            + "'KVM_FEATURE_PV_UNHALT is set with KVM_CAP_X86_DISABLE_EXITS'")
    void pvUnhalt() {
        Vm vm = Vm.create(VmConfig.builder("x86").vcpus(1).build());
        KvmControl c = vm.control();
        List<CpuidEntry> e = new ArrayList<>(c.getCpuid(0));
        e.replaceAll(x -> x.function() == KVM_CPUID_FEATURES ? new CpuidEntry(x.function(), x.index(), x.flags(), x.eax() | KVM_FEATURE_PV_UNHALT,
                x.ebx(), x.ecx(), x.edx()) : x);
        c.setCpuid(0, e); // vcpu_set_cpuid_feature(vcpu, X86_FEATURE_KVM_PV_UNHALT)
        assertTrue(has(c, KVM_FEATURE_PV_UNHALT), "Enabling X86_FEATURE_KVM_PV_UNHALT had no effect");
        CpuidEntry sig = find(c.getCpuid(0), KVM_CPUID_SIGNATURE);
        List<CpuidEntry> noSig = new ArrayList<>(c.getCpuid(0));
        noSig.replaceAll(x -> x.function() == KVM_CPUID_SIGNATURE ? new CpuidEntry(x.function(), x.index(), x.flags(), x.eax(), 0xdeadbeefL,
                x.ecx(), x.edx()) : x);
        c.setCpuid(0, noSig); // "Make sure KVM clears vcpu->arch.kvm_cpuid"
        c.enableCap(KVM_CAP_X86_DISABLE_EXITS, KVM_X86_DISABLE_EXITS_HLT);
        List<CpuidEntry> back = new ArrayList<>(c.getCpuid(0));
        back.replaceAll(x -> x.function() == KVM_CPUID_SIGNATURE ? sig : x);
        c.setCpuid(0, back);
        assertTrue(!has(c, KVM_FEATURE_PV_UNHALT), "KVM_FEATURE_PV_UNHALT is set with KVM_CAP_X86_DISABLE_EXITS");
    }

    @Test
    @DisplayName("kvm_pv_test.c main: TEST_REQUIRE(kvm_has_cap(KVM_CAP_ENFORCE_PV_FEATURE_CPUID))")
    void enforceCapPresent() {
        long has = Vm.create(VmConfig.builder("x86").vcpus(1).build()).control().checkExtension(KVM_CAP_ENFORCE_PV_FEATURE_CPUID);
        assertTrue(has != 0, "KVM_CHECK_EXTENSION(KVM_CAP_ENFORCE_PV_FEATURE_CPUID) = " + has);
    }

    @Test
    @DisplayName("kvm_pv_test.c test_pv_unhalt: if (!(kvm_check_cap(KVM_CAP_X86_DISABLE_EXITS) & KVM_X86_DISABLE_EXITS_HLT)) return")
    void disableExitsHltOffered() {
        long mask = Vm.create(VmConfig.builder("x86").vcpus(1).build()).control().checkExtension(KVM_CAP_X86_DISABLE_EXITS);
        assertTrue((mask & KVM_X86_DISABLE_EXITS_HLT) != 0, "KVM_CHECK_EXTENSION(KVM_CAP_X86_DISABLE_EXITS) = 0x" + Long.toHexString(mask));
    }

    private static boolean has(KvmControl c, long bit) {
        return (find(c.getCpuid(0), KVM_CPUID_FEATURES).eax() & bit) != 0;
    }

    private static CpuidEntry find(List<CpuidEntry> e, long function) {
        return e.stream().filter(x -> x.function() == function).findFirst().orElseThrow();
    }
}
