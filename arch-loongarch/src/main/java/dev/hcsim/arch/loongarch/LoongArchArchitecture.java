package dev.hcsim.arch.loongarch;

import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.DescribedArchitecture;
import dev.hcsim.core.spi.FeatureSpec;
import dev.hcsim.core.spi.OptionSpec;
import dev.hcsim.core.spi.VmContext;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * LoongArch64 under KVM (LVZ virtualization): {@code hvcl 0x100} with the function in a0 and
 * arguments in a1..a5, the result in a0 as 0 / -1 / -2; PV IPI (KVM_HCALL_FUNC_IPI) and steal-time
 * registration (KVM_HCALL_FUNC_NOTIFY); {@code hvcl 0x101} (software breakpoint) and
 * {@code hvcl 0x102} (user service forwarded to the VMM); discovery through CPUCFG 0x40000000 /
 * 0x40000004. Today's kernel (arch/loongarch/kvm/exit.c, vcpu.c, vm.c) is the default; the v7
 * documentation patch of March 2024 is the option {@code variant=v7}. Registered through
 * {@link java.util.ServiceLoader} as the architecture {@code loongarch} (aliases
 * {@code loongarch64}, {@code la64}, {@code loong64}).
 */
public final class LoongArchArchitecture extends DescribedArchitecture {
    /** Feature KVM_FEATURE_IPI. */
    public static final String IPI = "ipi";
    /** Feature KVM_FEATURE_STEAL_TIME. */
    public static final String STEAL_TIME = "steal-time";
    /** Feature KVM_FEATURE_PREEMPT. */
    public static final String PREEMPT = "preempt";
    /** Feature KVM_FEATURE_VIRT_EXTIOI. */
    public static final String VIRT_EXTIOI = "virt-extioi";
    /** Feature KVM_FEATURE_USER_HCALL. */
    public static final String USER_HCALL = "user-hcall";
    /** Option: which interface (merged kernel or the v7 patch). */
    public static final String VARIANT = "variant";
    /** Value of {@link #VARIANT}: today's kernel. */
    public static final String VARIANT_MERGED = "merged";
    /** Value of {@link #VARIANT}: the v7 documentation patch (Mar 2024). */
    public static final String VARIANT_V7 = "v7";
    /** Option: the VMM's KVM_SET_GUEST_DEBUG state. */
    public static final String GUEST_DEBUG = "guest-debug";
    /** Value of {@link #GUEST_DEBUG}: KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP. */
    public static final String DEBUG_SW_BP = "sw-bp";
    /** Value of {@link #GUEST_DEBUG}: KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP. */
    public static final String DEBUG_SINGLE_STEP = "single-step";

    /** A feature with its bit in the CPUCFG_KVM_FEATURE leaf. */
    record Feature(FeatureSpec spec, long mask) {
    }

    /** uapi/asm/kvm_para.h bit numbers; defaults as vm.c kvm_vm_init_features sets them. */
    static final List<Feature> FEATURES = List.of(
            new Feature(new FeatureSpec(IPI, true, "KVM_FEATURE_IPI (CPUCFG 0x40000004 bit 1): gates KVM_HCALL_FUNC_IPI; on "
                    + "by default (vm.c kvm_vm_init_features)"), LoongArchDiscovery.FEATURE_IPI),
            new Feature(new FeatureSpec(STEAL_TIME, true, "KVM_FEATURE_STEAL_TIME (bit 2): gates KVM_HCALL_FUNC_NOTIFY; on when "
                    + "the host has sched_info (kvm_pvtime_supported)"), LoongArchDiscovery.FEATURE_STEAL_TIME),
            new Feature(new FeatureSpec(PREEMPT, true, "KVM_FEATURE_PREEMPT (bit 3, 2026 merge window): the preempted byte at "
                    + "offset 16 of the steal-time record; on with steal time (vm.c); off = kernels before it (leaf 0x6)"),
                    LoongArchDiscovery.FEATURE_PREEMPT),
            new Feature(new FeatureSpec(VIRT_EXTIOI, false, "KVM_FEATURE_VIRT_EXTIOI (bit 24): set by the VMM only; advertises "
                    + "the virtual EIOINTC extension, no hypercall"), LoongArchDiscovery.FEATURE_VIRT_EXTIOI),
            new Feature(new FeatureSpec(USER_HCALL, false, "KVM_FEATURE_USER_HCALL (bit 25, 2025): set by the VMM only; hvcl "
                    + "0x102 exits to the VMM (KVM_EXIT_HYPERCALL) instead of answering -1"), LoongArchDiscovery.FEATURE_USER_HCALL));

    private static final List<FeatureSpec> FEATURE_SPECS = FEATURES.stream().map(Feature::spec).toList();

    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec(VARIANT, List.of(VARIANT_MERGED, VARIANT_V7), VARIANT_MERGED, "merged = today's kernel; v7 = the "
                    + "\"[PATCH v7 7/7] Documentation: KVM: Add hypercall for LoongArch\" interface: function 1 is "
                    + "KVM_HCALL_FUNC_PV_IPI and \"returns success always\", no NOTIFY, no hvcl 0x101/0x102, CPUCFG 0x40000004 "
                    + "reads KVM_FEATURE_PV_IPI (0x2) only"),
            new OptionSpec(GUEST_DEBUG, List.of("none", DEBUG_SW_BP, DEBUG_SINGLE_STEP), "none", "the VMM's KVM_SET_GUEST_DEBUG: "
                    + "sw-bp = ENABLE | USE_SW_BP, single-step = ENABLE | SINGLESTEP; either way hvcl 0x101 exits with "
                    + "KVM_EXIT_DEBUG and the PC stays on it (guest_debug & KVM_GUESTDBG_SW_BP_MASK); none = hvcl 0x101 answers "
                    + "-1 like an unknown code (exit.c kvm_handle_hypercall)"));

    /** The provider; {@link java.util.ServiceLoader} calls this. */
    public LoongArchArchitecture() {
        super(new Description("loongarch",
                List.of("loongarch64", "la64", "loong64"),
                "LoongArch64, LVZ (hvcl 0x100, CPUCFG 0x40000000)",
                LoongArchRegisters.LAYOUT,
                LoongArchContract.CONTRACT,
                LoongArchStatus.CODEC,
                LoongArchHypercalls.ALL,
                FEATURE_SPECS,
                OPTIONS,
                "physical CPU id (CSR.CPUID)",
                LoongArchDiscovery.TEXT,
                List.of(
                "hypercalls.rst documents only KVM_HCALL_FUNC_IPI; the code also has KVM_HCALL_FUNC_NOTIFY (2, steal time), "
                        + "hvcl 0x101 (KVM_HCALL_SWDBG) and hvcl 0x102 (KVM_HCALL_USER_SERVICE) (exit.c kvm_handle_service, "
                        + "kvm_handle_hypercall).",
                "The v7 doc says PV IPI \"returns success always\"; the code returns -1 (KVM_HCALL_INVALID_CODE) when the VMM "
                        + "cleared KVM_FEATURE_IPI (exit.c kvm_handle_service).",
                "The v7 doc table says a1..a5 \"Keep Unmodified\"; the merged doc shows \"-\"; the code writes a0 only, so "
                        + "a1..a5 are in fact preserved.",
                "The doc says \"-1 Hypercall not implemented\"; the code also answers -1 for an unknown HVCL code (not just an "
                        + "unknown function), for NOTIFY with an unknown id, and for a service whose feature is off.",
                "uapi/asm/kvm_para.h defines KVM_FEATURE_* as bit numbers, but NOTIFY's a1 must be the mask BIT(2) = 4: "
                        + "passing the bit number 2 answers -1 (exit.c kvm_save_notify).",
                "The comment in asm/kvm_para.h speaks of arguments in a1..a6; the doc says a1..a5, and USER_SERVICE forwards "
                        + "a0..a5 (exit.c kvm_handle_hypercall).",
                "hypercalls.rst says nothing on privilege; the v6 review asked for it and the code has no PLV check.")));
    }

    @Override
    public ByteOrder byteOrder(Map<String, String> options) {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public Codec codec(ByteOrder order) {
        return LoongArchCodec.INSTANCE;
    }

    @Override
    public ArchitectureVm attach(VmContext vm) {
        return new LoongArchVm(vm);
    }

    /** LoongArch interrupt numbers as asm/loongarch.h names them: INT_SWI0 = 0, INT_SWI1 = 1, then the hardware lines. */
    @Override
    public String interruptName(int vector) {
        return switch (vector) {
            case 0 -> "SWI0";
            case 1 -> "SWI1";
            case 11 -> "TI";
            case 12 -> "IPI";
            default -> vector >= 2 && vector <= 9 ? "HWI" + (vector - 2) : "INT " + vector;
        };
    }

    @Override
    public String defaultTrapInstruction(Map<String, String> options) {
        return "hvcl 0x100";
    }
}
