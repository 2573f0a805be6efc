package dev.hcsim.arch.arm64;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.WordInstruction;

/**
 * The pre-decoded A64 instructions of the guest subset. {@link Arm64Codec#decode} builds them once
 * per address; {@link Instruction#execute} runs them on a vCPU. Register operands are layout indices
 * (field value 31 already mapped to {@code sp} or {@code xzr}); a 32-bit (W) write zeroes bits 63:32
 * as A64 requires.
 */
public final class Arm64Interpreter {
    private static final long M32 = 0xFFFF_FFFFL;

    private Arm64Interpreter() {
    }

    static long read(RegisterFile r, int reg, boolean sf) {
        long v = r.get(reg);
        return sf ? v : v & M32;
    }

    static void write(RegisterFile r, int reg, long v, boolean sf) {
        r.set(reg, sf ? v : v & M32);
    }

    /**
     * True when condition {@code cond} (A64 encoding, 0..15) holds for the flags in {@code nzcv}.
     * @param cond the condition field (EQ = 0 ... AL = 14, NV = 15)
     * @param nzcv the PSTATE flags, N Z C V in bits 31..28
     * @return whether a conditional instruction with {@code cond} executes
     */
    public static boolean conditionHolds(int cond, long nzcv) {
        boolean n = (nzcv & (1L << 31)) != 0;
        boolean z = (nzcv & (1L << 30)) != 0;
        boolean c = (nzcv & (1L << 29)) != 0;
        boolean v = (nzcv & (1L << 28)) != 0;
        boolean r = switch (cond >> 1) {
            case 0 -> z;
            case 1 -> c;
            case 2 -> n;
            case 3 -> v;
            case 4 -> c && !z;
            case 5 -> n == v;
            case 6 -> n == v && !z;
            default -> true;
        };
        // Odd conditions negate, except 0b1111 (nv), which like al always holds.
        return (cond & 1) != 0 && cond != 15 ? !r : r;
    }

    /** MOVZ / MOVN / MOVK (and their MOV aliases). */
    record MoveWide(String text, int rd, boolean sf, int opc, long imm16, int shift) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            Arm64Emitter.moveWide(e, rd, sf, opc, imm16, shift);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long imm = imm16 << shift;
            long v = switch (opc) {
                case 0 -> ~imm;
                case 2 -> imm;
                default -> (r.get(rd) & ~(0xFFFFL << shift)) | imm;
            };
            write(r, rd, v, sf);
            return Cpu.NEXT;
        }
    }

    /** ADD / ADDS / SUB / SUBS (immediate), with the CMP, CMN and MOV (to or from SP) aliases. */
    record AddSubImmediate(String text, boolean sf, boolean sub, boolean setFlags, int rd, int rn, long imm) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            Arm64Emitter.read(e, rn, sf);
            e.constant(imm);
            Arm64Emitter.addSub(e, sf, sub, setFlags, rd);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            addSub(r, sf, sub, setFlags, rd, read(r, rn, sf), imm);
            return Cpu.NEXT;
        }
    }

    /** ADD / ADDS / SUB / SUBS (shifted register, no shift), with the CMP and CMN aliases. */
    record AddSubRegister(String text, boolean sf, boolean sub, boolean setFlags, int rd, int rn, int rm) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            Arm64Emitter.read(e, rn, sf);
            Arm64Emitter.read(e, rm, sf);
            Arm64Emitter.addSub(e, sf, sub, setFlags, rd);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            addSub(r, sf, sub, setFlags, rd, read(r, rn, sf), read(r, rm, sf));
            return Cpu.NEXT;
        }
    }

    /** rd = a + b or a - b in 64 or 32 bits, setting NZCV as ADDS/SUBS do when asked. */
    static void addSub(RegisterFile r, boolean sf, boolean sub, boolean setFlags, int rd, long a, long imm) {
        long result;
        if (sf) {
            result = sub ? a - imm : a + imm;
            if (setFlags) {
                boolean c = sub ? Long.compareUnsigned(a, imm) >= 0 : Long.compareUnsigned(result, a) < 0;
                boolean v = sub ? ((a ^ imm) & (a ^ result)) < 0 : ((a ^ result) & (imm ^ result)) < 0;
                flags(r, result < 0, result == 0, c, v);
            }
        } else {
            int x = (int) a;
            int y = (int) imm;
            int res = sub ? x - y : x + y;
            if (setFlags) {
                boolean c = sub ? Integer.compareUnsigned(x, y) >= 0 : Integer.compareUnsigned(res, x) < 0;
                boolean v = sub ? ((x ^ y) & (x ^ res)) < 0 : ((x ^ res) & (y ^ res)) < 0;
                flags(r, res < 0, res == 0, c, v);
            }
            result = res & M32;
        }
        write(r, rd, result, sf);
    }

    private static void flags(RegisterFile r, boolean n, boolean z, boolean c, boolean v) {
        r.set(Arm64Registers.NZCV, (n ? 1L << 31 : 0) | (z ? 1L << 30 : 0) | (c ? 1L << 29 : 0) | (v ? 1L << 28 : 0));
    }

    /** MOV (register): ORR rd, zr, rm. */
    record MoveRegister(String text, boolean sf, int rd, int rm) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            Arm64Emitter.read(e, rm, sf);
            Arm64Emitter.write(e, rd, sf);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            write(r, rd, read(r, rm, sf), sf);
            return Cpu.NEXT;
        }
    }

    /** B and B.cond; {@code cond} is -1 for the unconditional branch. */
    record Branch(String text, int cond, long target) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            Arm64Emitter.branch(e, cond, target);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            if (cond < 0 || conditionHolds(cond, r.get(Arm64Registers.NZCV))) {
                r.pc(target);
                return Cpu.JUMP;
            }
            return Cpu.NEXT;
        }
    }

    /** CBZ / CBNZ. */
    record CompareBranch(String text, boolean sf, boolean nonZero, int rt, long target) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            Arm64Emitter.compareBranch(e, sf, nonZero, rt, target);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            if ((read(r, rt, sf) != 0) == nonZero) {
                r.pc(target);
                return Cpu.JUMP;
            }
            return Cpu.NEXT;
        }
    }

    /** LDR/STR (and the B and H forms), unsigned scaled immediate offset; {@code size} is log2 of the access. */
    record LoadStore(String text, boolean load, int size, int rt, int rn, long offset) implements WordInstruction {
        @Override
        public int effects() {
            return load ? EFFECTS_READS_MEMORY : EFFECTS_WRITES_MEMORY;
        }

        @Override
        public boolean emit(Emitter e) {
            Arm64Emitter.loadStore(e, load, size, rt, rn, offset);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long address = r.get(rn) + offset;
            if (load) {
                r.set(rt, cpu.memory().read(address, 1 << size));
            } else {
                cpu.memory().write(address, 1 << size, r.get(rt));
            }
            return Cpu.NEXT;
        }
    }

    /** HVC and SMC: the engine takes the trap ({@link Arm64Vm#trap}). */
    record Trap(String text) implements WordInstruction {
        @Override
        public int execute(Cpu cpu) {
            return Cpu.TRAP;
        }
    }

    /** WFI: wait for interrupt. */
    record WaitForInterrupt(String text) implements WordInstruction {
        @Override
        public int execute(Cpu cpu) {
            return Cpu.HALT;
        }
    }

    /** NOP. */
    record Nop(String text) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            return Cpu.NEXT;
        }
    }

    /**
     * MSR ICC_SGI1R_EL1, xt: the GICv3 way one vCPU interrupts others (arm64 KVM has no PV IPI call).
     * KVM traps the write and vgic_v3_dispatch_sgi (arch/arm64/kvm/vgic/vgic-mmio-v3.c) sends SGI
     * INTID bits 27:24 to the vCPUs whose affinity is Aff3.Aff2.Aff1 (bits 55:48, 39:32, 23:16) with
     * Aff0 = RS * 16 + each set bit of TargetList (bits 15:0, RS bits 47:44), or with IRM (bit 40) to
     * every vCPU but the sender; a halted (WFI, CPU_SUSPEND) target wakes up.
     */
    record SendSgi(String text, int rt) implements WordInstruction {
        @Override
        public int execute(Cpu cpu) {
            dev.hcsim.core.VcpuControl control = cpu.control();
            if (control == null) {
                return Cpu.NEXT; // no scheduler behind this vCPU: nobody to interrupt
            }
            long v = cpu.regs().get(rt);
            int intid = (int) (v >>> 24) & 0xF;
            dev.hcsim.core.spi.VmContext vm = cpu.vm();
            if ((v & (1L << 40)) != 0) {
                for (int i = 0; i < vm.vcpuCount(); i++) {
                    if (i != cpu.vcpu()) {
                        control.interrupt(i, intid);
                    }
                }
                return Cpu.NEXT;
            }
            long upper = ((v >>> 48) & 0xFF) << 32 | ((v >>> 32) & 0xFF) << 16 | ((v >>> 16) & 0xFF) << 8;
            long rs = (v >>> 44) & 0xF;
            for (int b = 0; b < 16; b++) {
                if ((v & (1L << b)) != 0) {
                    int target = vm.vcpuIndex(upper | (rs * 16 + b));
                    if (target >= 0) {
                        control.interrupt(target, intid);
                    }
                }
            }
            return Cpu.NEXT;
        }
    }

    /** MRS xt, MPIDR_EL1: how a guest finds its own affinity. */
    record ReadMpidr(String text, int rt) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            e.get(Arm64Registers.MPIDR);
            e.set(rt);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            r.set(rt, r.get(Arm64Registers.MPIDR));
            return Cpu.NEXT;
        }
    }
}
