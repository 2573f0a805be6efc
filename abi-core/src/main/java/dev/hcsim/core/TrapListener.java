package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Observes the traps of a VM (traces, recorders, differential checks), registered with
 * {@link Vm#addTrapListener}. Called on the trapping thread, before and after each trap, in the
 * order the listeners were added. A listener must not trap on the same vCPU.
 */
@API(status = STABLE, since = "1.0")
public interface TrapListener {
    /**
     * Called before the trap on {@code vcpu} is handled.
     * @param vcpu the trapping vCPU's index
     * @param regs its registers as they are on entry
     */
    default void before(int vcpu, RegisterAccess regs) {
    }

    /**
     * Called after the trap on {@code vcpu} was handled.
     * @param vcpu the trapping vCPU's index
     * @param result what the trap did (valid until the next trap on this vCPU)
     * @param regs its registers as the handler left them
     */
    default void after(int vcpu, TrapResult result, RegisterAccess regs) {
    }
}
