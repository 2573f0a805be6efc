package example.unicorn;

import dev.hcsim.core.RegisterLayout;
import java.util.Map;

/**
 * RV64 on Unicorn ({@code UC_ARCH_RISCV}, {@code UC_MODE_RISCV64}). Unicorn's hart has no H extension, and its
 * {@code ecall} reaches {@code UC_HOOK_INTR} as cause 8 with the PC already past it ({@code UnicornFactsTest}); so this
 * adapter takes it in the code hook before it runs, with the PC on it, and hcsim answers it as KVM answers an ecall from VS-mode (an SBI call). hcsim's
 * virtualization-mode state after the general registers ({@code priv}, {@code sstatus}, {@code sscratch}, {@code sip})
 * lives beside the engine, as hcsim's reset put it. {@code wfi} is a guest wait.
 */
final class RiscvOnUnicorn extends UcArch {
    private static final int UC_RISCV_REG_X0 = 1; // x0..x31 are 1..32
    private static final int UC_RISCV_REG_PC = 190;
    private static final int ECALL = 0x0000_0073;
    private static final int WFI = 0x1050_0073;

    RiscvOnUnicorn() {
        super("riscv64", "riscv", Map.of(), UnicornLibrary.UC_ARCH_RISCV, UnicornLibrary.UC_MODE_RISCV64);
    }

    @Override
    public void hookTraps(Unicorn u, Runnable trap) {
        // ecall is taken in the code hook (guestInstruction): its exception hook sees the PC past it. The guest's own
        // exceptions (an illegal instruction, cause 2, PC past it too) are not handed to hcsim: Unicorn takes them.
    }

    @Override
    long get(UcRegisters r, int reg) {
        if (reg < 32) {
            return r.u.reg(UC_RISCV_REG_X0 + reg);
        }
        return r.shadow[reg];
    }

    @Override
    void set(UcRegisters r, int reg, long value) {
        if (reg < 32) {
            if (reg != 0) {
                r.u.reg(UC_RISCV_REG_X0 + reg, value);
            }
        } else {
            r.shadow[reg] = value;
        }
    }

    @Override
    int pcRegister() {
        return UC_RISCV_REG_PC;
    }

    @Override
    Guest guestInstruction(UcRegisters r, long pc, byte[] insn) {
        int w = (insn[0] & 0xFF) | (insn[1] & 0xFF) << 8 | (insn[2] & 0xFF) << 16 | (insn[3] & 0xFF) << 24;
        if (w == ECALL) {
            return Guest.TRAP;
        }
        if (w == WFI) {
            r.pc(pc + 4);
            return Guest.WAIT;
        }
        return Guest.OWN;
    }

    @Override
    public int[] compared(RegisterLayout layout) {
        return generalThen(32);
    }

    /**
     * Nothing to inject into: Unicorn 2.0.1's hart has no H extension, so there is no
     * VS-mode trap state (vsepc, vscause, vstval, vstvec) to take a {@code Fault.RiscV} into, as
     * {@code kvm_riscv_vcpu_trap_redirect} does; the loop stops the vCPU naming it, as hcsim's machine does.
     */
    @Override
    String inject(UcRegisters r, dev.hcsim.core.Fault fault) {
        return "Unicorn 2.0.1's hart has no H extension: no VS-mode trap to redirect it to";
    }
}
