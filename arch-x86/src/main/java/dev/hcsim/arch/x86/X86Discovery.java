package dev.hcsim.arch.x86;

import dev.hcsim.core.CpuidEntry;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.spi.VmContext;
import java.util.List;

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

    private final VmContext vm;
    /** The PV feature bits (EAX of the KVM features leaf) and hints (EDX), recomputed on every KVM_SET_CPUID2. */
    private volatile long features;
    private volatile long hints;
    /** The entries the VMM set with KVM_SET_CPUID2, or null while it set none (the defaults answer). */
    private volatile List<CpuidEntry> entries;

    /** The features and hints of the VM's configuration, before any KVM_SET_CPUID2. */
    private final long defaultFeatures;
    private final long defaultHints;

    X86Discovery(VmContext vm, long features) {
        this.vm = vm;
        this.features = features;
        this.hints = vm.option("hint-realtime").equals("on") ? 1 : 0;
        this.defaultFeatures = features;
        this.defaultHints = hints;
    }

    /**
     * The EAX of leaf 0x40000001 for this VM: the bits of its features (PV_UNHALT cleared when HLT exits are disabled).
     * @return the KVM_FEATURE_* bits (arch/x86/include/uapi/asm/kvm_para.h) the guest sees
     */
    public long featureBits() {
        return features;
    }

    /**
     * The CPUID entries as KVM_GET_CPUID2 returns them: the VMM's, or the defaults of this VM.
     * @return an immutable list
     */
    List<CpuidEntry> entries() {
        List<CpuidEntry> e = entries;
        if (e != null) {
            return e;
        }
        boolean intel = vm.option("vendor").equals("intel");
        return List.of(CpuidEntry.of(0, 1, intel ? 0x756E6547L : 0x68747541L, intel ? 0x6C65746EL : 0x444D4163L, intel ? 0x49656E69L : 0x69746E65L),
                CpuidEntry.of(1, 0, 0, 1L << 31, 0), CpuidEntry.of(KVM_CPUID_SIGNATURE, KVM_CPUID_FEATURES, SIGNATURE_EBX, SIGNATURE_ECX, SIGNATURE_EDX),
                CpuidEntry.of(KVM_CPUID_FEATURES, features, 0, 0, hints));
    }

    /**
     * KVM_SET_CPUID2 (cpuid.c kvm_set_cpuid, kvm_update_pv_runtime): the guest sees exactly these
     * entries; the PV features are the EAX of the leaf after the first "KVMKVMKVM" signature found
     * at 0x40000000 + n * 0x100 (kvm_get_hypervisor_cpuid), 0 when there is none. With HLT exits
     * disabled, KVM_FEATURE_PV_UNHALT is cleared in that entry (__kvm_update_cpuid_runtime).
     * @param set the entries
     * @param hltInGuest whether KVM_X86_DISABLE_EXITS_HLT is in force
     */
    void setEntries(List<CpuidEntry> set, boolean hltInGuest) {
        List<CpuidEntry> e = new java.util.ArrayList<>(set);
        long f = 0;
        long h = 0;
        for (long base = KVM_CPUID_SIGNATURE; base < KVM_CPUID_SIGNATURE + 0x10000; base += 0x100) {
            CpuidEntry sig = find(e, base);
            if (sig != null && sig.ebx() == SIGNATURE_EBX && sig.ecx() == SIGNATURE_ECX && sig.edx() == SIGNATURE_EDX) {
                for (int i = 0; i < e.size(); i++) {
                    CpuidEntry x = e.get(i);
                    if (x.function() == base + 1) {
                        if (hltInGuest && (x.eax() & (1L << 7)) != 0) {
                            x = new CpuidEntry(x.function(), x.index(), x.flags(), x.eax() & ~(1L << 7), x.ebx(), x.ecx(), x.edx());
                            e.set(i, x);
                        }
                        f = x.eax();
                        h = x.edx();
                        break;
                    }
                }
                break;
            }
        }
        entries = List.copyOf(e);
        features = f;
        hints = h;
    }

    /** The VMM's entries as 7-number groups (function, index, flags, eax, ebx, ecx, edx), or null while it set none. */
    long[] savedEntries() {
        List<CpuidEntry> e = entries;
        if (e == null) {
            return null;
        }
        long[] out = new long[7 * e.size()];
        int i = 0;
        for (CpuidEntry x : e) {
            long[] f = {x.function(), x.index(), x.flags(), x.eax(), x.ebx(), x.ecx(), x.edx()};
            System.arraycopy(f, 0, out, i, 7);
            i += 7;
        }
        return out;
    }

    /** Restores a snapshot taken before any KVM_SET_CPUID2: the configuration's defaults answer again. */
    void restoreDefaults() {
        entries = null;
        features = defaultFeatures;
        hints = defaultHints;
    }

    /** Restores {@link #savedEntries()}; PV_UNHALT was already withdrawn when they were set. */
    void restoreEntries(long[] groups) {
        if (groups.length % 7 != 0) {
            throw new IllegalArgumentException("snapshot field 'cpuid' must hold groups of 7 numbers, got " + groups.length);
        }
        List<CpuidEntry> e = new java.util.ArrayList<>();
        for (int i = 0; i < groups.length; i += 7) {
            e.add(new CpuidEntry(groups[i], groups[i + 1], groups[i + 2], groups[i + 3], groups[i + 4], groups[i + 5], groups[i + 6]));
        }
        setEntries(e, false);
    }

    private static CpuidEntry find(List<CpuidEntry> e, long function) {
        for (CpuidEntry x : e) {
            if (x.function() == function) {
                return x;
            }
        }
        return null;
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
        List<CpuidEntry> set = entries;
        if (set != null) {
            CpuidEntry x = find(set, leaf); // the sub-leaf (KVM_CPUID_FLAG_SIGNIFCANT_INDEX) is not modelled
            if (x != null) {
                a = x.eax();
                b = x.ebx();
                c = x.ecx();
                d = x.edx();
            }
        } else {
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
                d = hints;
            }
        }
        r.set(X86Registers.RAX, a);
        r.set(X86Registers.RBX, b);
        r.set(X86Registers.RCX, c);
        r.set(X86Registers.RDX, d);
    }
}
