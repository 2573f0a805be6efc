package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Effects of a hypercall on other vCPUs. The built-in scheduler implements it; an embedding
 * emulator may implement it over its own vCPU threads. Indices are vCPU indices of the VM (use
 * {@link Vm#vcpuIndex(long)} to map an architecture id such as an APIC ID or MPIDR).
 */
@API(status = STABLE, since = "1.0")
public interface VcpuControl {
    /**
     * The scheduling state of {@code vcpu}.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return its state now
     */
    VcpuState state(int vcpu);

    /**
     * Wake {@code vcpu} from a halt (PV unhalt, kick). If it is not halted, its next halt returns at
     * once, as KVM's {@code pv_unhalted} flag makes it.
     * @param vcpu the vCPU index to wake
     */
    void kick(int vcpu);

    /**
     * Raise interrupt {@code vector} on {@code vcpu} (an IPI, a software interrupt); wakes it if halted.
     * @param vcpu the target vCPU's index
     * @param vector the interrupt vector, in the architecture's numbering
     */
    void interrupt(int vcpu, int vector);

    /**
     * Power on an off vCPU at {@code entry} with {@code context} in register {@code contextRegister}
     * (PSCI CPU_ON). Returns false when the vCPU is not off.
     * @param vcpu the vCPU index to start
     * @param entry the guest address it starts at
     * @param contextRegister the register index that receives {@code context}
     * @param context the value the started vCPU finds in that register
     * @return true when the vCPU was off and is now started
     */
    boolean start(int vcpu, long entry, int contextRegister, long context);

    /**
     * Power off {@code vcpu}.
     * @param vcpu the vCPU index to stop
     */
    void stop(int vcpu);

    /**
     * Virtual time in nanoseconds since the VM started.
     * @return the current virtual time
     */
    long nowNanos();

    /**
     * Runs {@code action} on another vCPU's registers in that vCPU's own context: an architecture never touches
     * another vCPU's registers itself. This is how a VMM runs a CPU-to-CPU order on the target's thread
     * (QEMU's run_on_cpu) and how KVM leaves work for the target's next entry (kvm_make_request, then a kick).
     * The action has run when this returns, while the target executes no guest code; it may read and write that
     * vCPU's registers and guest memory. An embedder that runs vCPUs on several threads hands the action to the
     * target's thread (or holds the target still while it runs); one that runs every vCPU on one thread runs it at
     * once, as {@link dev.hcsim.core.sched.Machine} does.
     * @param vcpu the target vCPU index
     * @param action what to do with its registers
     * @return true when the action ran; false (the default) when this control cannot reach that vCPU's registers:
     *   the architecture then answers as KVM does for a target that cannot take the order now (a busy condition)
     */
    default boolean onVcpu(int vcpu, java.util.function.Consumer<RegisterAccess> action) {
        return false;
    }

    /**
     * Asks for a timer event at virtual time {@code atNanos}: then the architecture's
     * {@code ArchitectureVm.timerExpired} (the SPI) runs for {@code vcpu} (a hrtimer or timer_list the kernel
     * arms for a vCPU, such as another ABI's singleshot timer or a poll timeout). A later call for the same vCPU replaces an
     * earlier one when it is sooner; the architecture re-arms what is still pending. The default ignores it: an
     * embedder without timers calls {@code timerExpired} itself, or its vCPUs wait for the next kick or interrupt.
     * @param vcpu the vCPU index the timer belongs to
     * @param atNanos the virtual time it fires
     */
    default void armTimer(int vcpu, long atNanos) {
    }

    /**
     * For an embedder that passes no control: every other vCPU looks runnable, effects on them are
     * dropped, no vCPU can be started, virtual time stands at 0. {@link Vm#trap} uses it for null.
     */
    VcpuControl NONE = new VcpuControl() {
        @Override
        public VcpuState state(int vcpu) {
            return VcpuState.RUNNABLE;
        }

        @Override
        public void kick(int vcpu) {
        }

        @Override
        public void interrupt(int vcpu, int vector) {
        }

        @Override
        public boolean start(int vcpu, long entry, int contextRegister, long context) {
            return false;
        }

        @Override
        public void stop(int vcpu) {
        }

        @Override
        public long nowNanos() {
            return 0;
        }
    };
}
