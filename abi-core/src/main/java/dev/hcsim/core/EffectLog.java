package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A {@link VcpuControl} for embedders that run their own vCPU loop: it records each effect a
 * hypercall has on other vCPUs, to be drained and applied by the emulator after the trap, and
 * answers {@link #state} from states the emulator keeps up to date with {@link #state(int, VcpuState)}.
 * Not thread-safe.
 */
@API(status = STABLE, since = "1.0")
public final class EffectLog implements VcpuControl {

    /** One recorded effect: {@code kind} is kick, interrupt, start or stop (a VM-wide event is the trap's {@link Exit.SystemEvent}, not an effect). */
    public record Effect(String kind, int vcpu, long value, long entry, String detail) {
        @Override
        public String toString() {
            return switch (kind) {
                case "interrupt" -> "interrupt vcpu" + vcpu + " vector 0x" + Long.toHexString(value);
                case "start" -> "start vcpu" + vcpu + " at 0x" + Long.toHexString(entry) + " context 0x" + Long.toHexString(value);
                default -> kind + " vcpu" + vcpu;
            };
        }
    }

    private final VcpuState[] states;
    private final List<Effect> effects = new ArrayList<>();
    private long now;

    /**
     * A log for {@code vcpus} vCPUs, all {@link VcpuState#RUNNING} until told otherwise.
     * @param vcpus the number of vCPUs in the VM
     */
    public EffectLog(int vcpus) {
        states = new VcpuState[vcpus];
        Arrays.fill(states, VcpuState.RUNNING);
    }

    /**
     * Tells the log the current state of a vCPU (so that, e.g., CPU_ON sees it off).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param s its state now
     */
    public void state(int vcpu, VcpuState s) {
        states[vcpu] = s;
    }

    /**
     * Sets the virtual time hypercalls read.
     * @param nanos virtual time in nanoseconds since the VM started
     */
    public void now(long nanos) {
        now = nanos;
    }

    /**
     * The effects recorded since the last drain, oldest first; the log is emptied.
     * @return the effects, a new list
     */
    public List<Effect> drain() {
        List<Effect> out = List.copyOf(effects);
        effects.clear();
        return out;
    }

    @Override
    public VcpuState state(int vcpu) {
        return vcpu >= 0 && vcpu < states.length ? states[vcpu] : VcpuState.OFF;
    }

    /**
     * Records a kick. A halted vCPU becomes runnable, as the built-in scheduler makes it, so that a
     * call that looks at the target's state afterwards (a kick followed by a directed yield) answers the same.
     */
    @Override
    public void kick(int vcpu) {
        wake(vcpu);
        effects.add(new Effect("kick", vcpu, 0, 0, null));
    }

    /** Records an interrupt; a halted vCPU becomes runnable, as under the built-in scheduler. */
    @Override
    public void interrupt(int vcpu, int vector) {
        wake(vcpu);
        effects.add(new Effect("interrupt", vcpu, vector, 0, null));
    }

    private void wake(int vcpu) {
        if (vcpu >= 0 && vcpu < states.length && states[vcpu] == VcpuState.HALTED) {
            states[vcpu] = VcpuState.RUNNABLE;
        }
    }

    @Override
    public boolean start(int vcpu, long entry, int contextRegister, long context) {
        if (state(vcpu) != VcpuState.OFF) {
            return false;
        }
        states[vcpu] = VcpuState.RUNNABLE;
        effects.add(new Effect("start", vcpu, context, entry, "context register " + contextRegister));
        return true;
    }

    @Override
    public void stop(int vcpu) {
        states[vcpu] = VcpuState.OFF;
        effects.add(new Effect("stop", vcpu, 0, 0, null));
    }

    @Override
    public long nowNanos() {
        return now;
    }
}
