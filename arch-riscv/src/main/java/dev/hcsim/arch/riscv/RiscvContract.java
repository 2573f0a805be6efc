package dev.hcsim.arch.riscv;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapContract;

/**
 * The SBI calling convention as KVM RISC-V applies it (arch/riscv/kvm/vcpu_sbi.c
 * kvm_riscv_vcpu_sbi_ecall; SBI specification v3.0 chapter 3): a7 = extension ID (EID), a6 = function
 * ID (FID), a0..a5 = arguments; a0 = SBI error, a1 = value; every other register preserved.
 */
public final class RiscvContract {
    /** The contract. */
    public static final TrapContract CONTRACT = TrapContract.builder(RiscvRegisters.LAYOUT)
            .trapInstructions("ecall (00000073) from VS-mode; KVM sees it as EXC_SUPERVISOR_SYSCALL (scause 10) "
                    + "(arch/riscv/kvm/vcpu_exit.c kvm_riscv_vcpu_exit)")
            .number("a7", 64)
            .arguments("a0", "a1", "a2", "a3", "a4", "a5")
            .results("a0", "a1")
            .unsetResults(TrapContract.UnsetResults.UNCHANGED)
            .narrow(false, false, "none: KVM runs guests at the host's XLEN and has no RV32 guest on an RV64 host (hstatus.VSXL "
                    + "is left at 64); 32-bit hosts were dropped from KVM RISC-V in 6.16. An RV32 guest would pass 64-bit "
                    + "values as a1:a0 pairs (TIME set_timer, STA shmem_phys_hi, PMU cfg_match a5:a4, FW_READ_HI)")
            .pcRule("sepc + 4 after every call KVM completes in the kernel, also for an unknown extension "
                    + "(kvm_riscv_vcpu_sbi_ecall ecall_done). A call forwarded to the VMM (KVM_EXIT_RISCV_SBI) or ending in a "
                    + "system event leaves sepc at the ecall; the next KVM_RUN adds 4 when it copies ret[0..1] into a0/a1 "
                    + "(kvm_riscv_vcpu_sbi_return)")
            .privilegeRule("VS-mode only: an ecall from VU-mode is delegated to the guest's own trap handler through hedeleg "
                    + "(EXC_SYSCALL, arch/riscv/kvm/main.c KVM_HEDELEG_DEFAULT), so KVM never sees it")
            .note("a7 = EID compared as a whole register with each extension's [extid_start, extid_end] "
                    + "(kvm_vcpu_sbi_find_ext); a6 = FID compared as a whole register by each handler")
            .note("a0 = SBI error (sbi_ret.err_val) after every in-kernel call; a1 = sbi_ret.out_val (0 when the handler set none), "
                    + "except for the legacy v0.1 extensions (a7 = 0..8), which leave a1 untouched")
            .note("Unknown or disabled extension: a0 = SBI_ERR_NOT_SUPPORTED (-2), a1 = 0, sepc + 4")
            .note("x1..x9, x12..x31 (a2..a7 included) are preserved; the legacy calls, forwarded calls and system events "
                    + "write nothing until re-entry")
            .note("KVM_EXIT_RISCV_SBI: extension_id = a7, function_id = a6, args[0..5] = a0..a5, ret[0] preset to "
                    + "SBI_ERR_NOT_SUPPORTED, ret[1] = 0 (kvm_riscv_vcpu_sbi_forward); on re-entry a0 = ret[0], a1 = ret[1], "
                    + "sepc + 4, once (return_handled)")
            .fault(new Fault.RiscV(RiscvHypercalls.EXC_INST_ACCESS, 0, 0), "nothing readable at the PC: instruction access "
                    + "fault, stval = pc", "hcsim RiscvVm.trap (the hart's own fetch fault; KVM never sees it)", Outcome.FAULT)
            .fault(new Fault.RiscV(Fault.RiscV.ILLEGAL_INSTRUCTION, 0, 0), "a word that is not ecall: illegal instruction, "
                    + "stval = the word", "hcsim RiscvVm.trap (the hart raises it; arch/riscv/kvm/vcpu_insn.c truly_illegal_insn redirects one KVM sees)", Outcome.FAULT)
            .fault(new Fault.RiscV(RiscvHypercalls.EXC_LOAD_ACCESS, 0, 0), "an unreadable v0.1 hart mask (SEND_IPI, REMOTE_FENCE_*): "
                    + "load access fault, stval = a0, sepc unchanged, nothing written", "arch/riscv/kvm/vcpu_sbi_v01.c, "
                    + "kvm_riscv_vcpu_trap_redirect", Outcome.FAULT)
            .fault(new Fault.RiscV(Fault.RiscV.ECALL_U, 0, 0), "ecall from VU-mode: delegated to the guest's own S-mode handler",
                    "arch/riscv/kvm/main.c KVM_HEDELEG_DEFAULT (EXC_SYSCALL)", Outcome.NOT_A_HYPERCALL)
            .exit(new Exit.RiscvSbi(0, 0, new long[6], new long[2]), "DBCN, MPXY, the experimental and vendor ranges, the v0.1 "
                    + "CONSOLE_PUTCHAR/GETCHAR, BASE PROBE_EXT of an experimental or vendor EID, SUSP SYSTEM_SUSPEND: "
                    + "extension_id = a7, function_id = a6, args = a0..a5, ret preset [SBI_ERR_NOT_SUPPORTED, 0], sepc at the ecall",
                    "arch/riscv/kvm/vcpu_sbi.c kvm_riscv_vcpu_sbi_forward, kvm_riscv_vcpu_sbi_return")
            .exit(new Exit.SystemEvent(SystemEventType.SHUTDOWN), "SRST type 0 (shutdown) or the v0.1 SHUTDOWN: ndata = 1, "
                    + "data[0] = reason, every hart stopped; re-entry changes no register",
                    "arch/riscv/kvm/vcpu_sbi.c kvm_riscv_vcpu_sbi_system_reset; vcpu_sbi_system.c, vcpu_sbi_v01.c")
            .exit(new Exit.SystemEvent(SystemEventType.RESET), "SRST cold or warm reboot: ndata = 1, data[0] = reason, every hart "
                    + "stopped; re-entry changes no register", "arch/riscv/kvm/vcpu_sbi.c kvm_riscv_vcpu_sbi_system_reset")
            .build();

    private RiscvContract() {
    }
}
