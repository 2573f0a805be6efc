package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.Fault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;
import org.apiguardian.api.API;

/**
 * The per-VM part of an architecture: it decides what a trap instruction means (decode, privilege
 * and mode checks, wrong-code answers) and then hands the call to {@link Trap#dispatch()}; it keeps
 * per-VM state (registered shared structures) and implements the scheduler hooks.
 */
@API(status = INTERNAL, since = "1.0")
public interface ArchitectureVm {
    /**
     * Handles one trap. The instruction bytes are in {@code t}; the architecture recognises its trap
     * forms and either dispatches ({@link Trap#dispatch()}) or sets another outcome (fault, exit).
     * @param t the trap frame of the trapping vCPU
     */
    void trap(Trap t);

    /**
     * True when this VM offers {@code call} (its gating feature is on, or it has none).
     * @param call a documented hypercall of the architecture
     * @return whether the VM answers it as implemented
     */
    boolean offers(HypercallSpec call);

    /**
     * Puts a vCPU's control registers in their reset state for this VM's options (privilege, mode).
     * @param vcpu the vCPU index
     * @param regs its registers, written in place
     */
    default void resetVcpu(int vcpu, RegisterAccess regs) {
    }

    /**
     * Called when {@code vcpu} is put on a physical CPU; {@code stealNanos} is the time it waited runnable.
     * @param vcpu the vCPU index
     * @param nowNanos virtual time in nanoseconds
     * @param stealNanos virtual nanoseconds it waited runnable since it last ran
     * @param memory guest memory, for steal-time records and the like
     */
    default void scheduleIn(int vcpu, long nowNanos, long stealNanos, MemoryAccess memory) {
    }

    /**
     * Called when {@code vcpu} leaves its physical CPU; {@code preempted} is true when it still wanted to run.
     * @param vcpu the vCPU index
     * @param nowNanos virtual time in nanoseconds
     * @param preempted whether the vCPU was still runnable
     * @param memory guest memory, for preempted flags and the like
     */
    default void scheduleOut(int vcpu, long nowNanos, boolean preempted, MemoryAccess memory) {
    }

    /**
     * A timer the architecture armed with {@link dev.hcsim.core.VcpuControl#armTimer} is due: the kernel's timer
     * callback runs (it may raise events, kick or interrupt vCPUs through {@code control}) and whatever is still pending
     * is armed again.
     * @param vcpu the vCPU index the timer was armed for
     * @param nowNanos virtual time in nanoseconds
     * @param memory guest memory
     * @param control the vCPU control of the machine
     */
    default void timerExpired(int vcpu, long nowNanos, MemoryAccess memory, dev.hcsim.core.VcpuControl control) {
    }

    /**
     * The VMM-side ioctls this architecture serves ({@link dev.hcsim.core.KvmControl}).
     * @return the architecture's answers; the default has none
     */
    default KvmIoctls ioctls() {
        return KvmIoctls.NONE;
    }

    /**
     * The standalone machine's CPU takes {@code fault}, which a trap left to the CPU ({@link
     * dev.hcsim.core.Outcome#FAULT}, {@link dev.hcsim.core.Outcome#NOT_A_HYPERCALL}): an architecture
     * whose trap gate must not change the registers itself (the embedder delivers the fault) delivers
     * it here, for the standalone machine only. The default delivers nothing.
     * @param vcpu the vCPU index
     * @param regs its registers, written in place
     * @param fault the fault the trap answered with
     */
    default void deliver(int vcpu, RegisterAccess regs, Fault fault) {
    }

    /**
     * Writes every field of this architecture's VM and vCPU state into the builders (a snapshot).
     * Whatever {@link #restore} needs to give the same future must be written.
     * @param vm the VM-wide fields
     * @param vcpus one builder per vCPU, by index
     */
    default void save(dev.hcsim.core.VmSnapshot.State.Builder vm, java.util.List<dev.hcsim.core.VmSnapshot.State.Builder> vcpus) {
    }

    /**
     * Sets this architecture's VM and vCPU state from a snapshot taken by {@link #save} on a VM of
     * the same configuration.
     * @param vm the VM-wide fields
     * @param vcpus each vCPU's fields, by index
     * @throws IllegalArgumentException when a field is missing or of the wrong kind or length
     */
    default void restore(dev.hcsim.core.VmSnapshot.State vm, java.util.List<dev.hcsim.core.VmSnapshot.State> vcpus) {
    }
}
