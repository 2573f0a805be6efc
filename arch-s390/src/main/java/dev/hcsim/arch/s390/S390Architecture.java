package dev.hcsim.arch.s390;

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
 * The s390x (z/Architecture) provider: KVM's DIAGNOSE interface. The hypercall instruction is
 * {@code diag R1,R3,D2(B2)} whose function code is the low 16 bits of {@code (B2 ? GPR[B2] : 0) + D2};
 * function code 0x500 is KVM's hypercall with the subcode in {@code r1}, arguments in
 * {@code r2..r7} and the result in {@code r2}. The other codes (0x10, 0x44, 0x9c, 0x258, 0x288,
 * 0x308, 0x318, 0x501) are handled as KVM and QEMU handle them. Big-endian throughout; vCPU ids
 * are CPU addresses. SIGP, STSI and the wait state are intercepted too, so that guests can signal,
 * start and stop each other, discover KVM and idle.
 *
 * <p>Registered with {@link java.util.ServiceLoader} under the name {@code s390} (aliases
 * {@code s390x}, {@code z}).
 */
public final class S390Architecture extends DescribedArchitecture {
    /** Feature: the diag288 watchdog device exists (QEMU {@code -device diag288}). */
    public static final String FEATURE_DIAG288 = "diag288";
    /** Feature: the CPU model has the diag318 facility. */
    public static final String FEATURE_DIAG318 = "diag318";
    /** Feature: a debugger has set software breakpoints (DIAG 0x501 stops for it). */
    public static final String FEATURE_SW_BREAKPOINTS = "sw-breakpoints";
    /** Feature: facility 9, the sense-running-status facility (SIGP order 21). */
    public static final String FEATURE_SENSE_RUNNING = "sense-running";
    /** Feature: the unpack facility (protected virtualization, DIAG 0x308 subcodes 8-10). */
    public static final String FEATURE_UNPACK = "unpack";

    /** Option: deliver program interruptions into the lowcore or only report them. */
    public static final String OPT_PROGRAM_INTERRUPTIONS = "program-interruptions";
    /** Option: what DIAG 0x500 subcodes 1 and 2 do. */
    public static final String OPT_LEGACY_VIRTIO = "legacy-virtio";
    /** Option: who answers the diagnose codes KVM hands to userspace. */
    public static final String OPT_USERSPACE = "userspace";
    /** Option: the KVM_CREATE_VM type. */
    public static final String OPT_VM_TYPE = "vm-type";
    /** Value of {@link #OPT_VM_TYPE}: KVM_VM_S390_UCONTROL, a user-controlled VM. */
    public static final String VM_TYPE_UCONTROL = "ucontrol";

    private static final S390Codec CODEC = new S390Codec();

    /** Where the kernel's documentation and its code disagree (also in docs/arch/s390.md). */
    private static final List<String> DOC_DIFFERENCES = List.of(
                "DIAG 0x500 subcodes 1 and 2: Documentation/virt/kvm/s390/s390-diag.rst says \"handled by userspace\"; today's "
                        + "QEMU (hw/s390x/s390-hypercall.c handle_diag_500) answers them with a specification exception "
                        + "(default here; option legacy-virtio=userspace keeps the doc's variant)",
                "DIAG 0x500 subcode 0: s390-diag.rst calls it \"s390-virtio notification and early console printk\"; today's QEMU "
                        + "notifies no device, it answers 0 when r2 lies inside RAM and -EINVAL otherwise (handle_virtio_notify)",
                "DIAG 0x500 subcode 3: s390-diag.rst says r2 holds a negative error value \"if an internal error occurred\"; QEMU "
                        + "answers -EINVAL for every ordinary failure too (malformed subchannel id, no such subchannel, queue index "
                        + "of 1024 or more: handle_virtio_ccw_notify)",
                "Documentation/virt/kvm/hypercalls.rst: \"R2-R7 are used for parameters 1-6\"; arch/s390/include/asm/kvm_para.h "
                        + "indeed uses r2..r7, while no subcode reads more than r2..r4",
                "DIAG 0x9C: s390-diag.rst says \"General register 1 contains the target CPU address\"; the code reads the register "
                        + "named by the instruction's R1 field (diag.c __diag_time_slice_end_directed: gprs[(ipa & 0xf0) >> 4]), "
                        + "which Linux's diag9c() chooses freely",
                "DIAG 0x9C forwarding: s390-diag.rst describes forwarding the yield to the host; it happens only when the module "
                        + "parameter diag9c_forwarding_hz is non-zero, and its default is 0 (arch/s390/kvm/kvm-s390.c), so a yield "
                        + "to a running vCPU is ignored",
                "s390-diag.rst documents only 0x500, 0x501 and 0x9C; KVM itself also handles 0x10, 0x44, 0x258 and 0x308 "
                        + "(diag.c kvm_s390_handle_diag) and QEMU 0x288 and 0x318",
                "SIGP CONDITIONAL EMERGENCY SIGNAL: the architecture makes it conditional on the target's state; "
                        + "arch/s390/kvm/sigp.c __sigp_conditional_emergency tests is_vcpu_stopped() on the sending vCPU, which "
                        + "is never stopped while it runs SIGP, so the signal is always sent",
                "DIAG 0x308 subcodes 3 and 4: KVM masks the subcode to 16 bits (diag.c __diag_ipl_functions: 0x10003 resets); "
                        + "QEMU alone rejects any subcode with bits above 16 (target/s390x/diag.c handle_diag_308)",
                "SIGP SET PREFIX: KVM checks the address before the target's state (sigp.c __sigp_set_prefix), QEMU (which "
                        + "handles the order with KVM_CAP_S390_USER_SIGP) checks the state first (target/s390x/sigp.c); QEMU's "
                        + "order is simulated");

    private static final List<FeatureSpec> FEATURES = List.of(
            new FeatureSpec(FEATURE_DIAG288, false, "the diag288 watchdog device (QEMU -device diag288); without it DIAG 0x288 is a "
                    + "specification exception (QEMU target/s390x/diag.c handle_diag_288)"),
            new FeatureSpec(FEATURE_DIAG318, true, "the diag318 CPU facility (QEMU CPU model feature diag318, on with the host model); "
                    + "without it DIAG 0x318 is a specification exception (target/s390x/kvm/kvm.c handle_diag_318)"),
            new FeatureSpec(FEATURE_SW_BREAKPOINTS, false, "a debugger has inserted software breakpoints: DIAG 0x501 exits with "
                    + "KVM_EXIT_DEBUG instead of an operation exception (target/s390x/kvm/kvm.c handle_sw_breakpoint)"),
            new FeatureSpec(FEATURE_SENSE_RUNNING, true, "facility 9, sense-running status: without it SIGP SENSE RUNNING STATUS "
                    + "answers cc 1 with status 0x2, invalid order (arch/s390/kvm/sigp.c __sigp_sense_running); in every current "
                    + "CPU model"),
            new FeatureSpec(FEATURE_UNPACK, false, "the unpack facility (protected virtualization): DIAG 0x308 subcodes 8-10 "
                    + "(QEMU target/s390x/diag.c handle_diag_308)"));

    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec(OPT_PROGRAM_INTERRUPTIONS, List.of("deliver", "report"), "deliver",
                    "deliver: store the program interruption in the lowcore (ILC 0x8C, code 0x8E, old PSW 0x150) and load the "
                            + "program new PSW from 0x1D0, as arch/s390/kvm/interrupt.c __deliver_prog; report: only report it "
                            + "(outcome FAULT) for an embedding emulator that delivers interruptions itself"),
            new OptionSpec(OPT_LEGACY_VIRTIO, List.of("removed", "userspace"), "removed",
                    "DIAG 0x500 subcodes 1 and 2: removed = specification exception, as today's QEMU (hw/s390x/s390-hypercall.c); "
                            + "userspace = exit to the host, as Documentation/virt/kvm/s390/s390-diag.rst still says"),
            new OptionSpec(OPT_USERSPACE, List.of("qemu", "exit"), "qemu",
                    "the DIAGNOSE functions KVM does not handle itself (it returns -EOPNOTSUPP: 0x288, 0x318, 0x500 but the "
                            + "ioeventfd fast path, 0x501, 0x258 subcodes above 1, 0x308 but subcodes 3 and 4, unknown codes): qemu = "
                            + "answered as today's QEMU answers them; exit = KVM_EXIT_S390_SIEIC to the embedding VMM with "
                            + "icptcode 4, ipa and ipb (arch/s390/kvm/kvm-s390.c vcpu_post_run, intercept.c handle_instruction)"),
            new OptionSpec(OPT_VM_TYPE, List.of("default", VM_TYPE_UCONTROL), "default",
                    "the KVM_CREATE_VM type: ucontrol = KVM_VM_S390_UCONTROL (1, needs CAP_SYS_ADMIN), where kvm_handle_sie_intercept "
                            + "hands every intercept to the VMM (intercept.c): each DIAGNOSE, KVM's own 0x44, 0x9c, 0x258, 0x500 "
                            + "included, SIGP, STSI and LPSWE exit with KVM_EXIT_S390_SIEIC icptcode 4 and the PSW past the "
                            + "instruction, in problem state too (KVM's privilege check in kvm_s390_handle_diag never runs)"));

    /** The provider; {@link java.util.ServiceLoader} calls this. */
    public S390Architecture() {
        super(new Description("s390", List.of("s390x", "z"), "s390x (z/Architecture), DIAGNOSE 0x500 and the KVM diagnose codes",
                S390Registers.layout(), S390Contract.contract(), S390Status.CODEC, S390Hypercalls.all(), FEATURES, OPTIONS, "CPU address",
                S390Discovery.describe(), DOC_DIFFERENCES));
    }

    @Override
    public ByteOrder byteOrder(Map<String, String> options) {
        return ByteOrder.BIG_ENDIAN;
    }

    @Override
    public Codec codec(ByteOrder order) {
        return CODEC;
    }

    @Override
    public ArchitectureVm attach(VmContext vm) {
        return new S390Vm(vm);
    }

    /** Guest programs start after the two lowcore pages of CPU 0 (real 0..8K). */
    @Override
    public long defaultEntry() {
        return 0x2000;
    }

    @Override
    public String defaultTrapInstruction(Map<String, String> options) {
        return "diag %r2,%r4,0x500";
    }
}
