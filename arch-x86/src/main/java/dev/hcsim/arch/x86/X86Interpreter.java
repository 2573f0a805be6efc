package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.X86Registers.CF;
import static dev.hcsim.arch.x86.X86Registers.OF;
import static dev.hcsim.arch.x86.X86Registers.RFLAGS;
import static dev.hcsim.arch.x86.X86Registers.SF;
import static dev.hcsim.arch.x86.X86Registers.ZF;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.spi.BaseInstruction;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Emitter;
import java.util.Locale;

/**
 * The pre-decoded x86-64 subset instructions and how each executes. Flags follow the SDM for the
 * subset: CF, ZF, SF, OF and PF from add/sub/cmp and the logic operations.
 */
final class X86Interpreter {
    private X86Interpreter() {
    }

    static final long PF = 1L << 2;

    /**
     * An instruction's text, {@code "%-6s %s"} of the mnemonic and the operands. Padded by hand: every decode makes
     * one (a seed sweep decodes its guest once per seed), and {@link String#format} parsed the pattern each time.
     */
    static String fmt(String mnemonic, String operands) {
        if (operands.isEmpty()) {
            return mnemonic;
        }
        StringBuilder sb = new StringBuilder(mnemonic.length() + operands.length() + 7).append(mnemonic);
        while (sb.length() < 6) {
            sb.append(' ');
        }
        return sb.append(' ').append(operands).toString();
    }

    static long mask(int w) {
        return w == 64 ? -1L : (1L << w) - 1;
    }

    private static void write(Emitter e, int reg, int w) {
        X86Emitter.write(e, reg, w);
    }

    /** Writes a w-bit result to a register as x86 does: 32-bit writes zero-extend, 8/16-bit writes merge. */
    static void write(RegisterFile r, int reg, int w, long v) {
        switch (w) {
            case 64 -> r.set(reg, v);
            case 32 -> r.set(reg, v & 0xFFFF_FFFFL);
            default -> r.set(reg, (r.get(reg) & ~mask(w)) | (v & mask(w)));
        }
    }

    static final class MovImm extends BaseInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        private final int dst;
        private final int w;
        private final long value;

        MovImm(int length, String text, int dst, int w, long value) {
            super(length, text);
            this.dst = dst;
            this.w = w;
            this.value = value;
        }

        @Override
        public boolean emit(Emitter e) {
            e.constant(value);
            write(e, dst, w);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            write(cpu.regs(), dst, w, value);
            return Cpu.NEXT;
        }
    }

    static final class MovReg extends BaseInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        private final int dst;
        private final int src;
        private final int w;

        MovReg(int length, String text, int dst, int src, int w) {
            super(length, text);
            this.dst = dst;
            this.src = src;
            this.w = w;
        }

        @Override
        public boolean emit(Emitter e) {
            e.get(src);
            write(e, dst, w);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            write(cpu.regs(), dst, w, cpu.regs().get(src));
            return Cpu.NEXT;
        }
    }

    /** add/or/and/sub/xor/cmp with a register or an immediate source. */
    static final class Alu extends BaseInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        private final int op;
        private final int dst;
        private final int src;
        private final long imm;
        private final int w;

        Alu(int length, String text, int op, int dst, int src, long imm, int w) {
            super(length, text);
            this.op = op;
            this.dst = dst;
            this.src = src;
            this.imm = imm;
            this.w = w;
        }

        @Override
        public boolean emit(Emitter e) {
            return X86Emitter.alu(e, op, dst, src, imm, w);
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long m = mask(w);
            long a = r.get(dst) & m;
            long b = (src >= 0 ? r.get(src) : imm) & m;
            long res;
            long flags = r.get(RFLAGS) & ~(CF | ZF | SF | OF | PF);
            long sign = 1L << (w - 1);
            switch (op) {
                case 0 -> {
                    res = (a + b) & m;
                    if (Long.compareUnsigned(res, a) < 0) {
                        flags |= CF;
                    }
                    if (((a ^ res) & (b ^ res) & sign) != 0) {
                        flags |= OF;
                    }
                }
                case 5, 7 -> {
                    res = (a - b) & m;
                    if (Long.compareUnsigned(a, b) < 0) {
                        flags |= CF;
                    }
                    if (((a ^ b) & (a ^ res) & sign) != 0) {
                        flags |= OF;
                    }
                }
                case 1 -> res = a | b;
                case 4 -> res = a & b;
                default -> res = a ^ b;
            }
            if (res == 0) {
                flags |= ZF;
            }
            if ((res & sign) != 0) {
                flags |= SF;
            }
            if ((Long.bitCount(res & 0xFF) & 1) == 0) {
                flags |= PF;
            }
            r.set(RFLAGS, flags);
            if (op != 7) {
                write(r, dst, w, res);
            }
            return Cpu.NEXT;
        }
    }

    static boolean condition(long f, int cc) {
        boolean cf = (f & CF) != 0;
        boolean zf = (f & ZF) != 0;
        boolean sf = (f & SF) != 0;
        boolean of = (f & OF) != 0;
        boolean pf = (f & PF) != 0;
        boolean v = switch (cc >> 1) {
            case 0 -> of;
            case 1 -> cf;
            case 2 -> zf;
            case 3 -> cf || zf;
            case 4 -> sf;
            case 5 -> pf;
            case 6 -> sf != of;
            default -> zf || sf != of;
        };
        return (cc & 1) == 0 ? v : !v;
    }

    /** jcc (cc 0..15) or jmp (cc -1). */
    static final class Branch extends BaseInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        private final int cc;
        private final long target;

        Branch(int length, String text, int cc, long target) {
            super(length, text);
            this.cc = cc;
            this.target = target;
        }

        @Override
        public boolean emit(Emitter e) {
            X86Emitter.branch(e, cc, target);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            if (cc < 0 || condition(cpu.regs().get(RFLAGS), cc)) {
                cpu.regs().pc(target);
                return Cpu.JUMP;
            }
            return Cpu.NEXT;
        }
    }

    /**
     * call *%r64: pushes the address of the next instruction (RSP -= 8, 8 bytes) and jumps to the register's value
     * (64-bit mode, the subset's only mode for the stack).
     */
    static final class CallIndirect extends BaseInstruction {
        private final int reg;

        CallIndirect(int length, String text, int reg) {
            super(length, text);
            this.reg = reg;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long target = r.get(reg);
            long rsp = r.get(X86Registers.RSP) - 8;
            cpu.memory().write(rsp, 8, r.pc() + length());
            r.set(X86Registers.RSP, rsp);
            r.pc(target);
            return Cpu.JUMP;
        }
    }

    /** ret: pops the return address (8 bytes at RSP, RSP += 8) and jumps to it. */
    static final class Ret extends BaseInstruction {
        Ret(int length, String text) {
            super(length, text);
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long rsp = r.get(X86Registers.RSP);
            long target = cpu.memory().read(rsp, 8);
            r.set(X86Registers.RSP, rsp + 8);
            r.pc(target);
            return Cpu.JUMP;
        }
    }

    static final class Load extends BaseInstruction {
        @Override
        public int effects() {
            return EFFECTS_READS_MEMORY;
        }

        private final int dst;
        private final int base;
        private final long disp;
        private final int size;
        private final int w;

        Load(int length, String text, int dst, int base, long disp, int size, int w) {
            super(length, text);
            this.dst = dst;
            this.base = base;
            this.disp = disp;
            this.size = size;
            this.w = w;
        }

        @Override
        public boolean emit(Emitter e) {
            e.address(base, disp);
            e.read(size);
            write(e, dst, w);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            long v = cpu.memory().read(cpu.regs().get(base) + disp, size);
            write(cpu.regs(), dst, w, v);
            return Cpu.NEXT;
        }
    }

    static final class Store extends BaseInstruction {
        @Override
        public int effects() {
            return EFFECTS_WRITES_MEMORY;
        }

        private final int src;
        private final int base;
        private final long disp;
        private final int size;
        private final long imm;

        Store(int length, String text, int src, int base, long disp, int size, long imm) {
            super(length, text);
            this.src = src;
            this.base = base;
            this.disp = disp;
            this.size = size;
            this.imm = imm;
        }

        @Override
        public boolean emit(Emitter e) {
            e.address(base, disp);
            if (src >= 0) {
                e.get(src);
            } else {
                e.constant(imm);
            }
            e.write(size);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            MemoryAccess m = cpu.memory();
            m.write(cpu.regs().get(base) + disp, size, src >= 0 ? cpu.regs().get(src) : imm);
            return Cpu.NEXT;
        }
    }

    static final class Cpuid extends BaseInstruction {
        Cpuid() {
            super(2, "cpuid");
        }

        @Override
        public int execute(Cpu cpu) {
            cpu.vm().archState(X86Vm.class).discovery().cpuid(cpu.regs());
            return Cpu.NEXT;
        }
    }

    /** wrmsr: ECX = MSR, EDX:EAX = value; the KVM MSRs the subset knows are handled by {@link X86Vm#wrmsr}. */
    static final class Wrmsr extends BaseInstruction {
        Wrmsr() {
            super(2, "wrmsr");
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long value = (r.get(X86Registers.RDX) << 32) | (r.get(X86Registers.RAX) & 0xFFFF_FFFFL);
            String fault = cpu.vm().archState(X86Vm.class).wrmsr(cpu.vcpu(), r.get(X86Registers.RCX) & 0xFFFF_FFFFL, value, r, cpu.memory());
            return fault == null ? Cpu.NEXT : cpu.fault(fault);
        }
    }

    /** rdmsr: ECX = MSR; EDX:EAX = value, or #GP(0) when kvm_get_msr_common refuses it (x86.c kvm_emulate_rdmsr). */
    static final class Rdmsr extends BaseInstruction {
        Rdmsr() {
            super(2, "rdmsr");
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long msr = r.get(X86Registers.RCX) & 0xFFFF_FFFFL;
            Long v = cpu.vm().archState(X86Vm.class).rdmsr(cpu.vcpu(), msr);
            if (v == null) {
                return cpu.fault(String.format(Locale.ROOT, "#GP(0) (rdmsr 0x%x: KVM_MSR_RET_UNSUPPORTED, no CPUID feature bit or not emulated)", msr));
            }
            r.set(X86Registers.RAX, v & 0xFFFF_FFFFL);
            r.set(X86Registers.RDX, v >>> 32);
            return Cpu.NEXT;
        }
    }

    /** rdtsc: EDX:EAX = the virtual TSC. */
    static final class Rdtsc extends BaseInstruction {
        Rdtsc() {
            super(2, "rdtsc");
        }

        @Override
        public int execute(Cpu cpu) {
            long tsc = cpu.vm().archState(X86Vm.class).tsc(cpu.control().nowNanos());
            cpu.regs().set(X86Registers.RAX, tsc & 0xFFFF_FFFFL);
            cpu.regs().set(X86Registers.RDX, tsc >>> 32);
            return Cpu.NEXT;
        }
    }
}
