package example.unicorn;

import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.RegisterLayout;

/**
 * hcsim's view of one vCPU's registers, read and written straight in its Unicorn engine. Control state Unicorn
 * keeps per engine in another form (arm64's MPIDR_EL1, s390's prefix) lives in {@link #shadow}.
 */
public final class UcRegisters implements RegisterAccess {
    final Unicorn u;
    final UcArch arch;
    final RegisterLayout layout;
    /** per-vCPU control state that is not a Unicorn register, by hcsim index */
    final long[] shadow;
    /** the vCPU's architecture id (APIC ID, MPIDR, PIR), for identity registers the adapter answers itself */
    long vcpuId;
    /** the vCPU's index, its VM and the loop's control: for the interrupt controller the adapter plays (arm64 SGIs) */
    int vcpu;
    dev.hcsim.core.Vm vm;
    dev.hcsim.core.VcpuControl control = dev.hcsim.core.VcpuControl.NONE;
    /**
     * A PC written while the engine runs (in a hook) and the run must end: Unicorn 2.0.1 restarts at a PC written in
     * a hook and then ignores {@code uc_emu_stop}, so such a PC waits here until the run has ended.
     */
    private boolean deferring;
    private boolean deferred;
    private long deferredPc;

    /**
     * @param u the vCPU's engine
     * @param arch its architecture
     * @param layout hcsim's register layout of the architecture
     */
    public UcRegisters(Unicorn u, UcArch arch, RegisterLayout layout) {
        this.u = u;
        this.arch = arch;
        this.layout = layout;
        this.shadow = new long[layout.size()];
    }

    /**
     * The engine.
     * @return the Unicorn engine of this vCPU
     */
    public Unicorn engine() {
        return u;
    }

    @Override
    public long get(int reg) {
        return arch.get(this, reg);
    }

    @Override
    public void set(int reg, long value) {
        arch.set(this, reg, value);
    }

    @Override
    public long pc() {
        return deferred ? deferredPc : arch.widen(u.reg(arch.pcRegister()));
    }

    @Override
    public void pc(long value) {
        if (deferring) {
            deferred = true;
            deferredPc = value;
        } else {
            u.reg(arch.pcRegister(), value);
        }
    }

    /** From now on PC writes wait for {@link #flush}. */
    void defer() {
        deferring = true;
    }

    /** Writes a deferred PC to the engine and writes PCs directly again. */
    void flush() {
        deferring = false;
        if (deferred) {
            deferred = false;
            u.reg(arch.pcRegister(), deferredPc);
        }
    }
}
