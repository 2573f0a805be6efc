package dev.hcsim.conformance.cases;

import dev.hcsim.conformance.spi.ArchitectureCases;
import dev.hcsim.conformance.spi.Encoding;
import dev.hcsim.conformance.spi.PrivilegeRule;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.Status;
import java.util.List;
import java.util.Map;

/** x86: the other vendor's instruction, the VMX/SVM neighbours of 0f 01 c1, the CPL rule, and the calls of Xen and Hyper-V. */
public final class X86Cases implements ArchitectureCases {
    @Override
    public String architecture() {
        return "x86";
    }

    @Override
    public List<Encoding> neighbouringEncodings() {
        return List.of(
                Encoding.of("0f01d9", "vmmcall: the AMD form, patched or #UD on Intel (x86.c emulator_fix_hypercall)"),
                Encoding.of("0f01c1", "vmcall: the Intel form, patched or #UD on AMD"),
                Encoding.of("0f01c2", "vmlaunch: group 7 neighbour, #UD to the guest"),
                Encoding.of("0f01c3", "vmresume: group 7 neighbour"),
                Encoding.of("0f01c4", "vmxoff: group 7 neighbour"),
                Encoding.of("0f01d8", "vmrun: the SVM neighbour"),
                Encoding.of("0f01da", "vmload: SVM neighbour"),
                Encoding.of("0f01c8", "monitor: group 7, modrm c8"),
                Encoding.of("0f0b", "ud2"),
                Encoding.of("90", "nop: not a trap at all"));
    }

    @Override
    public List<dev.hcsim.conformance.spi.OtherAbiCalls> otherAbiCalls() {
        return List.of(new dev.hcsim.conformance.spi.OtherAbiCalls("xen", X86XenCases::calls),
                new dev.hcsim.conformance.spi.OtherAbiCalls("hyperv", X86HypervCases::calls));
    }

    @Override
    public List<PrivilegeRule> privilegeRules() {
        return List.of(new PrivilegeRule(Map.of("cpl", "3"), Map.of(), Outcome.RESUME, Status.PERMISSION,
                "CPL != 0: -KVM_EPERM for every number (arch/x86/kvm/x86.c ____kvm_emulate_hypercall)"));
    }
}
