package dev.hcsim.conformance.cases;

import dev.hcsim.conformance.spi.ArchitectureCases;
import dev.hcsim.conformance.spi.Encoding;
import dev.hcsim.conformance.spi.PrivilegeRule;
import dev.hcsim.core.Outcome;
import java.util.List;
import java.util.Map;

/** arm64: HVC/SMC immediates, svc, the AArch32 and T32 forms, and the EL0 rule. */
public final class Arm64Cases implements ArchitectureCases {
    private static final Map<String, String> A64 = Map.of("mode", "aarch64");
    private static final Map<String, String> A32 = Map.of("mode", "aarch32");
    private static final Map<String, String> T32 = Map.of("mode", "thumb");

    @Override
    public String architecture() {
        return "arm64";
    }

    @Override
    public List<Encoding> neighbouringEncodings() {
        return List.of(
                new Encoding("220000d4", A64, "hvc #1: the immediate is ignored (arch/arm64/kvm/handle_exit.c handle_hvc)"),
                new Encoding("e2ff1fd4", A64, "hvc #0xffff"),
                new Encoding("030000d4", A64, "smc #0 (handle_exit.c handle_smc)"),
                new Encoding("230000d4", A64, "smc #1: x0 = -1, no dispatch (handle_exit.c handle_smc)"),
                new Encoding("010000d4", A64, "svc #0: the guest's own system call"),
                new Encoding("1f2003d5", A64, "nop"),
                new Encoding("700040e1", A32, "AArch32 hvc #0"),
                new Encoding("710040e1", A32, "AArch32 hvc #1"),
                new Encoding("700060e1", A32, "AArch32 smc #0"),
                new Encoding("700060f1", A32, "AArch32 smc with condition NV"),
                new Encoding("700060 01".replace(" ", ""), A32, "AArch32 smceq #0: condition EQ"),
                new Encoding("e0f70080", T32, "T32 hvc #0"),
                new Encoding("f0f70080", T32, "T32 smc #0"));
    }

    @Override
    public List<PrivilegeRule> privilegeRules() {
        return List.of(new PrivilegeRule(Map.of("el", "0"), Map.of(), Outcome.FAULT, null,
                "EL0: HVC and SMC are UNDEFINED, the guest takes an Undefined Instruction exception (Arm ARM; KVM never sees it)"));
    }
}
