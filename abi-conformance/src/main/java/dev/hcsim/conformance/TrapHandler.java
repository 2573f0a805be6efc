package dev.hcsim.conformance;

import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VmConfig;

/**
 * The adapter a third-party trap handler implements to be checked by the kit: given the VM, the
 * caller's registers and guest memory and the trap instruction's bytes, do what KVM does for the
 * hypercall. Register indices are those of hcsim's layout for the architecture
 * ({@code Hcsim.architecture(vm.architecture()).registers()}); the PC is the trap's address.
 *
 * <p>The kit compares every answer with hcsim's own ({@link #hcsim()}): the outcome, every register,
 * the PC, the guest memory written and the effects on other vCPUs.
 */
@FunctionalInterface
public interface TrapHandler {
    /**
     * Handles one trap on vCPU {@code vcpu}.
     *
     * @param vm          the VM: architecture, options, vCPU count, seed
     * @param vcpu        the calling vCPU's index
     * @param instruction the trap instruction's bytes, in memory order (also in guest memory at the PC)
     * @param registers   the caller's registers: write results and the next PC here
     * @param memory      guest memory: a miss answers false
     * @param control     effects on other vCPUs (kick, interrupt, start, stop, system events)
     * @return what the caller's CPU loop does next
     */
    Outcome trap(VmConfig vm, int vcpu, byte[] instruction, RegisterAccess registers, GuestMemory memory, VcpuControl control);

    /**
     * hcsim's own model, the kit's oracle.
     * @return a handler that runs each call on hcsim
     */
    static TrapHandler hcsim() {
        return HcsimHandler.INSTANCE;
    }
}
