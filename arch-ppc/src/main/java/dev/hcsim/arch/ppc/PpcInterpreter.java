package dev.hcsim.arch.ppc;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.WordInstruction;

/**
 * The pre-decoded instructions of the PowerPC guest subset, as {@link PpcCodec} returns them. Each
 * record holds its decoded fields and its GNU objdump text; {@code execute} runs it on a vCPU.
 * Values are computed in 64 bits; effective addresses are cut to 32 bits outside 64-bit mode
 * (MSR[SF] on Book3S, MSR[CM] on BookE), as the Power ISA computes them.
 *
 * <p>Loads and stores in supervisor state to the mapped magic page reach the vCPU's
 * {@code kvm_vcpu_arch_shared} structure instead of memory ({@code arch/powerpc/kvm/powerpc.c
 * kvmppc_ld/kvmppc_st}, "Magic page override"); {@code sc} and {@code msgsnd} trap to the hypervisor.
 */
public final class PpcInterpreter {
    private PpcInterpreter() {
    }

    static PpcVm vm(Cpu cpu) {
        return (PpcVm) cpu.vm().archVm();
    }

    /** The effective address of a D-form access: (RA|0) + D, cut to 32 bits outside 64-bit mode. */
    static long effectiveAddress(Cpu cpu, PpcVm pv, int ra, long d) {
        RegisterFile r = cpu.regs();
        long ea = (ra == 0 ? 0 : r.get(ra)) + d;
        return pv.is64(r.get(PpcRegisters.MSR)) ? ea : ea & 0xFFFF_FFFFL;
    }

    /** addi / addis / li / lis: RT = (RA|0) + imm (imm already shifted for addis). */
    public record AddImmediate(int rt, int ra, long imm, String text) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            PpcEmitter.raOrZero(e, ra);
            e.constant(imm);
            e.add();
            e.set(rt);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            r.set(rt, (ra == 0 ? 0 : r.get(ra)) + imm);
            return Cpu.NEXT;
        }
    }

    /** ori / oris / nop: RA = RS | imm. */
    public record OrImmediate(int ra, int rs, long imm, String text) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            e.get(rs);
            e.constant(imm);
            e.or();
            e.set(ra);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            r.set(ra, r.get(rs) | imm);
            return Cpu.NEXT;
        }
    }

    /** or / mr: RA = RS | RB. */
    public record OrRegister(int ra, int rs, int rb, String text) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            e.get(rs);
            e.get(rb);
            e.or();
            e.set(ra);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            r.set(ra, r.get(rs) | r.get(rb));
            return Cpu.NEXT;
        }
    }

    /** rldicr / sldi / clrrdi: RA = ROTL64(RS, SH) &amp; MASK(0, ME). */
    public record RotateLeftClearRight(int ra, int rs, int sh, int me, String text) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            PpcEmitter.rotateLeftClearRight(e, ra, rs, sh, me);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long mask = -1L << (63 - me); // IBM bits 0..me
            r.set(ra, Long.rotateLeft(r.get(rs), sh) & mask);
            return Cpu.NEXT;
        }
    }

    /** cmpdi / cmpwi: CR field BF = LT/GT/EQ of (RA vs SI), signed, 64 or 32 bits. SO is 0 (no XER in the subset). */
    public record CompareImmediate(int bf, int ra, long imm, boolean doubleword, String text) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            PpcEmitter.compareImmediate(e, bf, ra, imm, doubleword);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            long a = doubleword ? r.get(ra) : (long) (int) r.get(ra);
            long bits = a < imm ? 8 : a > imm ? 4 : 2;
            int shift = 28 - 4 * bf;
            long cr = r.get(PpcRegisters.CR);
            r.set(PpcRegisters.CR, ((cr & ~(0xFL << shift)) | (bits << shift)) & 0xFFFF_FFFFL);
            return Cpu.NEXT;
        }
    }

    /** b / bl: PC = target (LR = PC + 4 for bl). */
    public record Branch(long target, boolean link, String text) implements WordInstruction {
        @Override
        public int effects() {
            return link ? EFFECTS_UNKNOWN : EFFECTS_REGISTERS; // bl reads the PC for LR
        }

        @Override
        public boolean emit(Emitter e) {
            PpcEmitter.branch(e, target, link);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            if (link) {
                r.set(PpcRegisters.LR, r.pc() + 4);
            }
            r.pc(target);
            return Cpu.JUMP;
        }
    }

    /** beq / bne: branch when CR bit BI is set (beq, BO = 12) or clear (bne, BO = 4). */
    public record BranchConditional(long target, int bi, boolean whenSet, String text) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            PpcEmitter.branchConditional(e, target, bi, whenSet);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            boolean set = ((r.get(PpcRegisters.CR) >>> (31 - bi)) & 1) != 0;
            if (set == whenSet) {
                r.pc(target);
                return Cpu.JUMP;
            }
            return Cpu.NEXT;
        }
    }

    /** blr / bctr: PC = LR or CTR with the low two bits cleared. */
    public record BranchToRegister(boolean toCtr, String text) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            r.pc(r.get(toCtr ? PpcRegisters.CTR : PpcRegisters.LR) & ~3L);
            return Cpu.JUMP;
        }
    }

    /** mtctr: CTR = RS. */
    public record MoveToCtr(int rs, String text) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            e.get(rs);
            e.set(PpcRegisters.CTR);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            cpu.regs().set(PpcRegisters.CTR, cpu.regs().get(rs));
            return Cpu.NEXT;
        }
    }

    /** lwz / ld: RT = zero-extended load of {@code size} bytes at (RA|0) + D. */
    public record Load(int rt, int ra, long d, int size, String text) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_READS_MEMORY;
        }

        @Override
        public int execute(Cpu cpu) {
            PpcVm pv = vm(cpu);
            long ea = effectiveAddress(cpu, pv, ra, d);
            RegisterFile r = cpu.regs();
            int off = pv.magicOffset(cpu.vcpu(), ea, size, r.get(PpcRegisters.MSR));
            long v = off >= 0 ? pv.magicRead(cpu.vcpu(), r, off, size) : cpu.memory().read(ea, size);
            r.set(rt, v);
            return Cpu.NEXT;
        }
    }

    /** stw / std: store the low {@code size} bytes of RS at (RA|0) + D. */
    public record Store(int rs, int ra, long d, int size, String text) implements WordInstruction {
        @Override
        public int effects() {
            return EFFECTS_WRITES_MEMORY;
        }

        @Override
        public int execute(Cpu cpu) {
            PpcVm pv = vm(cpu);
            long ea = effectiveAddress(cpu, pv, ra, d);
            RegisterFile r = cpu.regs();
            int off = pv.magicOffset(cpu.vcpu(), ea, size, r.get(PpcRegisters.MSR));
            if (off >= 0) {
                pv.magicWrite(cpu.vcpu(), r, off, size, r.get(rs));
            } else {
                cpu.memory().write(ea, size, r.get(rs));
            }
            return Cpu.NEXT;
        }
    }

    /** sc / sc LEV: the system call interrupt; {@link PpcVm#trap} decides what it means. */
    public record SystemCall(int lev, String text) implements WordInstruction {
        @Override
        public int execute(Cpu cpu) {
            return Cpu.TRAP;
        }
    }

    /** msgsnd RB: hypervisor-privileged on e500mc, so it traps and KVM emulates it ({@code e500_emulate.c}). */
    public record MessageSend(int rb, String text) implements WordInstruction {
        @Override
        public int execute(Cpu cpu) {
            return Cpu.TRAP;
        }
    }

    /**
     * mfspr RT,PIR: the vCPU's id ({@code arch/powerpc/kvm/emulate.c kvmppc_emulate_mfspr}: {@code case SPRN_PIR:
     * vcpu->vcpu_id}). PIR is SPR 1023 on Book3S and SPR 286 on BookE; the other number is an unknown SPR there,
     * which Book3S PR answers with 0 in supervisor state ({@code book3s_emulate.c}, "invalid SPR read") and BookE
     * refuses with a program interrupt. Privileged: problem state gets a program interrupt.
     */
    public record MoveFromPir(int rt, int spr, String text) implements WordInstruction {
        @Override
        public int execute(Cpu cpu) {
            RegisterFile r = cpu.regs();
            if ((r.get(PpcRegisters.MSR) & PpcRegisters.MSR_PR) != 0) {
                return cpu.fault("program interrupt: mfspr " + spr + " is privileged (MSR[PR] = 1)");
            }
            PpcHost host = vm(cpu).host();
            if (spr == (host.bookE() ? PpcCodec.SPR_PIR_BOOKE : PpcCodec.SPR_PIR_BOOK3S)) {
                r.set(rt, cpu.vm().vcpuId(cpu.vcpu()));
            } else if (!host.bookE()) {
                r.set(rt, 0);
            } else {
                return cpu.fault("program interrupt: SPR " + spr + " is not PIR on BookE");
            }
            return Cpu.NEXT;
        }
    }

    /** tdi 0,RA,SI: TO = 0 never traps, which is why QEMU's endian-neutral fallback starts with it. */
    public record TrapNever(String text) implements WordInstruction {
        @Override
        public int execute(Cpu cpu) {
            return Cpu.NEXT;
        }
    }
}
