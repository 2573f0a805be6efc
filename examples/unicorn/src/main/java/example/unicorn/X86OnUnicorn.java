package example.unicorn;

import dev.hcsim.core.RegisterLayout;
import java.util.Map;

/**
 * x86-64 on Unicorn ({@code UC_ARCH_X86}, {@code UC_MODE_64}): long mode, CPL 0. TCG has neither VMX nor SVM, so
 * {@code vmcall}/{@code vmmcall} are {@code #UD} and reach {@code UC_HOOK_INSN_INVALID} with RIP on the instruction;
 * the run then ends even when the hook handled it, and the loop starts it again at the RIP hcsim wrote.
 * {@code hlt} ends a Unicorn run without a hook, so the loop's code hook catches it before it runs.
 */
final class X86OnUnicorn extends UcArch {
    // hcsim's order (X86Registers): rax rcx rdx rbx rsp rbp rsi rdi r8..r15; Unicorn's numbers from unicorn/x86.h.
    private static final String[] NAMES = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    private static final int[] UC = {35, 38, 40, 37, 44, 36, 43, 39, 106, 107, 108, 109, 110, 111, 112, 113};
    private static final int UC_X86_REG_RIP = 41;
    private static final int UC_X86_REG_RFLAGS = 253;
    private static final int UC_X86_REG_CS = 11;
    private static final int UC_X86_REG_SS = 49;
    private static final int UC_X86_REG_RSP = 44;
    private static final int UC_X86_REG_CR2 = 52;
    private static final int UC_X86_REG_IDTR = 242;
    /** A 64-bit IDT gate's types (SDM Vol. 3A, 6.14.1 "64-Bit Mode IDT"). */
    private static final int INTERRUPT_GATE = 0xE;
    private static final int TRAP_GATE = 0xF;
    /** RFLAGS.TF, IF, NT, RF: cleared on delivery (IF through an interrupt gate only; SDM Vol. 3A, 6.12.1.3). */
    private static final long TF = 1L << 8;
    private static final long IF = 1L << 9;
    private static final long NT = 1L << 14;
    private static final long RF = 1L << 16;
    /** CF PF ZF SF OF: the flags hcsim's subset computes (X86Interpreter); AF it leaves alone, Unicorn computes it. */
    static final long FLAGS = 0x1 | 0x4 | 0x40 | 0x80 | 0x800;

    private int[] ucOf;
    private int rflags = -1;
    private int cpl;
    private int lma;
    private int csl;

    X86OnUnicorn() {
        super("x86-64", "x86", Map.of("mode", "64", "cpl", "0"), UnicornLibrary.UC_ARCH_X86, UnicornLibrary.UC_MODE_64);
    }

    private void resolve(RegisterLayout layout) {
        if (ucOf != null) {
            return;
        }
        int[] m = new int[layout.size()];
        java.util.Arrays.fill(m, -1);
        for (int i = 0; i < NAMES.length; i++) {
            m[layout.require(NAMES[i])] = UC[i];
        }
        rflags = layout.require("rflags");
        cpl = layout.require("cpl");
        lma = layout.require("efer.lma");
        csl = layout.require("cs.l");
        ucOf = m;
    }


    @Override
    public void hookTraps(Unicorn u, Runnable trap) {
        u.onInvalidInstruction(() -> {
            trap.run();
            return true;
        });
    }

    @Override
    long get(UcRegisters r, int reg) {
        resolve(r.layout);
        int uc = ucOf[reg];
        if (uc >= 0) {
            return r.u.reg(uc);
        }
        if (reg == rflags) {
            return r.u.reg(UC_X86_REG_RFLAGS);
        }
        if (reg == cpl) {
            return 0; // UC_MODE_64 starts at CPL 0 and the guests never leave it
        }
        return reg == lma || reg == csl ? 1 : r.shadow[reg];
    }

    @Override
    void set(UcRegisters r, int reg, long value) {
        resolve(r.layout);
        int uc = ucOf[reg];
        if (uc >= 0) {
            r.u.reg(uc, value);
        } else if (reg == rflags) {
            r.u.reg(UC_X86_REG_RFLAGS, value);
        } else if ((reg == cpl && value != 0) || ((reg == lma || reg == csl) && value != 1)) {
            throw new UnsupportedOperationException("this Unicorn vCPU runs in 64-bit mode at CPL 0 only; cannot set "
                    + r.layout.name(reg) + " = " + value);
        } else {
            r.shadow[reg] = value;
        }
    }

    @Override
    int pcRegister() {
        return UC_X86_REG_RIP;
    }

    @Override
    Guest guestInstruction(UcRegisters r, long pc, byte[] insn) {
        if ((insn[0] & 0xFF) == 0xF4) { // hlt
            r.pc(pc + 1);
            return Guest.WAIT;
        }
        return Guest.OWN;
    }

    /**
     * Delivers the exception through the IDT the guest loaded, as the CPU does on the VM entry after KVM queued it
     * ({@code kvm_queue_exception_e}, {@code kvm_deliver_exception_payload} writing CR2 for #PF, then
     * {@code vmx_inject_exception}/{@code svm_inject_exception} hand it to the hardware): the 64-bit gate of the
     * vector (present, an interrupt or trap gate), a stack frame of SS, RSP, RFLAGS, CS, RIP and the error code on
     * the 16-byte aligned stack, TF, NT and RF cleared (and IF through an interrupt gate), RIP = the gate's offset
     * (SDM Vol. 3A, 6.14.2 "64-Bit Mode Stack Frame"). The guest runs at CPL 0, so the privilege does not change
     * and the handler must be in the code segment it runs in: a gate with another selector, or an IST stack, is not
     * modelled (Unicorn loads no descriptor for us), and the vCPU stops naming the fault, as it does when the guest
     * loaded no IDT (limit too small for the vector) or the gate is not present; a real CPU would then raise #GP or
     * a double fault, which the guest without an IDT cannot take either, so hcsim's machine stops the same way.
     */
    @Override
    String inject(UcRegisters r, dev.hcsim.core.Fault fault) {
        if (!(fault instanceof dev.hcsim.core.Fault.X86 f)) {
            return "not an x86 exception: " + fault;
        }
        com.sun.jna.Memory idtr = new com.sun.jna.Memory(24); // struct uc_x86_mmr {u16 selector; u64 base; u32 limit; u32 flags}
        idtr.clear();
        r.u.reg(UC_X86_REG_IDTR, idtr);
        long base = idtr.getLong(8);
        long limit = idtr.getInt(16) & 0xFFFF_FFFFL;
        long gate = base + 16L * f.vector();
        if (limit < 16L * f.vector() + 15) {
            return String.format("no IDT gate for vector %d (IDTR base 0x%x, limit 0x%x)", f.vector(), base, limit);
        }
        java.nio.ByteBuffer g = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (!r.u.read(gate, g.array(), 16)) {
            return String.format("the IDT gate at 0x%x is not in guest memory", gate);
        }
        int selector = g.getShort(2) & 0xFFFF;
        int ist = g.get(4) & 7;
        int attributes = g.get(5) & 0xFF;
        int type = attributes & 0xF;
        long handler = (g.getShort(0) & 0xFFFFL) | (g.getShort(6) & 0xFFFFL) << 16 | (g.getInt(8) & 0xFFFF_FFFFL) << 32;
        long cs = r.u.reg(UC_X86_REG_CS);
        if ((attributes & 0x80) == 0 || (type != INTERRUPT_GATE && type != TRAP_GATE)) {
            return String.format("IDT gate %d is not a present interrupt or trap gate (attributes 0x%x)", f.vector(), attributes);
        }
        if (selector != cs || ist != 0) {
            return String.format("IDT gate %d uses selector 0x%x (CS is 0x%x) or IST %d, which this loop does not model", f.vector(),
                    selector, cs, ist);
        }
        long rsp = r.u.reg(UC_X86_REG_RSP);
        long rflags = r.u.reg(UC_X86_REG_RFLAGS);
        long[] frame = f.hasErrorCode()
                ? new long[] {f.errorCode() & 0xFFFF_FFFFL, f.pc(), cs, rflags, rsp, r.u.reg(UC_X86_REG_SS)}
                : new long[] {f.pc(), cs, rflags, rsp, r.u.reg(UC_X86_REG_SS)};
        long top = (rsp & ~0xFL) - 8L * frame.length;
        java.nio.ByteBuffer stack = java.nio.ByteBuffer.allocate(8 * frame.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long v : frame) {
            stack.putLong(v);
        }
        if (!r.u.write(top, stack.array(), stack.capacity())) {
            return String.format("the stack at 0x%x is not in guest memory", top);
        }
        if (f.vector() == dev.hcsim.core.Fault.X86.PF) {
            r.u.reg(UC_X86_REG_CR2, f.address());
        }
        r.u.reg(UC_X86_REG_RSP, top);
        r.u.reg(UC_X86_REG_RFLAGS, rflags & ~(TF | NT | RF | (type == INTERRUPT_GATE ? IF : 0)));
        r.pc(handler);
        return null;
    }

    @Override
    public int[] compared(RegisterLayout layout) {
        resolve(layout);
        int[] out = new int[NAMES.length + 1];
        for (int i = 0; i < NAMES.length; i++) {
            out[i] = layout.require(NAMES[i]);
        }
        out[NAMES.length] = rflags;
        return out;
    }

    @Override
    public long comparedBits(RegisterLayout layout, int reg) {
        return reg == layout.require("rflags") ? FLAGS : -1L;
    }
}
