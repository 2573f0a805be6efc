package example.unicorn;

import dev.hcsim.core.RegisterLayout;
import java.util.Map;

/**
 * PowerPC on Unicorn's 32-bit CPU ({@code UC_MODE_PPC32}, big-endian), against hcsim's PPC in its 32-bit mode
 * ({@code mode=32}: MSR[SF] = 0). Unicorn 2.0.1 cannot run 64-bit PowerPC: {@code UC_MODE_PPC64} faults on its first
 * instruction and CPU model selection reaches only 32-bit CPUs; little-endian PPC64 is refused as an invalid mode. So
 * the 32-bit part of the guest subset runs here; a register compares by its low 32 bits (a 64-bit CPU in 32-bit mode
 * still writes all 64) and hypercall arguments are the low words, as KVM truncates them without MSR[SF]. {@code sc}
 * and {@code msgsnd} are taken in the code hook before they run, with the PC on them (Unicorn's {@code sc} exception
 * hook sees the PC already past it). MSR, SRR0/1 and ESR live beside the engine: writing Unicorn's MSR would switch
 * its address translation and byte order. {@code mfspr} of PIR answers the vCPU's own id.
 */
final class PpcOnUnicorn extends UcArch {
    /** MSR bits an interrupt keeps or sets (arch/powerpc/include/asm/reg.h MSR_SF, MSR_CM (BookE), MSR_LE). */
    private static final long MSR_SF = 0x8000_0000_0000_0000L;
    private static final long MSR_CM = 0x8000_0000L;
    private static final long MSR_LE = 0x1L;
    private static final int UC_PPC_REG_PC = 1;
    private static final int UC_PPC_REG_0 = 2; // r0..r31 are 2..33
    private static final int UC_PPC_REG_LR = 74;
    private static final int UC_PPC_REG_CTR = 76;
    private static final int UC_PPC_REG_CR = 79;
    private static final long LOW = 0xFFFF_FFFFL;
    /** mfspr rT,1023 and mfspr rT,286 with rT = 0: primary 31, SPR split in halves, extended opcode 339. */
    private static final int MFSPR_PIR = 0x7C1F_FAA6;
    private static final int MFSPR_286 = 0x7C1E_42A6;

    private int cr = -1;
    private int lr;
    private int ctr;

    PpcOnUnicorn() {
        super("ppc (32-bit CPU, big-endian)", "ppc", Map.of("mode", "32", "endian", "big"), UnicornLibrary.UC_ARCH_PPC,
                UnicornLibrary.UC_MODE_32 | UnicornLibrary.UC_MODE_BIG_ENDIAN);
    }

    private void resolve(RegisterLayout layout) {
        if (cr < 0) {
            lr = layout.require("lr");
            ctr = layout.require("ctr");
            cr = layout.require("cr");
        }
    }


    @Override
    public void hookTraps(Unicorn u, Runnable trap) {
        // sc and msgsnd are taken in the code hook (guestInstruction)
    }

    private int uc(RegisterLayout layout, int reg) {
        resolve(layout);
        return reg < 32 ? UC_PPC_REG_0 + reg : reg == lr ? UC_PPC_REG_LR : reg == ctr ? UC_PPC_REG_CTR : reg == cr ? UC_PPC_REG_CR : -1;
    }

    @Override
    long get(UcRegisters r, int reg) {
        int uc = uc(r.layout, reg);
        return uc >= 0 ? r.u.reg(uc) & LOW : r.shadow[reg];
    }

    @Override
    void set(UcRegisters r, int reg, long value) {
        int uc = uc(r.layout, reg);
        if (uc >= 0) {
            r.u.reg(uc, value & LOW);
        } else {
            r.shadow[reg] = value;
        }
    }

    @Override
    int pcRegister() {
        return UC_PPC_REG_PC;
    }

    @Override
    Guest guestInstruction(UcRegisters r, long pc, byte[] insn) {
        int w = (insn[0] & 0xFF) << 24 | (insn[1] & 0xFF) << 16 | (insn[2] & 0xFF) << 8 | (insn[3] & 0xFF);
        if ((w & ~(0x7F << 5)) == 0x4400_0002 || (w & 0xFFFF_07FF) == 0x7C00_019C) { // sc LEV; msgsnd rB
            return Guest.TRAP;
        }
        if ((w & 0xFC1F_FFFF) == MFSPR_PIR || (w & 0xFC1F_FFFF) == MFSPR_286) {
            // PIR is the vCPU's id (Book3S SPR 1023, BookE SPR 286); Unicorn's engine has one CPU
            set(r, (w >>> 21) & 31, r.vcpuId);
            r.pc(pc + 4);
            return Guest.EMULATED;
        }
        return Guest.OWN;
    }

    @Override
    public int[] compared(RegisterLayout layout) {
        resolve(layout);
        return generalThen(32, cr, lr, ctr);
    }

    @Override
    public long comparedBits(RegisterLayout layout, int reg) {
        return LOW;
    }

    @Override
    public long widen(long raw) {
        return raw & LOW;
    }

    /**
     * Takes the interrupt into the registers as KVM does (book3s.c kvmppc_inject_interrupt, book3s_pr.c
     * kvmppc_inject_interrupt_pr; booke.c kvmppc_booke_irqprio_deliver): SRR0 and SRR1 from the {@code Fault.Ppc}
     * record, ESR on BookE, the interrupt MSR (Book3S PR: {@code intr_msr}, MSR_SF, plus MSR_LE for a little-endian
     * guest; elsewhere the width and endianness kept), the PC at the vector on Book3S (BookE's IVPR|IVORn is not modelled:
     * the PC stays). Here SRR0, SRR1, ESR and MSR are the registers of hcsim's layout this adapter keeps beside the
     * engine: Unicorn 2.0.1 has no register number for SRR0 or SRR1 ({@code unicorn/ppc.h}), so a handler running
     * on Unicorn's CPU would read its own; the loop therefore stops the vCPU after the delivery, as hcsim's machine
     * stops it (its guest subset has no handler either).
     */
    @Override
    String inject(UcRegisters r, dev.hcsim.core.Fault fault) {
        if (!(fault instanceof dev.hcsim.core.Fault.Ppc f)) {
            return "not a PowerPC interrupt: " + fault;
        }
        RegisterLayout l = r.layout;
        String host = r.vm.option("host");
        boolean bookE = host.startsWith("booke");
        int msr = l.require("msr");
        long before = get(r, msr);
        set(r, l.require("srr0"), f.srr0());
        set(r, l.require("srr1"), f.srr1());
        if (bookE && f.vector() == dev.hcsim.core.Fault.Ppc.PROGRAM) {
            set(r, l.require("esr"), f.esr());
        }
        set(r, msr, host.equals("book3s-pr") ? MSR_SF | (r.vm.option("endian").equals("little") ? MSR_LE : 0)
                : before & (MSR_SF | MSR_CM | MSR_LE));
        if (!bookE) {
            r.pc(f.vector());
        }
        return "delivered into SRR0/SRR1, which Unicorn 2.0.1's CPU cannot hold, so no handler runs";
    }
}
