package dev.hcsim.arch.arm64;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapContract;

/**
 * The SMCCC trap contract as KVM/arm64 applies it: function ID in w0 (read as 32 bits), arguments
 * x1..x3 (all KVM services use at most three), results x0..x3 with unused results zeroed, and
 * everything else preserved (SMCCC v1.1, which KVM advertises).
 */
public final class Arm64Contract {
    /** The contract. */
    public static final TrapContract CONTRACT = TrapContract.builder(Arm64Registers.LAYOUT)
            .trapInstructions("hvc #imm16 (d4000002 | imm16<<5), smc #imm16 (d4000003 | imm16<<5); AArch32: hvc #imm16 "
                    + "(e1400070 | imm12<<8 | imm4), smc<c> #imm4 (01600070 | cond<<28 | imm4); T32: hvc (f7e0 8000 | imm), smc (f7f0 8000 | imm4)")
            .number("x0", 32)
            .arguments("x1", "x2", "x3")
            .results("x0", "x1", "x2", "x3")
            .unsetResults(TrapContract.UnsetResults.ZEROED)
            .narrow(true, true, "AArch32 vCPU (PSTATE.nRW = 1): r0-r3 are 32 bits wide. From AArch64, SMC32/HVC32 function IDs "
                    + "(bit 30 clear) use the W views: KVM reads u32 arguments where it casts them (ARCH_FEATURES, PSCI_FEATURES, "
                    + "PV_TIME_FEATURES, PTP, TRNG N) and zero-extends x1-x3 in place for PSCI CPU_ON, AFFINITY_INFO, SYSTEM_SUSPEND, "
                    + "SYSTEM_RESET2 and SYSTEM_OFF2 (arch/arm64/kvm/psci.c kvm_psci_narrow_to_32bit); results are written as 64-bit values")
            .pcRule("HVC: the exception's preferred return is the next instruction (PC + 4). SMC: the trap returns to the SMC "
                    + "itself and KVM adds 4 before anything else (handle_exit.c handle_smc), so also PC + 4, even for a non-zero "
                    + "immediate and for exits to the host. An AArch32 SMC that fails its condition code is skipped (PC + 4), "
                    + "nothing else (handle_exit.c handle_trap_exceptions)")
            .privilegeRule("EL1 only: HVC and SMC at EL0 are UNDEFINED, so the guest takes an Undefined Instruction exception and "
                    + "KVM never sees the call; KVM makes no further privilege check")
            .note("x0: function ID, bits 63:32 ignored (include/kvm/arm_hypercalls.h smccc_get_function returns u32)")
            .note("HVC #imm16: the immediate is ignored (handle_exit.c handle_hvc). SMC #imm16 with imm16 != 0: x0 = -1, "
                    + "x1-x3 untouched, no dispatch (handle_exit.c handle_smc)")
            .note("Every call KVM completes writes x0-x3, unused results zeroed (arm_hypercalls.h smccc_set_retval). Exceptions: "
                    + "SMC imm16 != 0 (x0 only), PSCI SYSTEM_RESET2 (x0 only, then exit), SYSTEM_SUSPEND (no register, exit), "
                    + "SMCCC filter FWD_TO_USER (no register, exit), the EL2 ARCH_WORKAROUND fast path (x0 = x1 = 0, x2 and x3 kept)")
            .note("x4-x17 may carry arguments under SMCCC v1.1/v1.2 but KVM never reads them in-kernel; x4-x30 and sp are preserved")
            .note("Unknown function ID: x0 = -1 (SMCCC_RET_NOT_SUPPORTED), x1-x3 = 0 (hypercalls.c kvm_smccc_call_handler)")
            .note("Dispatch order: EL2 ARCH_WORKAROUND fast path for HVC (hyp/hyp-entry.S), then the VM's SMCCC filter, then the "
                    + "firmware bitmaps or the default-allowed list (hypercalls.c kvm_smccc_get_action), then the handler")
            .fault(new Fault.Arm64(Fault.Arm64.EC_IABT_CUR, Fault.Arm64.FSC_EXTABT, 1, 0), Arm64Hypercalls.FETCH_ABORT
                    + " at EL1: instruction abort, FSC EXTABT, FAR = PC", "arch/arm64/kvm/inject_fault.c inject_abt64", Outcome.FAULT)
            .fault(new Fault.Arm64(Fault.Arm64.EC_IABT_LOW, Fault.Arm64.FSC_EXTABT, 1, 0), Arm64Hypercalls.FETCH_ABORT
                    + " at EL0: instruction abort from a lower EL, FSC EXTABT, FAR = PC", "arch/arm64/kvm/inject_fault.c inject_abt64",
                    Outcome.FAULT)
            .fault(Fault.Arm64.undefined(0), Arm64Hypercalls.UNDEF_NOT_A_CALL + " (A64, A32 or T32)",
                    "arch/arm64/kvm/inject_fault.c inject_undef64", Outcome.FAULT)
            .fault(Fault.Arm64.undefined(0), Arm64Hypercalls.UNDEF_EL0, "Arm ARM: HVC and SMC are UNDEFINED at EL0; "
                    + "arch/arm64/kvm/inject_fault.c inject_undef64", Outcome.FAULT)
            .fault(new Fault.Arm64(Fault.Arm64.EC_SVC64, 0, 1, 0), Arm64Hypercalls.SVC + ": ESR_EL1 = SVC64 with imm16, "
                    + "ELR = the next instruction", "Arm ARM (SVC is taken to EL1; KVM never sees it)", Outcome.NOT_A_HYPERCALL)
            .exit(new Exit.Hypercall(0, new long[6], 0, 0), "a function ID in a KVM_SMCCC_FILTER_FWD_TO_USER range: nr = the ID, "
                    + "args all 0, flags bit 0 = SMC; PC already past the call, x0..x3 untouched",
                    "arch/arm64/kvm/hypercalls.c kvm_smccc_call_handler, kvm_prepare_hypercall_exit")
            .exit(new Exit.SystemEvent(SystemEventType.SHUTDOWN), "PSCI SYSTEM_OFF (data[0] = 0) or SYSTEM_OFF2 (data[0] = "
                    + "KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2); every vCPU stopped, x0 = PSCI_RET_INTERNAL_FAILURE, x1..x3 = 0, "
                    + "PC past the call", "arch/arm64/kvm/psci.c kvm_psci_system_off, kvm_psci_system_off2, kvm_prepare_system_event")
            .exit(new Exit.SystemEvent(SystemEventType.RESET), "PSCI SYSTEM_RESET (data[0] = 0; x1..x3 = 0) or SYSTEM_RESET2 "
                    + "(data[0] = KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2; x1..x3 kept, cut to 32 bits for SMC32); every vCPU "
                    + "stopped, x0 = PSCI_RET_INTERNAL_FAILURE, PC past the call",
                    "arch/arm64/kvm/psci.c kvm_psci_system_reset, kvm_psci_system_reset2, kvm_prepare_system_event")
            .exit(new Exit.SystemEvent(SystemEventType.SUSPEND), "PSCI SYSTEM_SUSPEND with KVM_CAP_ARM_SYSTEM_SUSPEND: "
                    + "data[0] = 0, x0..x3 as the guest passed them, PC past the call; the other vCPUs go on",
                    "arch/arm64/kvm/psci.c kvm_psci_system_suspend")
            .build();

    private Arm64Contract() {
    }
}
