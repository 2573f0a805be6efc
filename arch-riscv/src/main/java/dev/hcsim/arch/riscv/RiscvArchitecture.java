package dev.hcsim.arch.riscv;

import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.DescribedArchitecture;
import dev.hcsim.core.spi.FeatureSpec;
import dev.hcsim.core.spi.OptionSpec;
import dev.hcsim.core.spi.VmContext;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RISC-V under KVM: the Supervisor Binary Interface over {@code ecall} from VS-mode, a7 = extension ID,
 * a6 = function ID, a0..a5 = arguments, a0 = SBI error, a1 = value, as arch/riscv/kvm/vcpu_sbi*.c answers
 * it: legacy v0.1, BASE, TIME, IPI, RFENCE, SRST, HSM, SUSP, PMU, STA, FWFT in the kernel; DBCN, MPXY and
 * the experimental and vendor ranges forwarded to the VMM as KVM_EXIT_RISCV_SBI. Registered through
 * {@link java.util.ServiceLoader} as the architecture {@code riscv} (aliases {@code riscv64}, {@code rv64}).
 *
 * <p>vCPU ids are hart IDs: the VMM's vcpu_id, by default the index.
 */
public final class RiscvArchitecture extends DescribedArchitecture {

    private static final List<FeatureSpec> FEATURES = switches();

    private static List<FeatureSpec> switches() {
        List<FeatureSpec> l = new ArrayList<>();
        for (SbiExtension e : SbiExtension.values()) {
            if (e.feature() == null) {
                continue;
            }
            String extra = switch (e) {
                case PMU -> "; unavailable without a host PMU (option host-pmu), whatever the switch says";
                case DBCN -> ": every call forwarded to the VMM as KVM_EXIT_RISCV_SBI";
                case MPXY, EXPERIMENTAL, VENDOR -> ": forwarded to the VMM";
                case SUSP -> ": the VMM implements the suspend (KVM_EXIT_RISCV_SBI)";
                default -> "";
            };
            l.add(new FeatureSpec(e.feature(), !e.defaultDisabled(), "KVM_REG_RISCV_SBI_EXT switch KVM_RISCV_SBI_EXT_" + e.name()
                    + " (" + e.index() + ") for " + e.title() + (e.defaultDisabled() ? ", default disabled" : "") + extra
                    + "; off: SBI_ERR_NOT_SUPPORTED and PROBE_EXT 0"));
        }
        return List.copyOf(l);
    }

    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec("mode", List.of("vs", "vu"), "vs", "virtualization mode after reset: VS (supervisor, the SBI's caller) or "
                    + "VU (user: ecall goes to the guest's own handler)"),
            new OptionSpec("sbi-version", List.of("3.0", "2.0", "1.0"), "3.0", "KVM_SBI_VERSION_MAJOR.MINOR of the host kernel, what "
                    + "BASE GET_SPEC_VERSION answers: 3.0 since 6.16, 2.0 in 6.8-6.15, 1.0 before"),
            new OptionSpec("linux-version", List.of("6.18", "6.19", "6.17", "6.16", "6.15", "6.14", "6.13", "6.12", "6.8", "6.1"), "6.18",
                    "the host kernel, whose LINUX_VERSION_CODE (KERNEL_VERSION(a, b, 0) = a << 16 | b << 8) GET_IMP_VERSION answers"),
            new OptionSpec("mvendorid", List.of(), "0", "vcpu->arch.mvendorid (KVM_REG_RISCV_CONFIG), what GET_MVENDORID answers"),
            new OptionSpec("marchid", List.of(), "0", "vcpu->arch.marchid, what GET_MARCHID answers"),
            new OptionSpec("mimpid", List.of(), "0", "vcpu->arch.mimpid, what GET_MIMPID answers"),
            new OptionSpec("host-pmu", List.of("none", "sscofpmf"), "none", "the host's PMU: none leaves the PMU extension "
                    + "unavailable (kvm_riscv_vcpu_pmu_init returns early); sscofpmf gives the guest counters"),
            new OptionSpec("hpm-counters", List.of(), "16", "with host-pmu=sscofpmf: the host's hardware counters "
                    + "(riscv_pmu_get_hpm_info); the guest sees this + 1 hardware counters (time included), at most 32"),
            new OptionSpec("hpm-width", List.of(), "47", "with host-pmu=sscofpmf: the width (bits - 1) of counters 3 and up"),
            new OptionSpec("fwft-misaligned", List.of("yes", "no"), "yes", "the host can delegate misaligned load/store traps "
                    + "(misaligned_traps_can_delegate): FWFT MISALIGNED_EXC_DELEG supported"),
            new OptionSpec("svadu", List.of("no", "yes"), "no", "the vCPU has Svadu and Svade: FWFT PTE_AD_HW_UPDATING supported"),
            new OptionSpec("pmlen", List.of("none", "7", "16", "7,16"), "none", "the pointer-masking lengths the host's henvcfg "
                    + "takes (Smnpm): FWFT POINTER_MASKING_PMLEN supported with these values"));

    private static final List<String> DOC_DIFFERENCES = List.of(
            "SBI v3.0 (HSM chapter): hart_get_status of an invalid hartid returns SBI_ERR_INVALID_PARAM; vcpu_sbi_hsm.c "
                    + "kvm_sbi_ext_hsm_handler copies only a non-negative answer and returns with err_val untouched, so the guest "
                    + "sees a0 = 0, a1 = 0 (STARTED). hcsim follows the code.",
            "SBI v3.0 (System Suspend chapter) describes the suspend as the SBI implementation's; KVM checks the arguments and the "
                    + "other harts, then forwards the call to the VMM as KVM_EXIT_RISCV_SBI (not a KVM_EXIT_SYSTEM_EVENT SUSPEND, "
                    + "as arm64 PSCI does), having already requested the vCPU's reset to resume_addr.",
            "SBI v3.0 RFENCE: the HFENCE functions are optional for a hypervisor-less implementation; KVM treated them as NOPs "
                    + "until 6.16 and answers SBI_ERR_NOT_SUPPORTED since (vcpu_sbi_replace.c kvm_sbi_ext_rfence_handler).",
            "SBI v3.0 legacy SEND_IPI: hart_mask is a virtual address of a bit vector; vcpu_sbi_v01.c reads one unsigned long and "
                    + "hands kvm_get_vcpu_by_id's result to kvm_riscv_vcpu_set_interrupt unchecked, so a bit naming no vCPU "
                    + "dereferences NULL in the host; hcsim skips such bits.",
            "Documentation/virt/kvm/api.rst calls KVM_EXIT_RISCV_SBI's ret[0..1] the \"return values\"; kvm_riscv_vcpu_sbi_return "
                    + "copies them for the legacy v0.1 console calls too, so a1 changes there although in-kernel v0.1 calls "
                    + "leave it alone.");

    /** The provider; {@link java.util.ServiceLoader} calls this. */
    public RiscvArchitecture() {
        super(new Description("riscv", List.of("riscv64", "rv64", "risc-v"), "RISC-V (RV64), SBI over ecall from VS-mode: BASE, "
                + "HSM, IPI, RFENCE, TIME, SRST, SUSP, PMU, STA, FWFT, DBCN", RiscvRegisters.LAYOUT, RiscvContract.CONTRACT,
                RiscvStatus.SBI, RiscvHypercalls.ALL, FEATURES, OPTIONS, "hart ID", RiscvDiscovery.describe(), DOC_DIFFERENCES));
    }

    @Override
    public ByteOrder byteOrder(Map<String, String> options) {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public Codec codec(ByteOrder order) {
        return RiscvCodec.INSTANCE;
    }

    @Override
    public ArchitectureVm attach(VmContext vm) {
        return new RiscvVm(vm);
    }

    /** The guest's interrupt causes: 1 SSIP (IPIs), 5 STIP (timer), 9 SEIP (external), 13 LCOFIP (PMU overflow). */
    @Override
    public String interruptName(int vector) {
        return switch (vector) {
            case 1 -> "SSIP";
            case 5 -> "STIP";
            case 9 -> "SEIP";
            case 13 -> "LCOFIP";
            default -> "interrupt " + vector;
        };
    }

    @Override
    public String defaultTrapInstruction(Map<String, String> options) {
        return "ecall";
    }
}
