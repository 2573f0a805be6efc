package dev.hcsim.conformance.cases;

import dev.hcsim.conformance.spi.ArchitectureCases;
import dev.hcsim.conformance.spi.Encoding;
import dev.hcsim.conformance.spi.PrivilegeRule;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.Status;
import java.util.List;
import java.util.Map;

/** s390: DIAGNOSE with the other function codes and register fields, and the problem-state rule. */
public final class S390Cases implements ArchitectureCases {
    /** PSW_MASK_64 (EA|BA) with the problem-state bit 15 (arch/s390/include/asm/ptrace.h PSW_MASK_PSTATE). */
    private static final long PROBLEM_STATE_PSW = 0x0000_0001_8000_0000L | 0x0001_0000_0000_0000L;

    @Override
    public String architecture() {
        return "s390";
    }

    @Override
    public List<Encoding> neighbouringEncodings() {
        return List.of(
                Encoding.of("83240501", "diag 0x501: the software breakpoint (diag.c __diag_handle, sw-breakpoints)"),
                Encoding.of("832404ff", "diag 0x4ff: no such code, specification exception"),
                Encoding.of("83240044", "diag 0x44: time-slice end (diag.c __diag_time_slice_end)"),
                Encoding.of("8324009c", "diag 0x9c: directed yield (diag.c __diag_time_slice_end_directed)"),
                Encoding.of("83240258", "diag 0x258: page-reference services, GPR[R3] := rc (diag.c __diag_page_ref_service)"),
                Encoding.of("83240288", "diag 0x288: watchdog, feature off by default"),
                Encoding.of("83240308", "diag 0x308: IPL functions (diag.c __diag_ipl_functions)"),
                Encoding.of("83240318", "diag 0x318: CPNC (QEMU diag 318)"),
                Encoding.of("83240010", "diag 0x10: release pages (diag.c diag_release_pages)"),
                Encoding.of("83241500", "diag with base register r1: code = low 16 bits of r1 + 0x500"),
                Encoding.of("83000500", "diag %r0,%r0,0x500: other register fields"),
                Encoding.of("8324f500", "diag with base r15"));
    }

    @Override
    public List<PrivilegeRule> privilegeRules() {
        return List.of(new PrivilegeRule(Map.of("vm-type", "default"), Map.of("pswm", PROBLEM_STATE_PSW), Outcome.FAULT, Status.PERMISSION,
                "problem state: privileged-operation program interruption before the code is read "
                        + "(arch/s390/kvm/diag.c kvm_s390_handle_diag); no program-new PSW in the generated lowcore, so reported"),
                new PrivilegeRule(Map.of("vm-type", "ucontrol"), Map.of("pswm", PROBLEM_STATE_PSW), Outcome.EXIT_TO_HOST, null,
                        "a user-controlled VM: every DIAGNOSE goes to the VMM before kvm_s390_handle_diag's privilege check "
                                + "(arch/s390/kvm/intercept.c kvm_handle_sie_intercept returns -EOPNOTSUPP)"));
    }

    @Override
    public List<String> otherAbiSwitches() {
        // intercept.c kvm_handle_sie_intercept: a user-controlled VM hands every intercept to the VMM
        return List.of("vm-type=ucontrol");
    }
}
