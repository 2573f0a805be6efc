package dev.hcsim.arch.x86;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapContract;

/** The x86 KVM hypercall contract (Documentation/virt/kvm/x86/hypercalls.rst, arch/x86/kvm/x86.c). */
public final class X86Contract {
    private X86Contract() {
    }

    /** The x86 contract: vmcall/vmmcall, number in RAX, arguments in RBX, RCX, RDX, RSI, result in RAX. */
    public static final TrapContract CONTRACT = TrapContract.builder(X86Registers.LAYOUT)
            .trapInstructions("vmcall (0f 01 c1, Intel VMX) / vmmcall (0f 01 d9, AMD SVM)")
            .number("rax", 64)
            .arguments("rbx", "rcx", "rdx", "rsi")
            .results("rax")
            .unsetResults(TrapContract.UnsetResults.UNCHANGED)
            .narrow(true, true, "not 64-bit (EFER.LMA=0 or CS.L=0): number and arguments are their low 32 bits, the result is cut to u32 "
                    + "and zero-extended into RAX (arch/x86/kvm/x86.h is_64_bit_hypercall; x86.c complete_hypercall_exit)")
            .pcRule("RIP advances by 3 after an in-kernel call; a MAP_GPA_RANGE exit writes RAX and advances RIP when the VMM re-enters; "
                    + "a patched wrong-vendor instruction leaves RIP on it (arch/x86/kvm/x86.c kvm_skip_emulated_instruction, "
                    + "emulator_fix_hypercall)")
            .privilegeRule("CPL != 0 gives -KVM_EPERM for every number, after the registers are read and before dispatch "
                    + "(arch/x86/kvm/x86.c ____kvm_emulate_hypercall)")
            .note("Only RAX and RIP are written; RBX, RCX, RDX, RSI and every other register are preserved (the guest's kvm_hypercall0..4 "
                    + "declare only a memory clobber).")
            .note("The wrong vendor's instruction raises #UD; with KVM_X86_QUIRK_FIX_HYPERCALL_INSN (default on) KVM patches the native "
                    + "bytes over it and re-executes; with the quirk off the guest gets #UD (arch/x86/kvm/x86.c emulator_fix_hypercall).")
            .note("RFLAGS.TF set: the call completes, then the single-step #DB is delivered (x86.c kvm_skip_emulated_instruction).")
            .fault(Fault.X86.pf(Fault.X86.PFERR_FETCH, 0, 0), "nothing readable at RIP: the fetch takes a not-present #PF, "
                    + "error code FETCH (| USER at CPL 3), CR2 = RIP", "arch/x86/kvm/mmu/mmu.c kvm_mmu_page_fault; hcsim X86Vm.trap",
                    Outcome.FAULT)
            .fault(Fault.X86.ud(0), "the bytes at RIP are neither vmcall nor vmmcall", "arch/x86/kvm/x86.c handle_ud",
                    Outcome.FAULT)
            .fault(Fault.X86.ud(0), "the other vendor's instruction with KVM_X86_QUIRK_FIX_HYPERCALL_INSN off",
                    "arch/x86/kvm/x86.c emulator_fix_hypercall", Outcome.FAULT)
            .fault(Fault.X86.gp(0, 0), "VMCALL on AMD at CPL > 0: the emulator's Priv check comes first",
                    "arch/x86/kvm/emulate.c x86_emulate_insn (Priv), em_hypercall", Outcome.FAULT)
            .fault(Fault.X86.pf(Fault.X86.PFERR_WRITE, 0, 0), "patching the native instruction over the other vendor's fails "
                    + "(RIP outside writable guest memory): error code WRITE, CR2 = RIP",
                    "arch/x86/kvm/x86.c emulator_fix_hypercall, emulator_write_emulated", Outcome.FAULT)
            .fault(Fault.X86.db(0), "RFLAGS.TF set: " + X86Vm.SINGLE_STEP + " after a call KVM completed (RIP past the call, "
                    + "or on the patched instruction)", "arch/x86/kvm/x86.c kvm_skip_emulated_instruction, kvm_vcpu_do_singlestep",
                    Outcome.FAULT)
            .fault(Fault.X86.ud(0), "Hyper-V enabled (feature hyperv, a guest OS id set): a Hyper-V hypercall at CPL > 0 or in "
                    + "real mode, or an XMM fast hypercall without HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE under enforce-cpuid",
                    "arch/x86/kvm/hyperv.c kvm_hv_hypercall", Outcome.FAULT)
            .exit(new Exit.HypervHcall(0, 0, java.util.List.of(0L, 0L)), "Hyper-V enabled: a call KVM leaves to user space "
                    + "(HVCALL_POST_MESSAGE, SIGNAL_EVENT without an eventfd, ...): type KVM_EXIT_HYPERV_HCALL, input = the control "
                    + "word, params = ingpa, outgpa; re-entry writes the VMM's result and advances RIP",
                    "arch/x86/kvm/hyperv.c kvm_hv_hypercall, hypercall_userspace_exit, kvm_hv_hypercall_complete_userspace")
            .exit(new Exit.XenHcall(true, 0, 0, 0, java.util.List.of(0L, 0L, 0L, 0L, 0L, 0L)), "Xen enabled (feature xen, "
                    + "KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL): a Xen hypercall the kernel does not handle itself: longmode, cpl, "
                    + "input = RAX, params[6]; re-entry writes the VMM's result to RAX and advances RIP",
                    "arch/x86/kvm/xen.c kvm_xen_hypercall, kvm_xen_hypercall_complete_userspace")
            .exit(new Exit.Hypercall(X86Hypercalls.KVM_HC_MAP_GPA_RANGE, new long[6], 0, 0), "KVM_HC_MAP_GPA_RANGE with "
                    + "KVM_CAP_EXIT_HYPERCALL enabled and valid arguments: nr 12, args gpa, npages, attrs, flags LONG_MODE; "
                    + "RAX and RIP untouched until re-entry", "arch/x86/kvm/x86.c ____kvm_emulate_hypercall, complete_hypercall_exit")
            .build();
}
