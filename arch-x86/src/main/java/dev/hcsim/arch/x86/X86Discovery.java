package dev.hcsim.arch.x86;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Vm;

/**
 * How an x86 guest finds KVM: CPUID leaf 0x40000000 returns the signature "KVMKVMKVM\0\0\0" and
 * the highest KVM leaf; leaf 0x40000001 returns the PV feature bits in EAX and the hints in EDX
 * (arch/x86/kvm/cpuid.c {@code __do_cpuid_func}, Documentation/virt/kvm/x86/cpuid.rst). Leaf 1
 * ECX bit 31 says a hypervisor is present. Other leaves read 0 in this model.
 */
public final class X86Discovery {
    /** KVM_CPUID_SIGNATURE. */
    public static final long KVM_CPUID_SIGNATURE = 0x40000000L;
    /** KVM_CPUID_FEATURES. */
    public static final long KVM_CPUID_FEATURES = 0x40000001L;
    /** "KVMK", "VMKV", "M\0\0\0" (arch/x86/kvm/cpuid.c). */
    public static final long SIGNATURE_EBX = 0x4B4D564BL;
    /** The ECX of leaf KVM_CPUID_SIGNATURE: "VMKV". */
    public static final long SIGNATURE_ECX = 0x564B4D56L;
    /** The EDX of leaf KVM_CPUID_SIGNATURE: "M\0\0\0". */
    public static final long SIGNATURE_EDX = 0x0000004DL;

    private final Vm vm;
    private final long features;

    X86Discovery(Vm vm, long features) {
        this.vm = vm;
        this.features = features;
    }

    /**
     * The EAX of leaf 0x40000001 for this VM: the bits of its features (PV_UNHALT cleared when HLT exits are disabled).
     * @return the KVM_FEATURE_* bits (arch/x86/include/uapi/asm/kvm_para.h) the guest sees
     */
    public long featureBits() {
        return features;
    }

    /**
     * Executes CPUID on {@code r}: EAX = leaf, ECX = subleaf in; EAX, EBX, ECX, EDX out (upper halves zeroed).
     * @param r the vCPU's registers, read for the leaf and written with the result
     */
    public void cpuid(RegisterFile r) {
        long leaf = r.get(X86Registers.RAX) & 0xFFFF_FFFFL;
        long a = 0;
        long b = 0;
        long c = 0;
        long d = 0;
        boolean intel = vm.option("vendor").equals("intel");
        if (leaf == 0) {
            a = 1;
            // "GenuineIntel" / "AuthenticAMD" in EBX, EDX, ECX
            b = intel ? 0x756E6547L : 0x68747541L;
            d = intel ? 0x49656E69L : 0x69746E65L;
            c = intel ? 0x6C65746EL : 0x444D4163L;
        } else if (leaf == 1) {
            c = 1L << 31; // hypervisor present (SDM CPUID.1:ECX[31])
        } else if (leaf == KVM_CPUID_SIGNATURE) {
            a = KVM_CPUID_FEATURES;
            b = SIGNATURE_EBX;
            c = SIGNATURE_ECX;
            d = SIGNATURE_EDX;
        } else if (leaf == KVM_CPUID_FEATURES) {
            a = features;
            d = vm.option("hint-realtime").equals("on") ? 1 : 0;
        }
        r.set(X86Registers.RAX, a);
        r.set(X86Registers.RBX, b);
        r.set(X86Registers.RCX, c);
        r.set(X86Registers.RDX, d);
    }
}
