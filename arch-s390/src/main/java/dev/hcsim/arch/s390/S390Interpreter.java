package dev.hcsim.arch.s390;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.BaseInstruction;
import dev.hcsim.core.spi.Instruction;

/**
 * The pre-decoded instructions of the s390x guest subset and how they execute. The codec builds
 * them; the standalone engine calls {@link Instruction#execute}. Storage operands are real
 * addresses (DAT off) and go through prefixing, as the vCPU sees its own lowcore at real 0.
 *
 * <p>Intercepted instructions (DIAGNOSE, SIGP, STSI, LPSWE of a wait PSW, and any privileged
 * instruction in problem state) answer {@link Cpu#TRAP}: the trap gate in {@link S390Vm} handles
 * them as KVM does.
 */
public final class S390Interpreter {
    private S390Interpreter() {
    }

    /** Mnemonics of BRANCH RELATIVE ON CONDITION by mask, as GNU objdump prints them (binutils opcodes/s390-opc.txt). */
    static final String[] BRANCH_MNEMONICS = {"jnop", "jo", "jh", "jnle", "jl", "jnhe", "jlh", "jne", "je", "jnlh", "jhe", "jnl",
        "jle", "jnh", "jno", "j"};

    static String reg(int r) {
        return "%r" + r;
    }

    /** D2(X2,B2) as objdump prints it: {@code d}, {@code d(%rB)} or {@code d(%rX,%rB)}. */
    static String addressRx(long d, int x, int b) {
        if (x == 0 && b == 0) {
            return Long.toString(d);
        }
        if (x == 0) {
            return d + "(" + reg(b) + ")";
        }
        return d + "(" + reg(x) + "," + reg(b) + ")";
    }

    /** D2(B2) as objdump prints it. */
    static String addressRs(long d, int b) {
        return b == 0 ? Long.toString(d) : d + "(" + reg(b) + ")";
    }

    /** The effective real address D2(X2,B2): register 0 as index or base means "none". */
    static long effective(RegisterFile r, long d, int x, int b) {
        long a = d;
        if (x != 0) {
            a += r.get(x);
        }
        if (b != 0) {
            a += r.get(b);
        }
        return a;
    }

    /** The absolute address of real address {@code real} on this vCPU. */
    static long absolute(RegisterFile r, long real) {
        return S390Registers.realToAbsolute(real, r.get(S390Registers.PREFIX));
    }

    static boolean problemState(RegisterFile r) {
        return (r.get(S390Registers.PSWM) & S390Registers.PSW_MASK_PSTATE) != 0;
    }

    static void setCc(RegisterFile r, int cc) {
        r.set(S390Registers.PSWM, S390Registers.withCc(r.get(S390Registers.PSWM), cc));
    }

    /** Condition code of a signed comparison: 0 equal, 1 first low, 2 first high. */
    static int compareCc(long a, long b) {
        return a == b ? 0 : a < b ? 1 : 2;
    }

    /** Condition code of a signed 64-bit addition: 0 zero, 1 negative, 2 positive, 3 overflow. */
    static int addCc(long a, long b, long sum) {
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return 3;
        }
        return sum == 0 ? 0 : sum < 0 ? 1 : 2;
    }

    /** Register-immediate forms: LGHI, AGHI, CGHI, LGFI, AGFI, LLIHF, IIHF, IILF. */
    static final class Immediate extends BaseInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        enum Op { LGHI, AGHI, CGHI, LGFI, AGFI, LLIHF, IIHF, IILF }

        private final Op op;
        private final int r1;
        private final long imm;

        Immediate(Op op, int r1, long imm, int length, String text) {
            super(length, text);
            this.op = op;
            this.r1 = r1;
            this.imm = imm;
        }

        @Override
        public boolean emit(Emitter e) {
            switch (op) {
                case LGHI, LGFI -> {
                    e.constant(imm);
                    e.set(r1);
                }
                case AGHI, AGFI -> {
                    e.get(r1);
                    e.constant(imm);
                    S390Emitter.addSubtract(e, r1, false);
                }
                case CGHI -> {
                    e.get(r1);
                    e.constant(imm);
                    S390Emitter.compareCc(e);
                    S390Emitter.setCc(e);
                }
                case LLIHF -> {
                    e.constant(imm << 32);
                    e.set(r1);
                }
                case IIHF -> {
                    e.get(r1);
                    e.zeroExtend(32);
                    e.constant(imm << 32);
                    e.or();
                    e.set(r1);
                }
                case IILF -> {
                    e.get(r1);
                    e.constant(0xFFFF_FFFF_0000_0000L);
                    e.and();
                    e.constant(imm & 0xFFFF_FFFFL);
                    e.or();
                    e.set(r1);
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long v = r.get(r1);
            switch (op) {
                case LGHI, LGFI -> r.set(r1, imm);
                case AGHI, AGFI -> {
                    long sum = v + imm;
                    r.set(r1, sum);
                    setCc(r, addCc(v, imm, sum));
                }
                case CGHI -> setCc(r, compareCc(v, imm));
                case LLIHF -> r.set(r1, imm << 32);
                case IIHF -> r.set(r1, (v & 0xFFFF_FFFFL) | (imm << 32));
                case IILF -> r.set(r1, (v & 0xFFFF_FFFF_0000_0000L) | (imm & 0xFFFF_FFFFL));
                default -> {
                }
            }
            return Cpu.NEXT;
        }
    }

    /** Register-register forms: LGR, CGR, SGR. */
    static final class RegReg extends BaseInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        enum Op { LGR, CGR, SGR }

        private final Op op;
        private final int r1;
        private final int r2;

        RegReg(Op op, int r1, int r2, String text) {
            super(4, text);
            this.op = op;
            this.r1 = r1;
            this.r2 = r2;
        }

        @Override
        public boolean emit(Emitter e) {
            e.get(r1);
            e.get(r2);
            switch (op) {
                case CGR -> {
                    S390Emitter.compareCc(e);
                    S390Emitter.setCc(e);
                }
                case SGR -> S390Emitter.addSubtract(e, r1, true);
                default -> {
                    e.set(r1);
                    e.pop();
                }
            }
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long a = r.get(r1);
            long b = r.get(r2);
            switch (op) {
                case CGR -> setCc(r, compareCc(a, b));
                case SGR -> {
                    long d = a - b;
                    r.set(r1, d);
                    // SUBTRACT: cc 3 on signed overflow, else by the sign of the result
                    setCc(r, ((a ^ b) & (a ^ d)) < 0 ? 3 : d == 0 ? 0 : d < 0 ? 1 : 2);
                }
                default -> r.set(r1, b);
            }
            return Cpu.NEXT;
        }
    }

    /** BRANCH RELATIVE ON CONDITION (brc, j, jne, je, ...): taken when mask bit {@code 8 >> cc} is set. */
    static final class Branch extends BaseInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        private final int mask;
        private final long target;
        private final long address;

        Branch(int mask, long target, long address, String text) {
            super(4, text);
            this.mask = mask;
            this.target = target;
            this.address = address;
        }

        @Override
        public boolean emit(Emitter e) {
            S390Emitter.branch(e, mask, target, address);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            int cc = S390Registers.cc(r.get(S390Registers.PSWM));
            if ((mask & (8 >> cc)) != 0) {
                r.set(S390Registers.BEAR, address); // a successful branch sets the breaking-event address (PoP): its own
                r.pc(target);
                return Cpu.JUMP;
            }
            return Cpu.NEXT;
        }
    }

    /** Loads and stores: LG, STG (RXY, 64 bits), L, ST (RX, low 32 bits). */
    static final class Storage extends BaseInstruction {
        @Override
        public int effects() {
            return store ? EFFECTS_WRITES_MEMORY : EFFECTS_READS_MEMORY;
        }

        private final boolean store;
        private final int size;
        private final int r1;
        private final int x2;
        private final int b2;
        private final long d2;

        Storage(boolean store, int size, int r1, int x2, int b2, long d2, int length, String text) {
            super(length, text);
            this.store = store;
            this.size = size;
            this.r1 = r1;
            this.x2 = x2;
            this.b2 = b2;
            this.d2 = d2;
        }

        @Override
        public boolean emit(Emitter e) {
            S390Emitter.absolute(e, d2, x2, b2);
            if (store) {
                e.get(r1);
                e.write(size);
            } else if (size == 8) {
                e.read(8);
                e.set(r1);
            } else {
                // L replaces bits 32-63 only; bits 0-31 of the register are unchanged.
                e.read(4);
                e.get(r1);
                e.constant(0xFFFF_FFFF_0000_0000L);
                e.and();
                e.or();
                e.set(r1);
            }
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long abs = absolute(r, effective(r, d2, x2, b2));
            MemoryAccess m = cpu.memory();
            if (store) {
                m.write(abs, size, r.get(r1));
            } else if (size == 8) {
                r.set(r1, m.read64(abs));
            } else {
                // L replaces bits 32-63 only; bits 0-31 of the register are unchanged.
                r.set32KeepUpper(r1, m.read32(abs));
            }
            return Cpu.NEXT;
        }
    }

    /** STORE CPU ADDRESS: the 16-bit CPU address at the operand; privileged. */
    static final class StoreCpuAddress extends BaseInstruction {
        private final int b2;
        private final long d2;

        StoreCpuAddress(int b2, long d2, String text) {
            super(4, text);
            this.b2 = b2;
            this.d2 = d2;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            if (problemState(r)) {
                return Cpu.TRAP;
            }
            cpu.memory().write(absolute(r, effective(r, d2, 0, b2)), 2, cpu.vm().vcpuId(cpu.vcpu()));
            return Cpu.NEXT;
        }
    }

    /**
     * STORE CLOCK (the TOD clock, bit 51 = 1 microsecond, cc 0) and STORE CPU TIMER (privileged). The
     * guest's CPU timer runs only while the vCPU is on a physical CPU (KVM's cputm accounting,
     * arch/s390/kvm/kvm-s390.c kvm_s390_get_cpu_timer), so elapsed TOD minus elapsed CPU time is the
     * steal time Linux accounts (arch/s390/kernel/vtime.c do_account_vtime).
     */
    static final class StoreClock extends BaseInstruction {
        private final boolean cpuTimer;
        private final int b2;
        private final long d2;

        StoreClock(boolean cpuTimer, int b2, long d2, String text) {
            super(4, text);
            this.cpuTimer = cpuTimer;
            this.b2 = b2;
            this.d2 = d2;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            if (cpuTimer && problemState(r)) {
                return Cpu.TRAP;
            }
            long now = cpu.control().nowNanos();
            S390Vm vm = cpu.vm().archState(S390Vm.class);
            long value = cpuTimer ? vm.cpuTimer(cpu.vcpu(), now) : vm.todClock(now);
            cpu.memory().write(absolute(r, effective(r, d2, 0, b2)), 8, value);
            if (!cpuTimer) {
                setCc(r, 0);
            }
            return Cpu.NEXT;
        }
    }

    /**
     * LOAD PSW EXTENDED: loads the 16-byte PSW at the operand. A wait PSW is intercepted (KVM's wait
     * state intercept, arch/s390/kvm/intercept.c handle_wait / interrupt.c kvm_s390_handle_wait), as
     * is the instruction in problem state; otherwise the PSW is loaded here.
     */
    static final class LoadPsw extends BaseInstruction {
        private final int b2;
        private final long d2;

        LoadPsw(int b2, long d2, String text) {
            super(4, text);
            this.b2 = b2;
            this.d2 = d2;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            if (problemState(r)) {
                return Cpu.TRAP;
            }
            long abs = absolute(r, effective(r, d2, 0, b2));
            long mask = cpu.memory().read64(abs);
            long addr = cpu.memory().read64(abs + 8);
            if ((mask & S390Registers.PSW_MASK_WAIT) != 0) {
                return Cpu.TRAP;
            }
            r.set(S390Registers.BEAR, r.pc()); // LPSWE sets the breaking-event address (LPSWEY would not)
            r.set(S390Registers.PSWM, mask);
            r.pc(addr);
            return Cpu.JUMP;
        }
    }

}
