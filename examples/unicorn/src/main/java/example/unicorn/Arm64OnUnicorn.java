package example.unicorn;

import dev.hcsim.core.RegisterLayout;
import java.util.Map;

/**
 * arm64 on Unicorn ({@code UC_ARCH_ARM64}): the default CPU has no EL2, so {@code hvc} (and {@code smc}) are
 * UNDEFINED and reach {@code UC_HOOK_INTR} with intno 1 ({@code EXCP_UDEF}) and the PC on the instruction, with no
 * syndrome written; hcsim decodes the word at the PC itself. {@code wfi} ends a Unicorn run without a hook (as x86's
 * {@code hlt} does), so the loop's code hook turns it into a halt before it runs; {@code mrs xN, mpidr_el1} reads the engine's one CPU (0x80000000), so the hook answers it
 * with the vCPU's own MPIDR_EL1, as KVM's reset_mpidr gives each vCPU; {@code msr icc_sgi1r_el1} sends the SGI through the loop
 * (Unicorn's CPU has no GIC).
 */
final class Arm64OnUnicorn extends UcArch {
    private static final int UC_ARM64_REG_X0 = 199; // x0..x28 are 199..227
    private static final int UC_ARM64_REG_X29 = 1;
    private static final int UC_ARM64_REG_X30 = 2;
    private static final int UC_ARM64_REG_SP = 4;
    private static final int UC_ARM64_REG_NZCV = 3;
    private static final int UC_ARM64_REG_PC = 260;
    private static final int UC_ARM64_REG_PSTATE = 265;
    private static final int UC_ARM64_REG_ELR_EL1 = 267;
    private static final int UC_ARM64_REG_ESR_EL1 = 277;
    private static final int UC_ARM64_REG_VBAR_EL1 = 287;
    private static final int UC_ARM64_REG_CP_REG = 290;
    /** PSTATE of an exception taken to EL1h: D, A, I, F masked, EL1, SP_EL1 (Arm ARM D1.10, "Exception entry"). */
    private static final long PSTATE_EL1H_MASKED = 0x3C5;
    /** The vector of a synchronous exception from the current EL with SP_ELx (Arm ARM D1.10.2). */
    private static final long VECTOR_CURRENT_SPX_SYNC = 0x200;
    private static final int WFI = 0xD503207F;
    private static final int MRS_MPIDR = 0xD53800A0; // mrs xN, mpidr_el1 with Rt = 0
    private static final int MSR_ICC_SGI1R = 0xD518CBA0; // msr icc_sgi1r_el1, xN (S3_0_C12_C11_5) with Rt = 0

    private int sp = -1;
    private int xzr;
    private int nzcv;
    private int mpidr;

    Arm64OnUnicorn() {
        super("arm64", "arm64", Map.of(), UnicornLibrary.UC_ARCH_ARM64, UnicornLibrary.UC_MODE_LITTLE_ENDIAN);
    }

    private void resolve(RegisterLayout layout) {
        if (sp < 0) {
            xzr = layout.require("xzr");
            nzcv = layout.require("nzcv");
            mpidr = layout.require("mpidr_el1");
            sp = layout.require("sp");
        }
    }

    private static int uc(int reg) {
        return reg <= 28 ? UC_ARM64_REG_X0 + reg : reg == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30;
    }



    @Override
    long get(UcRegisters r, int reg) {
        resolve(r.layout);
        if (reg <= 30) {
            return r.u.reg(uc(reg));
        }
        if (reg == sp) {
            return r.u.reg(UC_ARM64_REG_SP);
        }
        if (reg == xzr) {
            return 0;
        }
        if (reg == nzcv) {
            return r.u.reg(UC_ARM64_REG_NZCV);
        }
        return r.shadow[reg]; // el, mpidr_el1, nrw, thumb: the reset values hcsim put there (EL1h AArch64)
    }

    @Override
    void set(UcRegisters r, int reg, long value) {
        resolve(r.layout);
        if (reg <= 30) {
            r.u.reg(uc(reg), value);
        } else if (reg == sp) {
            r.u.reg(UC_ARM64_REG_SP, value);
        } else if (reg == nzcv) {
            r.u.reg(UC_ARM64_REG_NZCV, value);
        } else if (reg != xzr) {
            r.shadow[reg] = value;
        }
    }

    @Override
    int pcRegister() {
        return UC_ARM64_REG_PC;
    }

    @Override
    Guest guestInstruction(UcRegisters r, long pc, byte[] insn) {
        int w = (insn[0] & 0xFF) | (insn[1] & 0xFF) << 8 | (insn[2] & 0xFF) << 16 | (insn[3] & 0xFF) << 24;
        if (w == WFI) {
            r.pc(pc + 4);
            return Guest.WAIT;
        }
        if ((w & ~0x1F) == MSR_ICC_SGI1R) {
            sendSgi(r, (w & 0x1F) == 31 ? 0 : r.u.reg(uc(w & 0x1F)));
            r.pc(pc + 4);
            return Guest.EMULATED;
        }
        if ((w & ~0x1F) == MRS_MPIDR) {
            resolve(r.layout);
            int rt = w & 0x1F;
            if (rt != 31) {
                r.u.reg(uc(rt), r.shadow[mpidr]);
            }
            r.pc(pc + 4);
            return Guest.EMULATED;
        }
        return Guest.OWN;
    }

    /**
     * Takes the fault to the guest's EL1 vectors when it installed them (VBAR_EL1 not 0), as KVM's inject_undef64 and
     * inject_abt64 do ({@code arch/arm64/kvm/inject_fault.c}): ESR_EL1 = the record's syndrome, ELR_EL1 = its PC,
     * SPSR_EL1 = the PSTATE it ran with, PSTATE EL1h with every exception masked, PC = VBAR_EL1 + 0x200 (a
     * synchronous exception from the current EL with SP_ELx). An abort's FAR_EL1 stays as it is: hcsim's fetch abort
     * is outside guest memory, where this loop never runs.
     */
    @Override
    String inject(UcRegisters r, dev.hcsim.core.Fault fault) {
        if (!(fault instanceof dev.hcsim.core.Fault.Arm64 f) || f.targetEl() != 1) {
            return "only an exception to EL1 can be taken here, not " + fault;
        }
        long vbar = r.u.reg(UC_ARM64_REG_VBAR_EL1);
        if (vbar == 0) {
            return "the guest installed no EL1 vectors (VBAR_EL1 is 0)";
        }
        long pstate = r.u.reg(UC_ARM64_REG_PSTATE);
        r.u.reg(UC_ARM64_REG_ESR_EL1, f.esr());
        r.u.reg(UC_ARM64_REG_ELR_EL1, f.pc());
        writeSpsrEl1(r.u, pstate);
        r.u.reg(UC_ARM64_REG_PSTATE, PSTATE_EL1H_MASKED);
        r.pc(vbar + VECTOR_CURRENT_SPX_SYNC);
        return null;
    }

    /** SPSR_EL1 has no Unicorn number of its own: uc_arm64_cp_reg {crn 4, crm 0, op0 3, op1 0, op2 0, val}. */
    private static void writeSpsrEl1(Unicorn u, long value) {
        com.sun.jna.Memory cp = new com.sun.jna.Memory(32);
        cp.clear();
        cp.setInt(0, 4);
        cp.setInt(4, 0);
        cp.setInt(8, 3);
        cp.setInt(12, 0);
        cp.setInt(16, 0);
        cp.setLong(24, value);
        u.regWrite(UC_ARM64_REG_CP_REG, cp);
    }

    /**
     * The GICv3 CPU interface this example plays (Unicorn's CPU has none): a write of ICC_SGI1R_EL1 sends SGI INTID
     * (bits 27:24) to every other vCPU when IRM (bit 40) is set, else to the vCPUs of affinity Aff3.Aff2.Aff1 (bits
     * 55:48, 39:32, 23:16) whose Aff0 is RS (bits 47:44) * 16 plus a set bit of TargetList (bits 15:0). Arm GIC
     * architecture specification (IHI 0069), ICC_SGI1R_EL1.
     */
    private static void sendSgi(UcRegisters r, long value) {
        int intid = (int) (value >>> 24) & 0xF;
        if ((value >>> 40 & 1) != 0) {
            for (int v = 0; v < r.vm.vcpuCount(); v++) {
                if (v != r.vcpu) {
                    r.control.interrupt(v, intid);
                }
            }
            return;
        }
        long affinity = (value >>> 48 & 0xFF) << 32 | (value >>> 32 & 0xFF) << 16 | (value >>> 16 & 0xFF) << 8;
        long aff0Base = (value >>> 44 & 0xF) << 4;
        for (int bit = 0; bit < 16; bit++) {
            if ((value >>> bit & 1) != 0) {
                int target = r.vm.vcpuIndex(affinity | (aff0Base + bit));
                if (target >= 0) {
                    r.control.interrupt(target, intid);
                }
            }
        }
    }

    @Override
    public int[] compared(RegisterLayout layout) {
        resolve(layout);
        return generalThen(31, sp, nzcv);
    }

    @Override
    public long comparedBits(RegisterLayout layout, int reg) {
        return reg == layout.require("nzcv") ? 0xF000_0000L : -1L; // PSTATE.{N,Z,C,V}; the other bits are RES0
    }
}
