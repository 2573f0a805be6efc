package dev.hcsim.arch.arm64;

import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.DescribedArchitecture;
import dev.hcsim.core.spi.FeatureSpec;
import dev.hcsim.core.spi.OptionSpec;
import dev.hcsim.core.spi.VmContext;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * arm64 under KVM: the SMC Calling Convention over {@code hvc #0} (and {@code smc #0}), w0 = function
 * ID, x1..x3 = arguments, x0..x3 = results; PSCI 0.1 to 1.3, TRNG, PV time, the KVM vendor
 * hypervisor service (CALL_UID, KVM_FEATURES, PTP), the firmware bitmaps and the SMCCC filter, and the
 * PV-lock interface of the 2022 RFC behind the {@code pvlock} option, as arch/arm64/kvm answers them.
 * Registered through {@link java.util.ServiceLoader} as the architecture {@code arm64} (alias
 * {@code aarch64}).
 *
 * <p>vCPU ids are MPIDR affinities: Aff0 = index bits 3:0, Aff1 = bits 11:4, Aff2 = bits 19:12
 * (sys_regs.c reset_mpidr), so vCPU 16 is 0x100.
 */
public final class Arm64Architecture extends DescribedArchitecture {
    /** STD_BMAP bit 0: TRNG 1.0. */
    public static final String TRNG = "trng";
    /** STD_HYP_BMAP bit 0: PV time. */
    public static final String PV_TIME = "pv-time";
    /** VENDOR_HYP_BMAP bit 0: KVM_FEATURES and CALL_UID. */
    public static final String VENDOR_HYP_FEATURES = "vendor-hyp-features";
    /** VENDOR_HYP_BMAP bit 1: PTP. */
    public static final String PTP = "ptp";
    /** VENDOR_HYP_BMAP_2 bit 0 (6.16+). */
    public static final String DISCOVER_IMPL_VER = "discover-impl-ver";
    /** VENDOR_HYP_BMAP_2 bit 1 (6.16+). */
    public static final String DISCOVER_IMPL_CPUS = "discover-impl-cpus";
    /** KVM_CAP_ARM_SYSTEM_SUSPEND. */
    public static final String SYSTEM_SUSPEND = "system-suspend";

    /** A host's state for one Spectre variant (arch/arm64/include/asm/spectre.h enum mitigation_state). */
    public enum Spectre {
        /** The host mitigates the variant, and the guest's workaround call does the work. */
        MITIGATED,
        /** The host's CPUs are not affected: the workaround call is not needed. */
        UNAFFECTED,
        /** The host is affected and not mitigated: the workaround is not available. */
        VULNERABLE;

        static Spectre of(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    private static final List<FeatureSpec> FEATURES = List.of(
            new FeatureSpec(TRNG, true, "KVM_REG_ARM_STD_BMAP bit 0 (KVM_REG_ARM_STD_BIT_TRNG_V1_0): the five TRNG calls; off: -1"),
            new FeatureSpec(PV_TIME, true, "KVM_REG_ARM_STD_HYP_BMAP bit 0 (KVM_REG_ARM_STD_HYP_BIT_PV_TIME): PV_TIME_FEATURES, "
                    + "PV_TIME_ST and ARCH_FEATURES(PV_TIME_FEATURES); off: -1"),
            new FeatureSpec(VENDOR_HYP_FEATURES, true, "KVM_REG_ARM_VENDOR_HYP_BMAP bit 0 (KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT): "
                    + "KVM_FEATURES and CALL_UID; off: -1"),
            new FeatureSpec(PTP, true, "KVM_REG_ARM_VENDOR_HYP_BMAP bit 1 (KVM_REG_ARM_VENDOR_HYP_BIT_PTP): the PTP call; off: -1"),
            new FeatureSpec(DISCOVER_IMPL_VER, false, "KVM_REG_ARM_VENDOR_HYP_BMAP_2 bit 0 (6.16+): DISCOVER_IMPL_VER may be "
                    + "forwarded to the VMM"),
            new FeatureSpec(DISCOVER_IMPL_CPUS, false, "KVM_REG_ARM_VENDOR_HYP_BMAP_2 bit 1 (6.16+): DISCOVER_IMPL_CPUS may be "
                    + "forwarded to the VMM"),
            new FeatureSpec(SYSTEM_SUSPEND, false, "KVM_CAP_ARM_SYSTEM_SUSPEND: PSCI SYSTEM_SUSPEND exits to the VMM; without it "
                    + "the call and its PSCI_FEATURES answer -1 (psci.c)"));

    private static final List<String> SPECTRE = List.of("mitigated", "unaffected", "vulnerable");

    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec("psci", List.of("0.1", "0.2", "1.0", "1.1", "1.2", "1.3"), "1.3", "KVM_REG_ARM_PSCI_VERSION; 0.1 = a vCPU "
                    + "without KVM_ARM_VCPU_PSCI_0_2 (KVM's own IDs 0x95c1ba5e..61); default KVM_ARM_PSCI_LATEST = 1.3 (6.13+; "
                    + "1.1 in 5.18-6.12, 1.0 before)"),
            new OptionSpec("conduit", List.of("hvc", "smc"), "hvc", "the PSCI conduit the firmware tables name: the instruction "
                    + "hcsim call uses and the /psci method"),
            new OptionSpec("el", List.of("1", "0"), "1", "exception level of the vCPUs after reset; at EL0 HVC and SMC are UNDEFINED"),
            new OptionSpec("mode", List.of("aarch64", "aarch32", "thumb"), "aarch64", "execution state after reset (AArch32 needs "
                    + "KVM_ARM_VCPU_EL1_32BIT): A32/T32 HVC and SMC forms, 32-bit registers, no 64-bit PSCI functions"),
            new OptionSpec("pvlock", List.of("off", "on"), "off", "the PV-lock interface of seed 002 (RFC, never merged): "
                    + "PV_LOCK_FEATURES 0xc6000020, PV_LOCK_PREEMPTED 0xc6000021, KVM_ARM_VCPU_PVLOCK_IPA, VENDOR_HYP_BMAP bit 2; off "
                    + "= mainline: those IDs answer -1"),
            new OptionSpec("pvtime-ipa", List.of(), "-1", "KVM_ARM_VCPU_PVTIME_IPA set by the VMM: vCPU i's 64-byte stolen-time "
                    + "record at this IPA + 64 * i (-1: not set, PV_TIME_ST answers -1)"),
            new OptionSpec("pvlock-ipa", List.of(), "-1", "KVM_ARM_VCPU_PVLOCK_IPA (pvlock=on): vCPU i's 64-byte PV-lock structure "
                    + "at this IPA + 64 * i (-1: not set)"),
            new OptionSpec("filter-deny", List.of(), "-1", "KVM_ARM_VM_SMCCC_FILTER: deny this one function ID (x0 = -1)"),
            new OptionSpec("filter-fwd", List.of(), "-1", "KVM_ARM_VM_SMCCC_FILTER: forward this one function ID to the VMM "
                    + "(KVM_EXIT_HYPERCALL)"),
            new OptionSpec("spectre-v2", SPECTRE, "mitigated", "host Spectre-v2 state: ARCH_FEATURES(WORKAROUND_1) 0 / 1 / -1"),
            new OptionSpec("spectre-v4", SPECTRE, "mitigated", "host Spectre-v4 (SSB) state: ARCH_FEATURES(WORKAROUND_2) -2 unless "
                    + "vulnerable or mitigated with SSBS (-1)"),
            new OptionSpec("ssbs", List.of("no", "yes"), "no", "the host has SSBS everywhere (cpus_have_final_cap(ARM64_SSBS))"),
            new OptionSpec("id-ssbs", List.of("host", "ni"), "host", "the VM's ID_AA64PFR1_EL1.SSBS: host = the host's value, "
                    + "ni = hidden by the VMM; ARCH_FEATURES(WORKAROUND_2) and the WORKAROUND_2 register follow it (6.12+)"),
            new OptionSpec("spectre-bhb", SPECTRE, "mitigated", "host Spectre-BHB state: ARCH_FEATURES(WORKAROUND_3) 0 / 1 / -1"),
            new OptionSpec("clocksource", List.of("arch-counter", "other"), "arch-counter", "the host clocksource; PTP answers -1 "
                    + "unless it is the architected counter"));

    private static final List<String> DOC_DIFFERENCES = List.of(
            "Seed 002 (pvlock.rst) says preempted \"will be updated to 1 by the hypervisor prior to scheduling a VCPU\" and to 0 "
                    + "when it is scheduled out: the reverse of its own field description (non-zero = preempted) and of the RFC "
                    + "code (0 on vcpu_load, 1 on vcpu_put); hcsim follows the code.",
            "Seed 002's vcpu.rst hunk is headed \"5. GROUP: KVM_ARM_VCPU_PVLOCK_CTRL\" while pvlock.rst points to section 4; its "
                    + "IDs 0xc6000020/21 lie in the vendor range mainline later reserved for pKVM (functions 2..63), so mainline "
                    + "answers them -1 (hypercalls.c kvm_smccc_default_allowed).",
            "pvtime.rst: PV_TIME_FEATURES \"Currently only PV_TIME_ST is supported\"; pvtime.c kvm_hypercall_pv_features also "
                    + "answers 0 for PV_TIME_FEATURES itself.",
            "pvtime.rst: the calls are \"only available in the SMC64/HVC64 calling convention as paravirtualized time is not "
                    + "available to 32 bit Arm guests\"; hypercalls.c has no AArch32 check for them (only PSCI has "
                    + "kvm_psci_check_allowed_function), so an AArch32 vCPU gets the IPA in r0.",
            "pvtime.rst: stolen time is how long the vCPU thread \"was involuntarily not running\"; the code adds the thread's "
                    + "sched_info.run_delay (time runnable on a run queue) and only when the vCPU is loaded (kvm_update_stolen_time).",
            "PSCI allows CPU_SUSPEND power-down states that lose context; psci.c kvm_psci_vcpu_suspend treats every state as "
                    + "standby (WFI) and says so in a comment.");

    /** The provider; {@link java.util.ServiceLoader} calls this. */
    public Arm64Architecture() {
        super(new Description("arm64", List.of("aarch64", "arm64-kvm", "armv8"),
                "arm64 (AArch64), SMCCC over hvc / smc: PSCI, TRNG, PV time, KVM vendor services", Arm64Registers.LAYOUT,
                Arm64Contract.CONTRACT, Arm64Status.SMCCC, Arm64Hypercalls.ALL, FEATURES, OPTIONS, "MPIDR", Arm64Discovery.describe(),
                DOC_DIFFERENCES));
    }

    @Override
    public ByteOrder byteOrder(Map<String, String> options) {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public Codec codec(ByteOrder order) {
        return Arm64Codec.INSTANCE;
    }

    @Override
    public ArchitectureVm attach(VmContext vm) {
        return new Arm64Vm(vm);
    }

    /** The MPIDR affinity of vCPU {@code index} (reset_mpidr), without the RES1 bit 31. */
    @Override
    public long vcpuId(int index) {
        return (index & 0xFL) | ((long) (index >> 4) & 0xFF) << 8 | ((long) (index >> 12) & 0xFF) << 16;
    }

    /** GICv3 interrupt ids: 0..15 are SGIs (software-generated, the IPIs of msr icc_sgi1r_el1). */
    @Override
    public String interruptName(int vector) {
        return vector >= 0 && vector < 16 ? "SGI " + vector : "INTID " + vector;
    }

    @Override
    public String defaultTrapInstruction(Map<String, String> options) {
        return "smc".equals(options.get("conduit")) ? "smc #0" : "hvc #0";
    }
}
