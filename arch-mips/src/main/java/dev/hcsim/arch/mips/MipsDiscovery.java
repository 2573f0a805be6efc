package dev.hcsim.arch.mips;

import java.util.List;

/**
 * How a MIPS guest finds KVM: it does not. There is no CPUID-like leaf, no device-tree node and no
 * feature bit. {@code kvm_para_available()} is fixed when the guest kernel is built
 * (arch/mips/include/asm/kvm_para.h: true only for CONFIG_MIPS_PARAVIRT), and
 * {@code kvm_arch_para_features()} and {@code kvm_arch_para_hints()} are 0. The one thing a running
 * guest can observe is the answer to a HYPCALL: -KVM_ENOSYS (v0 = 0xfffffffffffffc18) from KVM. A
 * guest finds its own CPU number in CP0 EBase bits 9..0 ({@code mfc0 rt,c0_ebase}).
 */
public final class MipsDiscovery {
    static final String TEXT = "No discovery mechanism: no CPUID-like leaf, device-tree node or feature bit. The guest decides at build time: "
            + "kvm_para_available() is true only in a CONFIG_MIPS_PARAVIRT kernel, and kvm_arch_para_features() / kvm_arch_para_hints() "
            + "return 0 (arch/mips/include/asm/kvm_para.h). At run time a guest can only probe: HYPCALL code 0 with any v0 answers "
            + "-KVM_ENOSYS (v0 = 0xfffffffffffffc18) under KVM. A vCPU reads its own number from CP0 EBase.CPUNum (mfc0 rt,$15,1, "
            + "bits 9..0; KVM sets EBase = (s32)0x80000000 | vcpu_id in arch/mips/kvm/vz.c kvm_vz_vcpu_setup).";

    /** What probing looks like in the guest subset: v0 is -KVM_ENOSYS after this under KVM. */
    public static final List<String> PROBE = List.of("li v0,0", "hypcall", "# v0 == -1000: a KVM host");

    /** The EBase CPUNum field mask. */
    public static final int CPUNUM_MASK = 0x3FF;

    private MipsDiscovery() {
    }

    /**
     * The discovery text shown by {@code explain}.
     * @return one paragraph saying how a MIPS guest learns it runs on KVM
     */
    public static String describe() {
        return TEXT;
    }

    /**
     * The guest's {@code kvm_para_available()}: a build-time constant, true only for a paravirtual guest kernel.
     * @param paravirtGuestKernel whether the guest kernel was built with CONFIG_KVM_GUEST
     * @return the value {@code kvm_para_available()} returns in that guest
     */
    public static boolean kvmParaAvailable(boolean paravirtGuestKernel) {
        return paravirtGuestKernel;
    }

    /**
     * The guest's {@code kvm_arch_para_features()}: always 0 on MIPS.
     * @return 0, MIPS KVM advertises no paravirtual features
     */
    public static int paraFeatures() {
        return 0;
    }
}
