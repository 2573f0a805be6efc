package dev.hcsim.core.spi;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Vm;

/**
 * The state an interpreted instruction works on: one vCPU's registers and PC, its VM's memory in
 * the VM's byte order, and the VM. The signals tell the standalone engine what happened.
 */
public final class Cpu {
    /** The instruction completed; the PC advances by its length. */
    public static final int NEXT = 0;
    /** The instruction set the PC itself (a taken branch). */
    public static final int JUMP = 1;
    /** A trap instruction: the engine runs {@link Vm#trap} at the current PC. */
    public static final int TRAP = 2;
    /** Wait for interrupt; the PC advances by the instruction's length when the vCPU wakes. */
    public static final int HALT = 3;
    /** The vCPU cannot go on; {@link #faultReason()} says why. */
    public static final int FAULT = 4;

    private final RegisterFile regs;
    private final MemoryAccess memory;
    private final Vm vm;
    private final int vcpu;
    private String faultReason;
    private dev.hcsim.core.VcpuControl control;
    /** Scratch for architectures whose branches have delay slots and the like. */
    public long scratch;

    public Cpu(Vm vm, int vcpu, RegisterFile regs, MemoryAccess memory) {
        this.vm = vm;
        this.vcpu = vcpu;
        this.regs = regs;
        this.memory = memory;
    }

    /** The scheduler (virtual time, other vCPUs), or null outside a machine. */
    public dev.hcsim.core.VcpuControl control() {
        return control;
    }

    /** Binds the scheduler this vCPU runs under. */
    public void control(dev.hcsim.core.VcpuControl c) {
        control = c;
    }

    public RegisterFile regs() {
        return regs;
    }

    public MemoryAccess memory() {
        return memory;
    }

    public Vm vm() {
        return vm;
    }

    public int vcpu() {
        return vcpu;
    }

    /** Records why the vCPU stops and returns {@link #FAULT}. */
    public int fault(String reason) {
        faultReason = reason;
        return FAULT;
    }

    public String faultReason() {
        return faultReason;
    }

    public void clearFault() {
        faultReason = null;
    }
}
