package dev.hcsim.conformance.cases;

import dev.hcsim.conformance.spi.ArchitectureCases;
import dev.hcsim.conformance.spi.Encoding;
import dev.hcsim.conformance.spi.PrivilegeRule;
import java.util.List;
import java.util.Map;

/** LoongArch: HVCL with the other codes and its neighbours; PLV3 is answered as PLV0. */
public final class LoongArchCases implements ArchitectureCases {
    @Override
    public String architecture() {
        return "loongarch";
    }

    @Override
    public List<Encoding> neighbouringEncodings() {
        return List.of(
                Encoding.of("01812b00", "hvcl 0x101: KVM_HCALL_SWDBG (arch/loongarch/kvm/exit.c kvm_handle_hypercall)"),
                Encoding.of("02812b00", "hvcl 0x102: KVM_HCALL_USER_SERVICE"),
                Encoding.of("03812b00", "hvcl 0x103: unknown code, a0 = -1"),
                Encoding.of("05812b00", "hvcl 0x105: the v7 patch's code"),
                Encoding.of("00802b00", "hvcl 0: unknown code"),
                Encoding.of("ffff2b00", "hvcl 0x7fff: the largest code"),
                Encoding.of("00002b00", "syscall 0: not a hypercall"),
                Encoding.of("00002a00", "break 0"),
                Encoding.of("00004003", "nop (andi $zero, $zero, 0)"));
    }

    @Override
    public List<PrivilegeRule> privilegeRules() {
        return List.of(new PrivilegeRule(Map.of(), Map.of("plv", 3L), null, null,
                "none: kvm_handle_hypercall and kvm_emu_cpucfg never read CSR.CRMD.PLV (arch/loongarch/kvm/exit.c)"));
    }
}
