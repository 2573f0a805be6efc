package dev.hcsim.core.sched;

import static org.apiguardian.api.API.Status.MAINTAINED;

import dev.hcsim.core.Exit;
import dev.hcsim.core.TrapResult;
import org.apiguardian.api.API;

/**
 * The host (VMM) side of exits in a standalone run: given an exit, the value the host returns when
 * it re-enters the vCPU, or {@link #STAY_EXITED} when the host does not re-enter (the vCPU stops).
 */
@API(status = MAINTAINED, since = "1.0")
@FunctionalInterface
public interface HostHandler {
    /** Returned by {@link #answer} when the host does not re-enter the vCPU. */
    long STAY_EXITED = Long.MIN_VALUE + 0x5eed;

    /**
     * The host's answer to an exit of {@code vcpu}.
     * @param vcpu the vCPU that exited
     * @param exit the trap result; its {@link TrapResult#exit()} is the exit
     * @return the value written back on re-entry, or {@link #STAY_EXITED} to leave the vCPU stopped
     */
    long answer(int vcpu, TrapResult exit);

    /**
     * The host's whole answer, for an exit whose payload returns more than one value ({@code KVM_EXIT_RISCV_SBI}'s
     * ret[0] and ret[1]): the exit with its return fields filled in, as the VMM writes {@code struct kvm_run}
     * before the next {@code KVM_RUN}. Asked only after {@link #answer} re-entered.
     * @param vcpu the vCPU that exited
     * @param exit the trap result; its {@link TrapResult#exit()} is the exit
     * @param ret what {@link #answer} returned
     * @return the answered exit, or null (the default) to write {@code ret} into the exit's one return field
     */
    default Exit payload(int vcpu, TrapResult exit, long ret) {
        return null;
    }

    /**
     * The default host: re-enters after {@code KVM_EXIT_HYPERCALL} leaving the preset return value
     * as it is (0 where the kernel presets 0, as QEMU relies on for MAP_GPA_RANGE), and does not
     * re-enter after any other exit.
     */
    HostHandler DEFAULT = (vcpu, exit) -> exit.exit() instanceof Exit.Hypercall h ? h.ret() : STAY_EXITED;
}
