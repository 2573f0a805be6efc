package dev.hcsim.conformance;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VmConfig;

/**
 * The adapter a third-party trap handler implements to be checked by the kit: given the VM, the
 * caller's registers and guest memory and the trap instruction's bytes, do what KVM does for the
 * hypercall. Register indices are those of hcsim's layout for the architecture
 * ({@code Hcsim.architecture(vm.architecture()).registers()}); the PC is the trap's address.
 *
 * <p>The kit compares every answer with hcsim's own ({@link #hcsim()}): the outcome, the exit payload
 * (the typed {@link Exit}, as {@code struct kvm_run} would carry it), the fault to inject (the typed
 * {@link Fault}), every register, the PC, the guest memory written and the effects on other vCPUs.
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
     * @return what the caller's CPU loop does next, with the exit or fault that goes with it
     */
    Answer trap(VmConfig vm, int vcpu, byte[] instruction, RegisterAccess registers, GuestMemory memory, VcpuControl control);

    /**
     * hcsim's own model, the kit's oracle.
     * @return a handler that runs each call on hcsim
     */
    static TrapHandler hcsim() {
        return HcsimHandler.INSTANCE;
    }

    /**
     * A handler's answer: the outcome, and the exit payload or the fault that goes with it.
     * @param outcome what the CPU loop does next (never null)
     * @param exit the exit to the host when {@code outcome} is {@link Outcome#EXIT_TO_HOST}, else null
     * @param fault the exception for {@link Outcome#FAULT}, {@link Outcome#INTERRUPTED} or {@link Outcome#NOT_A_HYPERCALL}
     *              (null where there is none), else null
     */
    record Answer(Outcome outcome, Exit exit, Fault fault) {
        /**
         * Checks that the outcome is set and that an exit comes only with EXIT_TO_HOST.
         * @param outcome the outcome
         * @param exit the exit or null
         * @param fault the fault or null
         */
        public Answer {
            if (outcome == null) {
                throw new IllegalArgumentException("an answer needs an outcome");
            }
            if ((exit != null) != (outcome == Outcome.EXIT_TO_HOST)) {
                throw new IllegalArgumentException("an exit comes with EXIT_TO_HOST and only with it (outcome " + outcome + ", exit " + exit + ")");
            }
        }

        /**
         * An answer with neither exit nor fault (a call completed, halted, yielded, stopped).
         * @param outcome the outcome; not EXIT_TO_HOST
         * @return the answer
         */
        public static Answer of(Outcome outcome) {
            return new Answer(outcome, null, null);
        }

        /**
         * An exit to the host.
         * @param exit the payload
         * @return an EXIT_TO_HOST answer
         */
        public static Answer exit(Exit exit) {
            return new Answer(Outcome.EXIT_TO_HOST, exit, null);
        }

        /**
         * A fault.
         * @param outcome FAULT, INTERRUPTED or NOT_A_HYPERCALL
         * @param fault the exception
         * @return the answer
         */
        public static Answer fault(Outcome outcome, Fault fault) {
            return new Answer(outcome, null, fault);
        }

        /**
         * The answer hcsim's {@link dev.hcsim.core.Vm#trap} gave (for a handler that wraps hcsim or has the same result type).
         * @param r a trap result
         * @return its outcome, exit and fault
         */
        public static Answer of(TrapResult r) {
            return new Answer(r.outcome(), r.exit(), r.fault());
        }
    }
}
