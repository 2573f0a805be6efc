package dev.hcsim.conformance;

import dev.hcsim.core.Status;
import dev.hcsim.core.StatusCodec;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.Vm;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;

/**
 * One case run on hcsim's own model, with what the model knows beyond the registers: the neutral
 * status, the number as read, whether the contract dispatched it, and the status codec it used.
 *
 * @param invocation the case
 * @param vm         the VM it ran on
 * @param trap       the engine's trap frame (null when an exception escaped)
 * @param observed   what the caller sees
 */
public record OracleRun(Invocation invocation, Vm vm, Trap trap, Observation observed) {

    /**
     * The contract of the VM the case ran on.
     * @return the architecture's trap contract
     */
    public TrapContract contract() {
        return vm.contract();
    }

    /**
     * The neutral status, or null.
     * @return the status the engine recorded, or null when an exception escaped or none was set
     */
    public Status status() {
        return trap == null ? null : trap.status();
    }

    /**
     * True when the contract read number and arguments (the call reached the hypercall table).
     * @return whether the call was dispatched
     */
    public boolean dispatched() {
        return trap != null && trap.dispatched();
    }

    /**
     * The codec that encoded the status (a call family may switch it, as PSCI does).
     * @return the status codec the trap used
     */
    public StatusCodec codec() {
        return trap.codec();
    }

    /**
     * The documented call the number named, or null.
     * @return the hypercall spec, or null for an unknown number or an undispatched trap
     */
    public HypercallSpec spec() {
        return trap == null ? null : trap.spec();
    }

    /**
     * The value of register {@code index} after the trap.
     * @param index the register's index in the architecture's layout
     * @return its value after the trap
     */
    public long after(int index) {
        return observed.after().get(index);
    }

    /**
     * The value of register {@code index} before the trap.
     * @param index the register's index in the architecture's layout
     * @return its value before the trap
     */
    public long before(int index) {
        return observed.before().get(index);
    }
}
