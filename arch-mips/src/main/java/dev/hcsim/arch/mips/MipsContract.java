package dev.hcsim.arch.mips;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapContract;

/**
 * The HYPCALL contract as data (Documentation/virt/kvm/x86/hypercalls.rst, MIPS section;
 * arch/mips/kvm/hypcall.c kvm_mips_handle_hypcall): v0 ($2) = number, a0..a3 ($4..$7) =
 * arguments, v0 = result; every other GPR is preserved.
 */
public final class MipsContract {
    static final TrapContract CONTRACT = TrapContract.builder(MipsRegisters.LAYOUT)
            .trapInstructions("hypcall (VZ ASE, code 0: 42000028 big-endian / 28 00 00 42 little-endian)")
            .number("v0", 64)
            .arguments("a0", "a1", "a2", "a3")
            .results("v0")
            .unsetResults(TrapContract.UnsetResults.UNCHANGED)
            .narrow(true, true, "GPRs are unsigned long: 64 bits on a MIPS64 host, 32 bits on a MIPS32 host (option host-width=32), "
                    + "where v0 reads 0xfffffc18; KVM never truncates, so a 32-bit guest on a 64-bit host reads the sign-extended "
                    + "0xfffffffffffffc18 (arch/mips/include/asm/kvm_host.h struct kvm_vcpu_arch gprs[])")
            .pcRule("PC+4; in a branch delay slot (Cause.BD) the PC points at the branch and KVM emulates it: target if taken, "
                    + "branch+8 if not, linking branches also write their link register (arch/mips/kvm/emulate.c update_pc, "
                    + "kvm_compute_return_epc); a non-zero code restores the PC (arch/mips/kvm/vz.c kvm_trap_vz_handle_hc)")
            .privilegeRule("none in KVM: guest user mode without CU0 takes a guest Coprocessor Unusable exception in hardware, "
                    + "which the guest kernel handles (VZ ASE)")
            .note("code 0 dispatches; any other 10-bit code (bits 20..11) exits to the VMM with KVM_EXIT_INTERNAL_ERROR (17), "
                    + "PC restored, v0 untouched (arch/mips/kvm/hypcall.c kvm_mips_emul_hypcall, vz.c kvm_trap_vz_handle_guest_exit)")
            .note("KVM reads the HYPCALL word only from CP0 BadInstr and the branch only from BadInstrP; without them the exit "
                    + "is KVM_EXIT_INTERNAL_ERROR (arch/mips/kvm/emulate.c kvm_get_badinstr, kvm_get_badinstrp): features badinstr, badinstrp")
            .note("the number is not decoded: every number answers -KVM_ENOSYS (arch/mips/kvm/hypcall.c kvm_mips_hypercall)")
            .note("the docs allow four arguments a0..a3, the guest wrappers kvm_hypercall0..3 pass at most three "
                    + "(arch/mips/include/asm/kvm_para.h)")
            .note("a linking branch's link register written while emulating the delay slot is not rolled back when the code "
                    + "check then fails (vz.c kvm_trap_vz_handle_hc restores only the PC)")
            .fault(new Fault.Mips(Fault.Mips.IBE, 0, false, 0), "nothing readable at EPC, or the delay slot after a branch "
                    + "outside guest memory: instruction bus error, EPC and Cause.BD as they stand",
                    "MIPS32 PRA; hcsim MipsVm.trap", Outcome.FAULT)
            .fault(new Fault.Mips(Fault.Mips.SYS, 0, false, 0), "syscall: the guest kernel's own system call, ExcCode Sys",
                    "MIPS32 PRA (no guest exit)", Outcome.NOT_A_HYPERCALL)
            .fault(null, "any other word that is not HYPCALL: the hardware raises no HC guest exit, nothing changes",
                    "arch/mips/kvm/vz.c kvm_trap_vz_handle_hc (never reached)", Outcome.NOT_A_HYPERCALL)
            .exit(MipsVm.EMULATION_FAILED, "HYPCALL KVM cannot emulate: no BadInstr (or BadInstrP "
                    + "in a delay slot), a bad branch before it, or a non-zero code field: suberror 0 (the kernel sets none), "
                    + "PC on the HYPCALL", "arch/mips/kvm/vz.c kvm_trap_vz_handle_hc, kvm_mips_emul_hypcall, kvm_get_badinstr")
            .exit(new Exit.SystemEvent(SystemEventType.SHUTDOWN), "[hcsim] the EXIT_VM call: v0 = 0, PC past the HYPCALL, the VMM "
                    + "stops every vCPU", "hcsim MipsHypercalls.exitVm (KVM's uAPI word for a VM power-off)")
            .build();

    private MipsContract() {
    }

    /**
     * The contract.
     * @return the MIPS hypercall contract (hypcall, number in v0, arguments in a0-a3, result in v0)
     */
    public static TrapContract contract() {
        return CONTRACT;
    }
}
