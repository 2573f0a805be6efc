package example.toy;

import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.RegisterLayout;

/**
 * The toy emulator's own x86-64 vCPU state, laid out as the toy likes it (not as hcsim does), and the
 * {@link RegisterAccess} view hcsim reads and writes at a hypercall. The mapping from hcsim's register
 * indices to the toy's fields is made once, by name, from hcsim's layout.
 */
public final class ToyCpu {
    /** The toy decoder's register numbering (ModRM/REX): {@code gpr[i]} is the register called {@code GPR_NAMES[i]}. */
    public static final java.util.List<String> GPR_NAMES = java.util.List.of("rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9",
            "r10", "r11", "r12", "r13", "r14", "r15");

    /** General registers in {@link #GPR_NAMES} order. */
    public final long[] gpr = new long[16];
    public long rip;
    public long rflags = 0x2;
    /** Current privilege level (0 = kernel). */
    public int cpl;
    /**
     * EFER.LMA and CS.L: both set is 64-bit mode; LMA without CS.L is compatibility mode, where KVM takes a
     * hypercall as 32-bit (x86.h is_64_bit_hypercall). An earlier version of this toy kept one flag for
     * both, and the conformance kit caught it at once with a shrunk {@code cs.l=0} case.
     */
    public boolean lma = true;
    public boolean csL = true;
    /**
     * CR0.PE: protected mode. hcsim reads it only for a Hyper-V call, which raises #UD in real mode (hyperv.c
     * kvm_hv_hypercall); a vCPU that does not answer {@code cr0.pe} reads as 0, real mode, so the toy answers it.
     */
    public boolean pe = true;
    public boolean halted;
    public String stopped;

    private final Access access;

    /** A vCPU whose registers hcsim reaches through {@code layout} (the architecture's {@code registers()}). */
    public ToyCpu(RegisterLayout layout) {
        this.access = new Access(layout);
    }

    /** The view hcsim uses at a trap. */
    public RegisterAccess registers() {
        return access;
    }

    /** hcsim's register indices, resolved by name once: general registers by ABI name, then the control state. */
    private final class Access implements RegisterAccess {
        /** hcsim's index of each register the toy has (-1 for none), and the toy's slot of each hcsim index. */
        private final int[] gprAt;
        private final int rflagsIndex;
        private final int cplIndex;
        private final int lmaIndex;
        private final int cslIndex;
        private final int peIndex;

        Access(RegisterLayout layout) {
            gprAt = new int[layout.size()];
            java.util.Arrays.fill(gprAt, -1);
            for (int i = 0; i < GPR_NAMES.size(); i++) {
                gprAt[layout.indexOf(GPR_NAMES.get(i))] = i;
            }
            rflagsIndex = layout.indexOf("rflags");
            cplIndex = layout.indexOf("cpl");
            lmaIndex = layout.indexOf("efer.lma");
            cslIndex = layout.indexOf("cs.l");
            peIndex = layout.indexOf("cr0.pe");
        }

        @Override
        public long get(int reg) {
            if (reg >= 0 && reg < gprAt.length && gprAt[reg] >= 0) {
                return gpr[gprAt[reg]];
            }
            if (reg == rflagsIndex) {
                return rflags;
            }
            if (reg == cplIndex) {
                return cpl;
            }
            if (reg == lmaIndex) {
                return lma ? 1 : 0;
            }
            if (reg == cslIndex) {
                return csL ? 1 : 0;
            }
            if (reg == peIndex) {
                return pe ? 1 : 0;
            }
            return 0;
        }

        @Override
        public void set(int reg, long value) {
            if (reg >= 0 && reg < gprAt.length && gprAt[reg] >= 0) {
                gpr[gprAt[reg]] = value;
            } else if (reg == rflagsIndex) {
                rflags = value;
            } else if (reg == cplIndex) {
                cpl = (int) value;
            } else if (reg == lmaIndex) {
                lma = value != 0;
            } else if (reg == cslIndex) {
                csL = value != 0;
            } else if (reg == peIndex) {
                pe = value != 0;
            }
        }

        @Override
        public long pc() {
            return rip;
        }

        @Override
        public void pc(long value) {
            rip = value;
        }
    }
}
