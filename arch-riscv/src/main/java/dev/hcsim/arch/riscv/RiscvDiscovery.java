package dev.hcsim.arch.riscv;

import java.util.List;

/**
 * How a RISC-V guest finds KVM. There is no CPUID: the device tree (or ACPI RHCT) says the platform
 * has an SBI, and the guest probes it with BASE calls over {@code ecall}: GET_SPEC_VERSION, GET_IMP_ID
 * (3 = KVM), GET_IMP_VERSION (the host's LINUX_VERSION_CODE), then PROBE_EXT for each extension it
 * wants (arch/riscv/kernel/sbi.c sbi_init; arch/riscv/kvm/vcpu_sbi_base.c). A hart learns its own hart
 * ID from a0 at entry (the VMM's boot convention for hart 0, HART_START's for the others).
 */
public final class RiscvDiscovery {
    /** The SBI implementation IDs (SBI specification v3.0 section 4.9): 3 is KVM. */
    public static final List<String> IMPLEMENTATIONS = List.of("Berkeley Boot Loader (BBL)", "OpenSBI", "Xvisor", "KVM", "RustSBI",
            "Diosix", "Coffer", "Xen Project", "PolarFire Hart Software Services", "coreboot", "oreboot", "bhyve");

    private RiscvDiscovery() {
    }

    /**
     * The calls a Linux guest makes to find and use KVM's SBI, in order, as (EID, FID, a0) triples.
     * @return an unmodifiable list: spec version, implementation ID and version, then PROBE_EXT of TIME, IPI,
     *   RFENCE, HSM, SRST, SUSP, PMU, DBCN, STA and FWFT
     */
    public static List<long[]> probeSequence() {
        long b = RiscvHypercalls.EXT_BASE;
        return List.of(new long[] {b, 0, 0}, new long[] {b, 1, 0}, new long[] {b, 2, 0}, new long[] {b, 3, RiscvHypercalls.EXT_TIME},
                new long[] {b, 3, RiscvHypercalls.EXT_IPI}, new long[] {b, 3, RiscvHypercalls.EXT_RFENCE},
                new long[] {b, 3, RiscvHypercalls.EXT_HSM}, new long[] {b, 3, RiscvHypercalls.EXT_SRST},
                new long[] {b, 3, RiscvHypercalls.EXT_SUSP}, new long[] {b, 3, RiscvHypercalls.EXT_PMU},
                new long[] {b, 3, RiscvHypercalls.EXT_DBCN}, new long[] {b, 3, RiscvHypercalls.EXT_STA},
                new long[] {b, 3, RiscvHypercalls.EXT_FWFT});
    }

    /**
     * The implementation's name for a GET_IMP_ID answer.
     * @param impId a1 after GET_IMP_ID
     * @return its name, or "unknown"
     */
    public static String implementation(long impId) {
        return impId >= 0 && impId < IMPLEMENTATIONS.size() ? IMPLEMENTATIONS.get((int) impId) : "unknown";
    }

    /** The whole story in words, for {@code hcsim explain}. */
    static String describe() {
        return "No CPUID: the device tree's cpus node (riscv,isa, mmu-type) and the absence of an M-mode tell a guest it runs in "
                + "S-mode under an SBI; it then asks over ecall: BASE GET_SPEC_VERSION (a7 = 0x10, a6 = 0) gives a1 = 0x3000000 "
                + "(SBI 3.0), GET_IMP_ID (a6 = 1) a1 = 3 (KVM), GET_IMP_VERSION (a6 = 2) the host's LINUX_VERSION_CODE, and "
                + "PROBE_EXT (a6 = 3, a0 = EID) 1 for each extension this vCPU has enabled (0 for DBCN, SUSP and MPXY until the VMM "
                + "enables them, 0 for PMU without Sscofpmf on the host). Each hart gets its hart ID in a0 at entry. "
                + "(arch/riscv/kernel/sbi.c sbi_init; arch/riscv/kvm/vcpu_sbi_base.c kvm_sbi_ext_base_handler)";
    }
}
