package dev.hcsim.arch.loongarch;

/**
 * How a LoongArch guest finds KVM: CPUCFG. KVM emulates the instruction on the GSPR exit
 * (arch/loongarch/kvm/exit.c kvm_emu_cpucfg): the index is read from rj as unsigned int, leaves
 * 0..20 (KVM_MAX_CPUCFG_REGS - 1) are the vCPU's architectural words, 0x40000000 is the "KVM\0"
 * signature, 0x40000004 the VM's PV feature mask, and every other index reads 0 (LoongArch
 * Reference Manual 2.2.10.5: an undefined index returns 0). The guest probes them in this order
 * (arch/loongarch/kernel/paravirt.c kvm_para_available, pv_ipi_init, pv_time_init).
 */
public final class LoongArchDiscovery {
    private LoongArchDiscovery() {
    }

    /** CPUCFG_KVM_BASE: 0x40000000..0x400000ff is reserved for software (uapi/asm/kvm_para.h). */
    public static final long CPUCFG_KVM_BASE = 0x4000_0000L;
    /** CPUCFG_KVM_SIG. */
    public static final long CPUCFG_KVM_SIG = CPUCFG_KVM_BASE;
    /** CPUCFG_KVM_FEATURE. */
    public static final long CPUCFG_KVM_FEATURE = CPUCFG_KVM_BASE + 4;
    /** KVM_SIGNATURE "KVM\0" read as a little-endian unsigned int. */
    public static final long KVM_SIGNATURE = 0x004D_564BL;
    /** KVM_MAX_CPUCFG_REGS (asm/kvm_host.h): leaves 0..20 are architectural. */
    public static final int KVM_MAX_CPUCFG_REGS = 21;

    /** KVM_FEATURE_IPI, bit 1 (uapi/asm/kvm_para.h gives bit numbers; the leaf holds BIT(n)). */
    public static final long FEATURE_IPI = 1L << 1;
    /** KVM_FEATURE_STEAL_TIME, bit 2. */
    public static final long FEATURE_STEAL_TIME = 1L << 2;
    /** KVM_FEATURE_PREEMPT, bit 3. */
    public static final long FEATURE_PREEMPT = 1L << 3;
    /** KVM_FEATURE_VIRT_EXTIOI, bit 24 (set by the VMM only). */
    public static final long FEATURE_VIRT_EXTIOI = 1L << 24;
    /** KVM_FEATURE_USER_HCALL, bit 25 (set by the VMM only). */
    public static final long FEATURE_USER_HCALL = 1L << 25;
    /** LOONGARCH_PV_FEAT_MASK (asm/kvm_host.h): the bits a VMM may set and the leaf may show. */
    public static final long PV_FEAT_MASK = FEATURE_IPI | FEATURE_STEAL_TIME | FEATURE_PREEMPT | FEATURE_VIRT_EXTIOI | FEATURE_USER_HCALL;
    /** LOONGARCH_PV_FEAT_UPDATED, bit 63: set once the VMM wrote the mask; never shown to the guest. */
    public static final long PV_FEAT_UPDATED = 1L << 63;

    /**
     * The architectural leaves 0..20 as QEMU gives its Loongson-3A5000 model (target/loongarch/cpu.c
     * set_loongarch_cpucfg): KVM returns what the VMM stored with KVM_SET_ONE_REG. 0: PRID
     * 0x0014c010; 1: ISA / PALEN / VALEN / UAL; 2: FP, LSX, LASX, LLFTP, LAM...; 3: cache maintenance;
     * 4 and 5: the constant timer (100 MHz, multiplier 1 / divisor 1); 6..15: 0; 16..20: caches.
     */
    static final long[] ARCHITECTURAL = {
        0x0014_C010L, 0x03F2_F2FEL, 0x0060_C3CFL, 0x0000_0CFFL, 0x05F5_E100L, 0x0001_0001L, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0x0000_2C3DL, 0x0608_0003L, 0x0608_0003L, 0x0060_800FL, 0x060F_000FL,
    };

    /**
     * True for the CPUCFG indices KVM reserves for itself (0x40000000..0x400000ff, CPUCFG_KVM_BASE .. + KVM_CPUCFG_SIZE - 1).
     * @param index the CPUCFG index as the guest passed it (cut to 32 bits here)
     * @return whether it is one of the KVM leaves
     */
    public static boolean isKvmLeaf(long index) {
        long i = index & 0xFFFF_FFFFL;
        return i >= CPUCFG_KVM_SIG && i <= CPUCFG_KVM_SIG + 0xFF;
    }

    /**
     * The value CPUCFG writes to rd for {@code index} (only the low 32 bits count) on a VM whose
     * CPUCFG_KVM_FEATURE leaf shows {@code featureLeaf}. Zero-extended, as every leaf is a u32.
     * @param index the CPUCFG word index read from rj; bits above 31 are ignored
     * @param featureLeaf the VM's CPUCFG_KVM_FEATURE word (LoongArchDiscovery.FEATURE_* bits)
     * @return the zero-extended 32-bit word; 0 for an index the model does not define
     */
    public static long cpucfg(long index, long featureLeaf) {
        long i = index & 0xFFFF_FFFFL;
        if (i < KVM_MAX_CPUCFG_REGS) {
            return ARCHITECTURAL[(int) i];
        }
        if (i == CPUCFG_KVM_SIG) {
            return KVM_SIGNATURE;
        }
        if (i == CPUCFG_KVM_FEATURE) {
            return featureLeaf & PV_FEAT_MASK & 0xFFFF_FFFFL;
        }
        return 0;
    }

    /** The discovery story in words, for {@code hcsim explain}. */
    static final String TEXT = "CPUCFG with index 0x40000000 (CPUCFG_KVM_SIG) returns 0x004d564b (\"KVM\\0\" little-endian); "
            + "CPUCFG 0x40000004 (CPUCFG_KVM_FEATURE) returns the VM's PV feature mask: IPI 0x2, STEAL_TIME 0x4, PREEMPT 0x8, "
            + "VIRT_EXTIOI 0x1000000, USER_HCALL 0x2000000 (a default VM reads 0xe); every other index of 0x40000000..0x400000ff "
            + "and every index >= 21 reads 0; leaves 0..20 are the architectural words (leaf 0 = PRID). The index is rj cut to "
            + "32 bits, and PLV3 reads the same as PLV0 (the v7 patch answered 0 from the KVM leaves outside PLV0). Linux probes cpu_has_hypervisor, then the signature, then the "
            + "feature leaf, and enables PV IPI and steal time by its bits (arch/loongarch/kvm/exit.c kvm_emu_cpucfg; "
            + "arch/loongarch/kernel/paravirt.c kvm_para_available)";
}
