package example.unicorn;

import dev.hcsim.core.RegisterLayout;
import java.util.Map;

/**
 * MIPS on Unicorn's MIPS32 CPU ({@code UC_MODE_MIPS32}, either byte order). Unicorn 2.0.1 has no working MIPS64:
 * {@code UC_MODE_MIPS64} builds a MIPS32 CPU model and {@code uc_emu_start} writes a 32-bit PC (measured: the first
 * fetch ends in an address error, intno 12; fixed upstream in 2.1). So only the MIPS32-compatible part of hcsim's
 * MIPS64 guest subset runs here, with every register a sign-extended 32-bit value as MIPS64 keeps a 32-bit result;
 * hcsim reads each 32-bit Unicorn register sign-extended. {@code hypcall} raises a reserved-instruction exception
 * (intno 20) whose hook sees PC 0, so this adapter takes the trap in the code hook instead, before the instruction
 * runs, with the PC on it. {@code wait} is a guest wait; {@code mfc0 rt, $15, 1} reads the vCPU's own EBase.
 */
final class MipsOnUnicorn extends UcArch {
    private static final int UC_MIPS_REG_PC = 1;
    private static final int UC_MIPS_REG_0 = 2; // $0..$31 are 2..33
    private static final int HYPCALL_MASK = 0xFE00_003F;
    private static final int HYPCALL = 0x4200_0028; // COP0, CO = 1, function 0x28 (arch/mips/include/uapi/asm/inst.h)
    private static final int WAIT = 0x4200_0020;
    /** SPECIAL, function 0x0c: a syscall is taken here too (its exception hook sees PC 0 as well); hcsim names it the guest's own. */
    private static final int SYSCALL_MASK = 0xFC00_003F;
    private static final int SYSCALL = 0x0000_000C;
    private static final int MFC0_EBASE = 0x4000_7801; // mfc0 rt, $15, 1 with rt = 0

    private int ebase = -1;

    private final boolean big;

    MipsOnUnicorn(boolean big) {
        super(big ? "mips (MIPS32 CPU, big-endian)" : "mipsel (MIPS32 CPU, little-endian)", "mips",
                Map.of("endian", big ? "big" : "little"), UnicornLibrary.UC_ARCH_MIPS,
                UnicornLibrary.UC_MODE_32 | (big ? UnicornLibrary.UC_MODE_BIG_ENDIAN : UnicornLibrary.UC_MODE_LITTLE_ENDIAN));
        this.big = big;
    }


    @Override
    public void hookTraps(Unicorn u, Runnable trap) {
        // hypcall and syscall are taken in the code hook (guestInstruction): their exception hook sees PC 0
    }

    @Override
    long get(UcRegisters r, int reg) {
        if (reg < 32) {
            return (int) r.u.reg(UC_MIPS_REG_0 + reg);
        }
        return r.shadow[reg]; // Cause.BD, EBase: as hcsim's reset put them
    }

    @Override
    void set(UcRegisters r, int reg, long value) {
        if (reg < 32) {
            r.u.reg(UC_MIPS_REG_0 + reg, value & 0xFFFF_FFFFL);
        } else {
            r.shadow[reg] = value;
        }
    }

    @Override
    int pcRegister() {
        return UC_MIPS_REG_PC;
    }

    @Override
    Guest guestInstruction(UcRegisters r, long pc, byte[] insn) {
        int w = big ? (insn[0] & 0xFF) << 24 | (insn[1] & 0xFF) << 16 | (insn[2] & 0xFF) << 8 | (insn[3] & 0xFF)
                : (insn[3] & 0xFF) << 24 | (insn[2] & 0xFF) << 16 | (insn[1] & 0xFF) << 8 | (insn[0] & 0xFF);
        if ((w & HYPCALL_MASK) == HYPCALL || (w & SYSCALL_MASK) == SYSCALL) {
            return Guest.TRAP;
        }
        if ((w & HYPCALL_MASK) == WAIT) {
            r.pc(pc + 4);
            return Guest.WAIT;
        }
        if ((w & 0xFFE0_FFFF) == MFC0_EBASE) {
            // EBase.CPUNum is the vCPU's id (kvm_vz_vcpu_setup); Unicorn's engine has one CPU, number 0
            if (ebase < 0) {
                ebase = r.layout.require("ebase");
            }
            set(r, (w >>> 16) & 31, r.shadow[ebase]);
            r.pc(pc + 4);
            return Guest.EMULATED;
        }
        return Guest.OWN;
    }

    @Override
    public int[] compared(RegisterLayout layout) {
        return generalThen(32);
    }

    @Override
    public long widen(long raw) {
        return (int) raw;
    }

    /** Nothing to inject into: the loop stops the vCPU naming the fault. */
    @Override
    String inject(UcRegisters r, dev.hcsim.core.Fault fault) {
        return "Unicorn 2.0.1 has no EPC, Cause or BadVAddr register to write (unicorn/mips.h names only CP0 CONFIG3, USERLOCAL and STATUS)";
    }
}
