package dev.hcsim.arch.x86;

import dev.hcsim.core.RegisterLayout;

/**
 * The x86-64 registers a KVM hypercall and the guest subset touch. General registers are in the
 * hardware encoding order (ModRM/REX numbering), so the codec uses a register field as an index;
 * then the control state the hypercall ABI reads: RFLAGS, the current privilege level, EFER.LMA
 * and CS.L (arch/x86/kvm/x86.h {@code is_64_bit_hypercall}).
 */
public final class X86Registers {
    private X86Registers() {
    }

    /** RAX (0): the hypercall number in, the result out. */
    public static final int RAX = 0;
    /** RCX (1): the second hypercall argument. */
    public static final int RCX = 1;
    /** RDX (2): the third hypercall argument. */
    public static final int RDX = 2;
    /** RBX (3): the first hypercall argument. */
    public static final int RBX = 3;
    /** RSP (4): the stack pointer. */
    public static final int RSP = 4;
    /** RBP (5): the frame pointer. */
    public static final int RBP = 5;
    /** RSI (6): the fourth hypercall argument. */
    public static final int RSI = 6;
    /** RDI (7); R8 to R15 follow as 8 to 15. */
    public static final int RDI = 7;
    /** RFLAGS, as the subset computes it (CF, ZF, SF, TF, OF). */
    public static final int RFLAGS = 16;
    /** The current privilege level, 0 to 3; a hypercall from CPL &gt; 0 gets -KVM_EPERM. */
    public static final int CPL = 17;
    /** EFER.LMA, 1 when long mode is active; with CS.L it selects a 64-bit hypercall. */
    public static final int EFER_LMA = 18;
    /** CS.L, 1 for a 64-bit code segment; with EFER.LMA it selects a 64-bit hypercall. */
    public static final int CS_L = 19;

    /**
     * CR0.PE, 1 in protected mode (every mode but real mode): a Hyper-V hypercall in real mode raises #UD
     * (arch/x86/kvm/hyperv.c kvm_hv_hypercall, {@code !is_protmode(vcpu)}).
     */
    public static final int CR0_PE = 20;

    /** How many 128-bit XMM registers the layout carries (XMM0-5 carry a Hyper-V XMM fast hypercall's input). */
    public static final int XMM_COUNT = 16;

    /** RFLAGS bits the subset computes. */
    public static final long CF = 1L;
    /** RFLAGS.ZF, the zero flag (bit 6). */
    public static final long ZF = 1L << 6;
    /** RFLAGS.SF, the sign flag (bit 7). */
    public static final long SF = 1L << 7;
    /** RFLAGS.TF, the trap flag (bit 8): a single-step #DB after the next instruction. */
    public static final long TF = 1L << 8;
    /** RFLAGS.OF, the overflow flag (bit 11). */
    public static final long OF = 1L << 11;

    static final String[] NAMES64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
        "r14", "r15"};
    static final String[] NAMES32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d",
        "r14d", "r15d"};
    static final String[] NAMES16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w",
        "r15w"};
    static final String[] NAMES8 = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b", "r13b",
        "r14b", "r15b"};

    /**
     * The layout: rax..r15 (raw aliases r0..r7 are not x86 names and are not accepted), rflags, cpl, efer.lma, cs.l,
     * cr0.pe, and the 128-bit xmm0..xmm15 beside them.
     */
    public static final RegisterLayout LAYOUT = build();

    private static RegisterLayout build() {
        RegisterLayout.Builder b = RegisterLayout.builder();
        for (String n : NAMES64) {
            b.general(n);
        }
        return b.control("rflags", 64, "eflags").control("cpl", 2).control("efer.lma", 1, "lma").control("cs.l", 1, "csl")
                .control("cr0.pe", 1, "pe").vectors("xmm", XMM_COUNT).build();
    }
}
