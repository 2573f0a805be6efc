package dev.hcsim.arch.loongarch;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapContract;

/**
 * The HVCL register contract as data (Documentation/virt/kvm/loongarch/hypercalls.rst and
 * arch/loongarch/kvm/exit.c): a0 = function number compared as a full unsigned long, a1..a5 =
 * arguments, a0 = the only result. Dispatch, {@code hcsim explain}, the docs table and the
 * conformance properties all read this one object.
 */
public final class LoongArchContract {
    private LoongArchContract() {
    }

    /** The contract. */
    public static final TrapContract CONTRACT = TrapContract.builder(LoongArchRegisters.LAYOUT)
            .trapInstructions("hvcl 0x100 (0x002b8100, KVM_HCALL_SERVICE); hvcl 0x101 (KVM_HCALL_SWDBG); "
                    + "hvcl 0x102 (KVM_HCALL_USER_SERVICE); any other hvcl code: a0 = -1")
            .number("a0", 64)
            .arguments("a1", "a2", "a3", "a4", "a5")
            .results("a0")
            .unsetResults(TrapContract.UnsetResults.UNCHANGED)
            .narrow(false, false, "none: KVM runs LoongArch64 guests only; a0 is compared as unsigned long, so 0x1_0000_0001 "
                    + "is not function 1 (exit.c kvm_handle_service). Narrow reads happen per call: KVM_HCALL_FUNC_IPI takes a3 "
                    + "as unsigned int, CPUCFG takes its index as unsigned int")
            .pcRule("PC + 4 after every HVCL (exit.c kvm_handle_hypercall update_pc), except hvcl 0x101 with guest debugging "
                    + "on (software breakpoints or single-step) (KVM_EXIT_DEBUG, PC stays on the hvcl) and hvcl 0x102 with USER_HCALL on (PC + 4 and a0 "
                    + "written only when the VMM re-enters, exit.c kvm_complete_user_service)")
            .privilegeRule("none: HVCL and the CPUCFG 0x40000000 leaves give the same answer at PLV0 and PLV3; exit.c "
                    + "kvm_handle_hypercall and kvm_emu_cpucfg never read CSR.CRMD.PLV. The v6 review (WANG Xuerui, Mar 2024) asked "
                    + "for the unprivileged behaviour to be spelled out; the v6 and v7 series had a PLV check (variant v7: the KVM "
                    + "CPUCFG leaves read 0 outside PLV0), the merged code has none. "
                    + "Why none is needed [derived]: both services act only inside the caller's own VM (PV IPI raises SWI0 on "
                    + "its own vCPUs, NOTIFY registers the calling vCPU's own record), so a PLV3 caller reaches nothing beyond "
                    + "what its own guest kernel already shares with it")
            .note("Only a0 is written: the guest's inline wrappers (asm/kvm_para.h kvm_hypercall0..5) declare a0 as the sole "
                    + "output; a1..a5 are inputs (\"Keep Unmodified\" in the v7 doc, \"-\" in the merged doc)")
            .note("FP, LSX and LASX registers are never used or changed by a hypercall (hypercalls.rst)")
            .note("Return codes are 64-bit: KVM_HCALL_SUCCESS 0, KVM_HCALL_INVALID_CODE -1, KVM_HCALL_INVALID_PARAMETER -2 "
                    + "(asm/kvm_para.h)")
            .note("An unknown HVCL code (0, 0x103, 0x7fff, ...) is a no-op that sets a0 = -1 and advances the PC; no guest "
                    + "exception (exit.c kvm_handle_hypercall default)")
            .note("hvcl 0x102 hands a0..a5 to the VMM as KVM_EXIT_HYPERCALL nr 0x102 with ret preset to -1 (an untouched ret "
                    + "gives a0 = -1)")
            .fault(new Fault.LoongArch(Fault.LoongArch.ADE, Fault.LoongArch.ADEF, 0, 0), "nothing readable at the PC: ADE with "
                    + "EsubCode ADEF, BADV = ERA = PC", "arch/loongarch/kvm/exit.c kvm_handle_rdwr_fault (a code fetch is no MMIO)",
                    Outcome.FAULT)
            .fault(new Fault.LoongArch(Fault.LoongArch.INE, 0, 0, 0), "a word KVM does not emulate (not hvcl, cpucfg, idle, "
                    + "syscall or break): EMULATE_FAIL rolls the PC back and injects INE",
                    "arch/loongarch/kvm/exit.c kvm_trap_handle_gspr, kvm_fault_ni", Outcome.FAULT)
            .fault(new Fault.LoongArch(Fault.LoongArch.SYS, 0, 0, 0), "syscall: EXCCODE_SYS goes to the guest kernel",
                    "LoongArch reference manual (no guest exit)", Outcome.NOT_A_HYPERCALL)
            .fault(new Fault.LoongArch(Fault.LoongArch.BP, 0, 0, 0), "break: EXCCODE_BRK goes to the guest kernel",
                    "LoongArch reference manual (no guest exit)", Outcome.NOT_A_HYPERCALL)
            .exit(new Exit.Hypercall(0, new long[6], 0, 0), "KVM_HCALL_USER_SERVICE (0x102) with the user-hcall feature: nr = "
                    + "0x102, args = a0..a5, ret preset to KVM_HCALL_INVALID_CODE; re-entry a0 = ret, PC + 4",
                    "arch/loongarch/kvm/exit.c kvm_handle_hypercall, kvm_complete_user_service")
            .exit(new Exit.Debug(0), "KVM_HCALL_SWDBG with guest debugging enabled: PC not advanced",
                    "arch/loongarch/kvm/exit.c kvm_handle_hypercall (KVM_GUESTDBG_SW_BP_MASK)")
            .build();
}
