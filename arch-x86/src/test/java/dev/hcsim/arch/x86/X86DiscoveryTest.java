package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.sched.Machine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** CPUID as the guest sees it (arch/x86/kvm/cpuid.c __do_cpuid_func). */
class X86DiscoveryTest {
    private static RegisterFile cpuid(VmConfig.Builder vm, long leaf) {
        Machine m = new Machine(vm.build(), "cpuid");
        m.load(0x1000, Assembler.assemble(X86Codec.INSTANCE, "mov $" + leaf + ", %eax\ncpuid\nhlt", 0x1000).bytes());
        m.registers(0).pc(0x1000);
        m.run(100, 1_000_000);
        return m.registers(0);
    }

    @Test
    @DisplayName("#30 cpuid.c: leaf 0x40000000 gives EAX 0x40000001 and KVMKVMKVM\\0\\0\\0 in EBX, ECX, EDX")
    void signature() {
        RegisterFile r = cpuid(VmConfig.builder("x86"), 0x40000000L);
        assertEquals(0x40000001L, r.get(X86Registers.RAX));
        assertEquals(0x4B4D564BL, r.get(X86Registers.RBX));
        assertEquals(0x564B4D56L, r.get(X86Registers.RCX));
        assertEquals(0x4DL, r.get(X86Registers.RDX));
    }

    @Test
    @DisplayName("cpuid.c: leaf 0x40000001 EAX carries the VM's PV feature bits (defaults of KVM_GET_SUPPORTED_CPUID)")
    void features() {
        long bits = cpuid(VmConfig.builder("x86"), 0x40000001L).get(X86Registers.RAX);
        long expected = (1 << 0) | (1 << 1) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12)
                | (1 << 13) | (1 << 14) | (1 << 24);
        assertEquals(expected, bits);
        long noIpi = cpuid(VmConfig.builder("x86").feature("pv-send-ipi", false).feature("hc-map-gpa-range", true), 0x40000001L)
                .get(X86Registers.RAX);
        assertEquals(expected & ~(1L << 11) | (1L << 16), noIpi);
    }

    @Test
    @DisplayName("#31 selftest kvm_pv_test.c test_pv_unhalt: with HLT exits disabled, PV_UNHALT (bit 7) leaves leaf 0x40000001")
    void haltExitsOff() {
        long bits = cpuid(VmConfig.builder("x86").option("halt-exits", "off"), 0x40000001L).get(X86Registers.RAX);
        assertEquals(0, bits & (1 << 7));
    }

    @Test
    @DisplayName("leaf 1 ECX bit 31 says a hypervisor is present; leaf 0 names the host vendor")
    void hypervisorBitAndVendor() {
        assertEquals(1L << 31, cpuid(VmConfig.builder("x86"), 1).get(X86Registers.RCX) & (1L << 31));
        assertEquals(0x68747541L, cpuid(VmConfig.builder("x86").option("vendor", "amd"), 0).get(X86Registers.RBX), "Auth(enticAMD)");
    }
}
