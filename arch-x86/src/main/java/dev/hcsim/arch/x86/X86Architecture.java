package dev.hcsim.arch.x86;

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
 * x86-64 under KVM (Intel VMX and AMD SVM): {@code vmcall} / {@code vmmcall}, RAX = number,
 * RBX/RCX/RDX/RSI = arguments, RAX = result, the CPUID 0x40000000 leaves, and every
 * {@code KVM_HC_*} number as arch/x86/kvm/x86.c answers it. Registered through
 * {@link java.util.ServiceLoader} as the architecture {@code x86} (aliases {@code x86_64},
 * {@code amd64}, {@code x86-64}).
 */
public final class X86Architecture extends DescribedArchitecture {
    /** The feature that stands for KVM_CAP_EXIT_HYPERCALL with bit KVM_HC_MAP_GPA_RANGE (cap 201). */
    public static final String EXIT_HYPERCALL = "exit-hypercall";
    /** The feature that stands for KVM_XEN_HVM_CONFIG with KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL and a hypercall MSR. */
    public static final String XEN = "xen";
    /** The feature that exposes Hyper-V (vcpu->arch.hyperv_enabled) with a non-zero HV_X64_MSR_GUEST_OS_ID written. */
    public static final String HYPERV = "hyperv";

    /** A feature with its bit in CPUID 0x40000001.EAX, or -1 for a VM capability that is not a CPUID bit. */
    record Feature(FeatureSpec spec, int bit) {
    }

    private static Feature cpuid(String name, int bit, boolean on, String what) {
        return new Feature(new FeatureSpec(name, on, "KVM_FEATURE_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + " (CPUID 0x40000001.EAX bit "
                + bit + "): " + what), bit);
    }

    /** arch/x86/include/uapi/asm/kvm_para.h, with the defaults KVM_GET_SUPPORTED_CPUID reports (arch/x86/kvm/cpuid.c). */
    static final List<Feature> FEATURES = List.of(
            cpuid("clocksource", 0, true, "kvmclock at MSRs 0x11/0x12"),
            cpuid("nop-io-delay", 1, true, "no PIO delays needed"),
            cpuid("mmu-op", 2, false, "deprecated; the hypercall was removed"),
            cpuid("clocksource2", 3, true, "kvmclock at MSRs 0x4b564d00/01"),
            cpuid("async-pf", 4, true, "MSR 0x4b564d02"),
            cpuid("steal-time", 5, true, "MSR 0x4b564d03, holds the preempted byte"),
            cpuid("pv-eoi", 6, true, "MSR 0x4b564d04"),
            cpuid("pv-unhalt", 7, true, "gates KVM_HC_KICK_CPU"),
            cpuid("pv-tlb-flush", 9, true, "uses preempted bit 1"),
            cpuid("async-pf-vmexit", 10, true, "async PF VM exits"),
            cpuid("pv-send-ipi", 11, true, "gates KVM_HC_SEND_IPI"),
            cpuid("poll-control", 12, true, "MSR 0x4b564d05"),
            cpuid("pv-sched-yield", 13, true, "gates KVM_HC_SCHED_YIELD"),
            cpuid("async-pf-int", 14, true, "MSRs 0x4b564d06/07"),
            cpuid("msi-ext-dest-id", 15, false, "set by the VMM"),
            cpuid("hc-map-gpa-range", 16, false, "advertises KVM_HC_MAP_GPA_RANGE (set by the VMM)"),
            cpuid("migration-control", 17, false, "MSR 0x4b564d08 (set by the VMM)"),
            cpuid("clocksource-stable-bit", 24, true, "kvmclock flags bit 0 is valid"),
            new Feature(new FeatureSpec(EXIT_HYPERCALL, false, "KVM_CAP_EXIT_HYPERCALL (cap 201) with bit 12: KVM_HC_MAP_GPA_RANGE exits "
                    + "to the VMM; off by default, then the call answers -KVM_ENOSYS (x86.c user_exit_on_hypercall)"), -1),
            new Feature(new FeatureSpec(XEN, false, "KVM_XEN_HVM_CONFIG with INTERCEPT_HCALL and --xen-hypercall-msr: every vmcall/vmmcall "
                    + "goes to Xen's ABI first (x86.c kvm_emulate_hypercall, xen.c kvm_xen_hypercall); the --xen-* options set the rest"), -1),
            new Feature(new FeatureSpec(HYPERV, false, "Hyper-V exposed in CPUID (vcpu->arch.hyperv_enabled) and HV_X64_MSR_GUEST_OS_ID "
                    + "written (--hyperv-guest-os-id): vmcall/vmmcall is a Hyper-V hypercall (hyperv.c kvm_hv_hypercall) before any "
                    + "KVM_HC_* number (x86.c kvm_emulate_hypercall)"), -1));

    private static final List<FeatureSpec> FEATURE_SPECS = FEATURES.stream().map(Feature::spec).toList();

    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec("vendor", List.of("intel", "amd"), "intel", "host CPU vendor: its native instruction is vmcall (Intel) or vmmcall (AMD)"),
            new OptionSpec("cpl", List.of("0", "1", "2", "3"), "0", "current privilege level of the vCPUs; != 0 gives -KVM_EPERM for every number"),
            new OptionSpec("mode", List.of("64", "32", "real"), "64", "64 = long mode (EFER.LMA = CS.L = 1); 32 = protected/compatibility "
                    + "mode: inputs and result cut to 32 bits; real = real mode (CR0.PE = 0): KVM's calls as in 32, a Hyper-V call #UD"),
            new OptionSpec("quirk-fix-hypercall", List.of("on", "off"), "on", "KVM_X86_QUIRK_FIX_HYPERCALL_INSN (0x20): patch the wrong "
                    + "vendor's instruction (on) or inject #UD (off, via KVM_CAP_DISABLE_QUIRKS2)"),
            new OptionSpec("enforce-pv-cpuid", List.of("off", "on"), "off", "KVM_CAP_ENFORCE_PV_FEATURE_CPUID (cap 190): gate "
                    + "KICK_CPU, SEND_IPI and SCHED_YIELD by the guest's CPUID bits"),
            new OptionSpec("halt-exits", List.of("on", "off"), "on", "off = the VMM disabled HLT exits: PV_UNHALT leaves CPUID 0x40000001"),
            new OptionSpec("host-bits", List.of("64", "32"), "64", "a 32-bit host kernel has no KVM_HC_CLOCK_PAIRING (-KVM_ENOSYS)"),
            new OptionSpec("host-clocksource", List.of("tsc", "other"), "tsc", "CLOCK_PAIRING needs a TSC-based host clocksource "
                    + "(else -KVM_EOPNOTSUPP)"),
            new OptionSpec("tsc-catchup", List.of("off", "on"), "off", "vCPU TSC in permanent catch-up mode: CLOCK_PAIRING gives -KVM_EOPNOTSUPP"),
            new OptionSpec("apic-map", List.of("present", "absent"), "present", "absent = no APIC map yet: SEND_IPI gives -KVM_EOPNOTSUPP"),
            new OptionSpec("apic-disabled", List.of(), "0", "bit mask of vCPU indices whose local APIC is disabled (they accept no "
                    + "fixed IPI)"),
            new OptionSpec("apic-mode", List.of("x2apic", "xapic"), "x2apic", "the mode every local APIC is in: decides the "
                    + "broadcast address of KICK_CPU (xapic: 0xff; x2apic: 0xff with the quirk, 0xffffffff without; lapic.c "
                    + "kvm_apic_mda, kvm_apic_match_physical_addr)"),
            new OptionSpec("x2apic-broadcast-quirk", List.of("on", "off"), "on", "off = KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK: in "
                    + "x2APIC mode KICK_CPU to 0xff is APIC ID 255 and 0xffffffff the broadcast (lapic.c kvm_apic_is_broadcast_dest)"),
            new OptionSpec("hyperv-guest-os-id", List.of(), "0x1040a00003839", "with --feature hyperv: the HV_X64_MSR_GUEST_OS_ID "
                    + "the guest wrote (default: Windows Server 2016's); 0 = not written, then KVM's own calls answer"),
            new OptionSpec("hyperv-enforce-cpuid", List.of("off", "on"), "off", "KVM_CAP_HYPERV_ENFORCE_CPUID (cap 199): gate each "
                    + "Hyper-V call and MSR by the CPUID privilege bits below (hyperv.c hv_check_hypercall_access, hv_check_msr_access)"),
            new OptionSpec("hyperv-features-eax", List.of(), hex(X86HypervTlfs.SUPPORTED_FEATURES_EAX), "HYPERV_CPUID_FEATURES.EAX "
                    + "(0x40000003): bit 5 HV_MSR_HYPERCALL_AVAILABLE, bit 6 HV_MSR_VP_INDEX_AVAILABLE (default: KVM_GET_SUPPORTED_HV_CPUID)"),
            new OptionSpec("hyperv-features-ebx", List.of(), hex(X86HypervTlfs.SUPPORTED_FEATURES_EBX), "HYPERV_CPUID_FEATURES.EBX: "
                    + "bit 4 HV_POST_MESSAGES, 5 HV_SIGNAL_EVENTS, 11 HV_DEBUGGING, 20 HV_ENABLE_EXTENDED_HYPERCALLS"),
            new OptionSpec("hyperv-features-edx", List.of(), hex(X86HypervTlfs.SUPPORTED_FEATURES_EDX), "HYPERV_CPUID_FEATURES.EDX: "
                    + "bit 4 HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE (else an XMM fast call is #UD under enforcement), 11 "
                    + "HV_FEATURE_DEBUG_MSRS_AVAILABLE"),
            new OptionSpec("hyperv-enlightenments-eax", List.of(), hex(X86HypervTlfs.SUPPORTED_ENLIGHTENMENTS_EAX), "HYPERV_CPUID_"
                    + "ENLIGHTMENT_INFO.EAX (0x40000004): bit 2 HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED, 10 HV_X64_CLUSTER_IPI_RECOMMENDED, 11 "
                    + "HV_X64_EX_PROCESSOR_MASKS_RECOMMENDED"),
            new OptionSpec("hyperv-enlightenments-ebx", List.of(), hex(X86HypervTlfs.SUPPORTED_ENLIGHTENMENTS_EBX), "HYPERV_CPUID_"
                    + "ENLIGHTMENT_INFO.EBX: spinlock retries; 0 or 0xffffffff deny HVCALL_NOTIFY_LONG_SPIN_WAIT under enforcement"),
            new OptionSpec("hyperv-synic", List.of("off", "on"), "off", "KVM_CAP_HYPERV_SYNIC on every vCPU: HVCALL_POST_MESSAGE and "
                    + "an unknown SIGNAL_EVENT connection exit to the VMM (off: HV_STATUS_INVALID_HYPERCALL_INPUT)"),
            new OptionSpec("hyperv-syndbg", List.of("off", "on"), "off", "HV_X64_SYNDBG_CAP_ALLOW_KERNEL_DEBUGGING in CPUID 0x40000082.EAX: "
                    + "the debug calls 0x69-0x6b (off: HV_STATUS_INVALID_HYPERCALL_CODE)"),
            new OptionSpec("hyperv-syndbg-options", List.of(), "0", "HV_X64_MSR_SYNDBG_OPTIONS: bit 2 HV_X64_SYNDBG_OPTION_USE_HCALLS "
                    + "lets the debug calls exit (else HV_STATUS_OPERATION_DENIED)"),
            new OptionSpec("hyperv-eventfds", List.of(), "0", "bit mask of the connection IDs 0..63 with an eventfd (KVM_HYPERV_EVENTFD): "
                    + "HVCALL_SIGNAL_EVENT to them is answered in the kernel"),
            new OptionSpec("hint-realtime", List.of("off", "on"), "off", "KVM_HINTS_REALTIME in CPUID 0x40000001.EDX bit 0"),
            new OptionSpec("xen-hypercall-msr", List.of(), "0x40000000", "with --feature xen: kvm_xen_hvm_config.msr, the MSR whose "
                    + "guest write fills the hypercall page (128 stubs of 32 bytes: EAX = n, vmcall or vmmcall, ret)"),
            new OptionSpec("xen-evtchn-send", List.of("off", "on"), "off", "with --feature xen: KVM_XEN_HVM_CONFIG_EVTCHN_SEND, the VMM "
                    + "sends every event channel through KVM, so SCHEDOP_poll is handled in the kernel (off: it yields)"),
            new OptionSpec("xen-version", List.of(), "0", "with --feature xen: KVM_XEN_ATTR_TYPE_XEN_VERSION, what xen_version(XENVER_version) "
                    + "answers in the kernel as (major << 16) | minor; 0 = the call exits to the VMM"),
            new OptionSpec("xen-shared-info", List.of(), "-1", "with --feature xen: GPA of the shared_info page (KVM_XEN_ATTR_TYPE_SHARED_INFO; "
                    + "its evtchn_pending/evtchn_mask bitmaps); -1 = none (KVM_XEN_INVALID_GFN)"),
            new OptionSpec("xen-vcpu-info", List.of("shared-info", "none"), "shared-info", "with --feature xen and a shared_info page: "
                    + "vCPU i's vcpu_info is shared_info.vcpu_info[i] for i < 32 (what QEMU sets), or none"),
            new OptionSpec("xen-upcall-vector", List.of(), "0", "with --feature xen: KVM_XEN_ATTR_TYPE_UPCALL_VECTOR, the callback vector a "
                    + "raised event channel interrupts its vCPU with; 0 = a kick only"),
            new OptionSpec("xen-timer-port", List.of(), "0", "with --feature xen: KVM_XEN_VCPU_ATTR_TYPE_TIMER port of every vCPU; 0 = "
                    + "no Xen timer, so vcpu_op timers and set_timer_op exit to the VMM"),
            new OptionSpec("xen-evtchn-port", List.of(), "0", "with --feature xen: registers this send port (KVM_XEN_ATTR_TYPE_EVTCHN), so "
                    + "EVTCHNOP_send on it is handled in the kernel; 0 = none"),
            new OptionSpec("xen-evtchn-deliver", List.of(), "0", "the port --xen-evtchn-port raises (0 = the same port, an IPI channel)"),
            new OptionSpec("xen-evtchn-vcpu", List.of(), "0", "the APIC ID of the vCPU --xen-evtchn-port raises its port on"));

    private static final String DISCOVERY = "CPUID 0x40000000 returns EAX = 0x40000001 (highest KVM leaf) and the signature \"KVMKVMKVM\\0\\0\\0\" in EBX/ECX/EDX "
                + "(0x4b4d564b, 0x564b4d56, 0x4d); CPUID 0x40000001 returns the PV feature bits in EAX and the hints in EDX. Guests probe "
                + "0x40000000, 0x40000100, ... (the KVM leaves move when Hyper-V leaves come first). (arch/x86/kvm/cpuid.c __do_cpuid_func; "
                + "arch/x86/kernel/kvm.c kvm_cpuid_base)";

    private static final List<String> DOC_DIFFERENCES = List.of(
            "hypercalls.rst numbers its sections by list position, not by hypercall number: CLOCK_PAIRING is headed 6 but is 9, "
                    + "SEND_IPI 6 is 10, SCHED_YIELD 7 is 11, MAP_GPA_RANGE 8 is 12.",
            "The doc names the clock-pairing structure struct kvm_clock_offset; the code's is struct kvm_clock_pairing.",
            "The doc says CLOCK_PAIRING \"returns KVM_EOPNOTSUPP\"; the value is negated (-95), as every error.",
            "KVM_HC_MMU_OP is documented as deprecated; the code answers -KVM_ENOSYS (the handler was removed).",
            "The 2012 hypercalls.txt has no CPL check, no 32-bit truncation, no CPUID gating and no MAP_GPA_RANGE exit; the code has all.");

    /** The provider; {@link java.util.ServiceLoader} calls this. */
    public X86Architecture() {
        super(new Description("x86", List.of("x86_64", "x86-64", "amd64", "i386", "ia32"), "x86-64, Intel VMX (vmcall) / AMD SVM (vmmcall)",
                X86Registers.LAYOUT, X86Contract.CONTRACT, X86Status.CODEC, X86Hypercalls.ALL, FEATURE_SPECS, OPTIONS, "APIC ID",
                DISCOVERY, DOC_DIFFERENCES));
    }

    @Override
    public ByteOrder byteOrder(Map<String, String> options) {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public Codec codec(ByteOrder order) {
        return X86Codec.INSTANCE;
    }

    @Override
    public ArchitectureVm attach(VmContext vm) {
        return new X86Vm(vm);
    }

    @Override
    public List<dev.hcsim.core.spi.AbiFamily> otherAbis() {
        return List.of(X86XenHypercalls.ABI, X86HypervAbi.FAMILY); // kvm_emulate_hypercall: Xen first, then Hyper-V
    }

    @Override
    public String defaultTrapInstruction(Map<String, String> options) {
        return "amd".equals(options.get("vendor")) ? "vmmcall" : "vmcall";
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** The CPUID bit of a feature name. */
    static int bitOf(String feature) {
        // An indexed loop, not for-each: the List iterator is an allocation that only escape analysis removes, and the
        // trap path must allocate nothing even when the JIT has not (yet) inlined this (SchedulerHotPathTest).
        for (int i = 0; i < FEATURES.size(); i++) {
            Feature f = FEATURES.get(i);
            if (f.spec().name().equals(feature)) {
                return f.bit();
            }
        }
        throw new IllegalArgumentException("unknown feature " + feature);
    }
}
