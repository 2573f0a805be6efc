package dev.hcsim.conformance.cases;

import dev.hcsim.conformance.spi.ArchitectureCases;
import dev.hcsim.conformance.spi.Encoding;
import dev.hcsim.conformance.spi.PrivilegeRule;
import dev.hcsim.core.Outcome;
import java.util.List;
import java.util.Map;

/** ppc: sc and its LEV neighbours in both byte orders, the r0 magic, and the MSR[PR] rules per host flavour. */
public final class PpcCases implements ArchitectureCases {
    private static final String[][] WORDS = {
        {"44000022", "sc 1: BookE HV hypercall, PAPR hcall on Book3S PR (book3s_pr.c kvmppc_handle_exit_pr)"},
        {"44000042", "sc 2: another LEV, not a KVM call"},
        {"44000001", "scv 0: not a KVM trap"},
        {"44000003", "sc with reserved bit 31 set"},
        {"60000000", "nop"},
    };

    @Override
    public String architecture() {
        return "ppc";
    }

    @Override
    public List<Encoding> neighbouringEncodings() {
        return Words.bothOrders(WORDS);
    }

    @Override
    public List<String> extraInputs() {
        // Book3S PR / BookE PR take sc as a KVM call only when (u32)r0 == KVM_SC_MAGIC_R0 (book3s_pr.c kvmppc_handle_exit_pr).
        return List.of("r0");
    }

    @Override
    public Map<String, Long> magic() {
        return Map.of("r0", 0x4B56_4D21L); // KVM_SC_MAGIC_R0 'KVM!' (arch/powerpc/include/uapi/asm/kvm_para.h)
    }

    @Override
    public List<PrivilegeRule> privilegeRules() {
        return List.of(
                new PrivilegeRule(Map.of("privilege", "problem", "host", "book3s-pr"), Map.of(), Outcome.NOT_A_HYPERCALL, null,
                        "MSR[PR] = 1: sc is the guest's own system call, vector 0xc00 (book3s_pr.c kvmppc_handle_exit_pr)"),
                new PrivilegeRule(Map.of("privilege", "problem", "host", "booke-pr"), Map.of(), Outcome.NOT_A_HYPERCALL, null,
                        "MSR[PR] = 1 on BookE PR: the guest's own system call (booke.c kvmppc_handle_exit)"));
    }
}
