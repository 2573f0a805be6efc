package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterFile;
import org.apiguardian.api.API;

/**
 * The state an interpreted instruction works on: one vCPU's registers and PC, its VM's memory in
 * the VM's byte order, and the VM. The signals tell the standalone engine what happened.
 */
@API(status = INTERNAL, since = "1.0")
public final class Cpu {
    /** The instruction completed; the PC advances by its length. */
    public static final int NEXT = 0;
    /** The instruction set the PC itself (a taken branch). */
    public static final int JUMP = 1;
    /** A trap instruction: the engine runs {@code Vm.trap} at the current PC. */
    public static final int TRAP = 2;
    /** Wait for interrupt; the PC advances by the instruction's length when the vCPU wakes. */
    public static final int HALT = 3;
    /** The vCPU cannot go on; {@link #faultReason()} says why. */
    public static final int FAULT = 4;

    private final RegisterFile regs;
    private final MemoryAccess memory;
    private final VmContext vm;
    private final int vcpu;
    private String faultReason;
    private dev.hcsim.core.VcpuControl control = dev.hcsim.core.VcpuControl.NONE;
    /** Scratch for architectures whose branches have delay slots and the like. */
    public long scratch;

    /**
     * The state of vCPU {@code vcpu} of {@code vm}.
     * @param vm the VM
     * @param vcpu the vCPU index
     * @param regs its registers and PC
     * @param memory its accessor of the VM's memory
     */
    public Cpu(VmContext vm, int vcpu, RegisterFile regs, MemoryAccess memory) {
        this.vm = vm;
        this.vcpu = vcpu;
        this.regs = regs;
        this.memory = memory;
    }

    /**
     * The scheduler (virtual time, other vCPUs); {@link dev.hcsim.core.VcpuControl#NONE} outside a machine.
     * @return the control, never null
     */
    public dev.hcsim.core.VcpuControl control() {
        return control;
    }

    /**
     * Binds the scheduler this vCPU runs under.
     * @param c the control, or null for {@link dev.hcsim.core.VcpuControl#NONE}
     */
    public void control(dev.hcsim.core.VcpuControl c) {
        control = c != null ? c : dev.hcsim.core.VcpuControl.NONE;
    }

    /**
     * The vCPU's registers and PC.
     * @return the register file
     */
    public RegisterFile regs() {
        return regs;
    }

    /**
     * The vCPU's accessor of guest memory.
     * @return the memory accessor, in the VM's byte order
     */
    public MemoryAccess memory() {
        return memory;
    }

    /**
     * The VM the vCPU belongs to.
     * @return the VM
     */
    public VmContext vm() {
        return vm;
    }

    /**
     * The vCPU's index in its VM.
     * @return the index, from 0
     */
    public int vcpu() {
        return vcpu;
    }

    /**
     * Records why the vCPU stops and returns {@link #FAULT}.
     * @param reason one line, such as {@code "undefined instruction 0xffffffff"}
     * @return {@link #FAULT}
     */
    public int fault(String reason) {
        faultReason = reason;
        return FAULT;
    }

    /**
     * Why the vCPU stopped, as recorded by {@link #fault}.
     * @return the reason, or null when none is recorded
     */
    public String faultReason() {
        return faultReason;
    }

    /** Forgets the recorded fault reason. */
    public void clearFault() {
        faultReason = null;
    }
}
