package dev.hcsim.arch.x86;

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
            .build();
}
