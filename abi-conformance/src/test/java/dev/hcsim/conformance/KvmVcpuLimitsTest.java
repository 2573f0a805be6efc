package dev.hcsim.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * virt/kvm/kvm_main.c {@code kvm_vm_ioctl_create_vcpu}: a vCPU past {@code kvm->max_vcpus} fails with -EINVAL. Each
 * architecture's bound, from its kernel header in the configuration its docs name (docs/arch/NAME.md, "vCPU limits").
 */
class KvmVcpuLimitsTest {
    @ParameterizedTest(name = "{0}: {1} vCPUs ({2})")
    @CsvSource({
        "x86, 4096, arch/x86/include/asm/kvm_host.h KVM_MAX_VCPUS = CONFIG_KVM_MAX_NR_VCPUS (MAXSMP)",
        "arm64, 512, arch/arm64/kvm/arm.c kvm_arm_default_max_vcpus: VGIC_V3_MAX_CPUS",
        "s390, 248, arch/s390/kvm/kvm-s390.c sca_can_add_vcpu: KVM_S390_ESCA_CPU_SLOTS (ids 0..247; KVM_MAX_VCPUS 255)",
        "mips, 16, arch/mips/include/asm/kvm_host.h KVM_MAX_VCPUS",
        "loongarch, 256, arch/loongarch/include/asm/kvm_host.h KVM_MAX_VCPUS",
        "ppc, 2048, arch/powerpc/include/asm/kvm_host.h KVM_MAX_VCPUS = NR_CPUS (ppc64_defconfig)",
    })
    void limit(String arch, int max, String source) {
        assertEquals(max, Vm.create(VmConfig.builder(arch).vcpus(max).build()).vcpuCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vm.create(VmConfig.builder(arch).vcpus(max + 1).build()));
        assertTrue(e.getMessage().contains("-EINVAL"), e.getMessage());
    }
}
