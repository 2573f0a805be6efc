package dev.hcsim.conformance.cases;

import dev.hcsim.conformance.spi.ArchitectureCases;
import dev.hcsim.conformance.spi.Encoding;
import dev.hcsim.conformance.spi.PrivilegeRule;
import dev.hcsim.core.Outcome;
import java.util.List;
import java.util.Map;

/** RISC-V: ecall and its SYSTEM-opcode neighbours; an ecall from VU-mode is the guest's own system call. */
public final class RiscvCases implements ArchitectureCases {
    @Override
    public String architecture() {
        return "riscv";
    }

    @Override
    public List<Encoding> neighbouringEncodings() {
        return List.of(
                Encoding.of("73000000", "ecall: EXC_SUPERVISOR_SYSCALL from VS-mode (arch/riscv/kvm/vcpu_exit.c kvm_riscv_vcpu_exit)"),
                Encoding.of("73001000", "ebreak: a breakpoint, not an SBI call"),
                Encoding.of("73005010", "wfi"),
                Encoding.of("73002010", "sret (not in the subset)"),
                Encoding.of("73000020", "a SYSTEM word with funct12 = 0x200 (not ecall)"),
                Encoding.of("f3000000", "ecall with rd = 1 (reserved encoding, not ecall)"),
                Encoding.of("13000000", "nop (addi zero, zero, 0)"),
                Encoding.of("0f00f00f", "fence"));
    }

    @Override
    public List<PrivilegeRule> privilegeRules() {
        return List.of(new PrivilegeRule(Map.of("mode", "vu"), Map.of(), Outcome.NOT_A_HYPERCALL, null,
                "VU-mode: ecall is EXC_SYSCALL, delegated to the guest's VS-mode handler through hedeleg (arch/riscv/kvm/main.c "
                        + "KVM_HEDELEG_DEFAULT); KVM never sees it"));
    }
}
