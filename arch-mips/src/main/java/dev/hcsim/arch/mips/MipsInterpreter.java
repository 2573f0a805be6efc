package dev.hcsim.arch.mips;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.Instruction;
import java.util.Locale;

/**
 * The pre-decoded instructions of the MIPS64 guest subset, as {@link MipsCodec} returns them, and
 * their execution on a {@link Cpu}. Branches execute their delay slot themselves, as the hardware
 * does; a HYPCALL or SYSCALL in a delay slot traps with Cause.BD set and the PC on the branch, which
 * is what KVM sees (arch/mips/kvm/vz.c kvm_trap_vz_handle_hc).
 */
public final class MipsInterpreter {
    private MipsInterpreter() {
    }

    /**
     * The guest physical address of guest virtual address {@code va}. There is no TLB in the
     * simulator: kseg0 / kseg1 drop their segment bits, xkphys drops its cache-attribute bits, and
     * every other address (useg, xuseg) is identity-mapped.
     * @param va the guest virtual address (sign-extended 64-bit)
     * @return the guest physical address it maps to
     */
    public static long physical(long va) {
        long top = va >>> 29;
        if (top == 0x7_FFFF_FFFCL || top == 0x7_FFFF_FFFDL) {
            return va & 0x1FFF_FFFFL; // kseg0, kseg1
        }
        if ((va >>> 62) == 2) {
            return va & 0x07FF_FFFF_FFFF_FFFFL; // xkphys
        }
        return va;
    }

    /** Common part: a 4-byte word and its GNU objdump text. */
    abstract static class Op implements Instruction {
        final int word;
        final String text;

        Op(int word, String text) {
            this.word = word;
            this.text = text;
        }

        @Override
        public final int length() {
            return 4;
        }

        @Override
        public final String text() {
            return text;
        }

        /**
         * Whether this is one of the plain instructions that always emit their code (what a branch's delay slot may be
         * for the branch to emit).
         * @return true for lui, the immediate forms, the shifts, or and nop
         */
        boolean plain() {
            return false;
        }

        /** May this instruction sit in a branch delay slot? */
        String delaySlotProblem() {
            return null;
        }
    }

    static final class Nop extends Op {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        Nop(int w, String t) {
            super(w, t);
        }

        @Override
        boolean plain() {
            return true;
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

    /** lui: rt = sign-extended imm << 16. */
    static final class Lui extends Op {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        private final int rt;
        private final long value;

        Lui(int w, String t, int rt, int imm) {
            super(w, t);
            this.rt = rt;
            this.value = (long) (imm << 16);
        }

        @Override
        boolean plain() {
            return true;
        }

        @Override
        public boolean emit(Emitter e) {
            e.constant(value);
            e.set(rt);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            cpu.regs().set(rt, value);
            return Cpu.NEXT;
        }
    }

    /** ori, andi (zero-extended immediate), addiu (32-bit, sign-extended), daddiu (64-bit). */
    static final class Immediate extends Op {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        static final int ORI = 0;
        static final int ANDI = 1;
        static final int ADDIU = 2;
        static final int DADDIU = 3;
        private final int kind;
        private final int rt;
        private final int rs;
        private final long imm;

        Immediate(int w, String t, int kind, int rt, int rs, long imm) {
            super(w, t);
            this.kind = kind;
            this.rt = rt;
            this.rs = rs;
            this.imm = imm;
        }

        @Override
        boolean plain() {
            return true;
        }

        @Override
        public boolean emit(Emitter e) {
            MipsEmitter.immediate(e, kind, rt, rs, imm);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long s = r.get(rs);
            long v = switch (kind) {
                case ORI -> s | imm;
                case ANDI -> s & imm;
                case ADDIU -> (long) (int) (s + imm);
                default -> s + imm;
            };
            r.set(rt, v);
            return Cpu.NEXT;
        }
    }

    /** dsll / dsll32 / dsrl / dsrl32, with the shift amount already including the 32. */
    static final class Shift extends Op {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        private final boolean left;
        private final int rd;
        private final int rt;
        private final int amount;

        Shift(int w, String t, boolean left, int rd, int rt, int amount) {
            super(w, t);
            this.left = left;
            this.rd = rd;
            this.rt = rt;
            this.amount = amount;
        }

        @Override
        boolean plain() {
            return true;
        }

        @Override
        public boolean emit(Emitter e) {
            e.get(rt);
            e.constant(amount);
            if (left) {
                e.shl();
            } else {
                e.ushr();
            }
            e.set(rd);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long v = r.get(rt);
            r.set(rd, left ? v << amount : v >>> amount);
            return Cpu.NEXT;
        }
    }

    /** or rd, rs, rt (move is or with rt = zero). */
    static final class Or extends Op {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        private final int rd;
        private final int rs;
        private final int rt;

        Or(int w, String t, int rd, int rs, int rt) {
            super(w, t);
            this.rd = rd;
            this.rs = rs;
            this.rt = rt;
        }

        @Override
        boolean plain() {
            return true;
        }

        @Override
        public boolean emit(Emitter e) {
            e.get(rs);
            e.get(rt);
            e.or();
            e.set(rd);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            r.set(rd, r.get(rs) | r.get(rt));
            return Cpu.NEXT;
        }
    }

    /** beq / bne (and b, beqz, bnez): the condition is read first, then the delay slot runs, then the PC moves. */
    static final class Branch extends Op {
        private final boolean notEqual;
        private final int rs;
        private final int rt;
        private final long offset;
        private final MipsCodec codec;
        private int slotWord;
        private Op slot;

        Branch(int w, String t, boolean notEqual, int rs, int rt, int imm, MipsCodec codec) {
            super(w, t);
            this.notEqual = notEqual;
            this.rs = rs;
            this.rt = rt;
            this.offset = ((long) imm) << 2;
            this.codec = codec;
        }

        @Override
        String delaySlotProblem() {
            return "a branch in a branch delay slot is UNPREDICTABLE (MIPS64 ISA)";
        }

        /** True when the branch is taken with the registers as they are. */
        boolean taken(RegisterFile r) {
            return (r.get(rs) == r.get(rt)) != notEqual;
        }

        long target(long pc) {
            return pc + 4 + offset;
        }

        @Override
        public boolean emit(Emitter e) {
            return MipsEmitter.branch(e, notEqual, rs, rt, offset);
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long pc = r.pc();
            long next = taken(r) ? target(pc) : pc + 8;
            int w = (int) cpu.memory().read32(pc + 4);
            Op s = slot;
            if (s == null || slotWord != w) {
                Instruction d = codec.decodeWord(w, pc + 4);
                if (!(d instanceof Op)) {
                    return d.execute(cpu); // not in the subset: the fault names the slot's address
                }
                s = (Op) d;
                slot = s;
                slotWord = w;
            }
            String problem = s.delaySlotProblem();
            if (problem != null) {
                return cpu.fault(String.format(Locale.ROOT, "%s in the delay slot at 0x%x: %s", s.text(), pc + 4, problem));
            }
            if (s instanceof Trapping) {
                // The exception is taken with Cause.BD set and EPC on the branch; KVM emulates the branch.
                r.set(MipsRegisters.BD, 1);
                return Cpu.TRAP;
            }
            int signal = s.execute(cpu);
            if (signal != Cpu.NEXT) {
                return signal;
            }
            r.pc(next);
            return Cpu.JUMP;
        }
    }

    /** ld, lw, lb (sign-extending) and sd, sw, sb at base + offset, naturally aligned. */
    static final class Memory extends Op {
        private final boolean store;
        private final int size;
        private final int rt;
        private final int base;
        private final long offset;

        Memory(int w, String t, boolean store, int size, int rt, int base, int offset) {
            super(w, t);
            this.store = store;
            this.size = size;
            this.rt = rt;
            this.base = base;
            this.offset = offset;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long va = r.get(base) + offset;
            if ((va & (size - 1)) != 0) {
                return cpu.fault(String.format(Locale.ROOT, "address error (%s): 0x%x is not %d-byte aligned", store ? "AdES" : "AdEL", va, size));
            }
            long pa = physical(va);
            MemoryAccess m = cpu.memory();
            if (store) {
                m.write(pa, size, r.get(rt));
            } else {
                long v = m.read(pa, size);
                r.set(rt, switch (size) {
                    case 1 -> (long) (byte) v;
                    case 4 -> (long) (int) v;
                    default -> v;
                });
            }
            return Cpu.NEXT;
        }
    }

    /** An instruction that traps to the host (hypcall) or to the guest kernel (syscall). */
    static final class Trapping extends Op {
        final int code;

        Trapping(int w, String t, int code) {
            super(w, t);
            this.code = code;
        }

        @Override
        public int execute(Cpu cpu) {
            cpu.regs().set(MipsRegisters.BD, 0);
            return Cpu.TRAP;
        }
    }

    /** wait: halt until an interrupt. */
    static final class Wait extends Op {
        Wait(int w, String t) {
            super(w, t);
        }

        @Override
        String delaySlotProblem() {
            return "WAIT in a branch delay slot is UNDEFINED (MIPS64 ISA)";
        }

        @Override
        public int execute(Cpu cpu) {
            return Cpu.HALT;
        }
    }

    /** mfc0 rt, c0_ebase: the sign-extended 32-bit EBase, whose bits 9..0 are the CPU number. */
    static final class MfEbase extends Op {
        private final int rt;

        MfEbase(int w, String t, int rt) {
            super(w, t);
            this.rt = rt;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            r.set(rt, (long) (int) r.get(MipsRegisters.EBASE));
            return Cpu.NEXT;
        }
    }
}
