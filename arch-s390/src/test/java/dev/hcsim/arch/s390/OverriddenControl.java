package dev.hcsim.arch.s390;

import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.testing.ForwardingVcpuControl;
import java.util.function.Consumer;

/**
 * The machine's control with two things an embedder's may do differently: the virtual time it reports ({@link #at}) and
 * whether it can run an action on another vCPU at all ({@link #unreachable}, an embedder without QEMU's run_on_cpu).
 */
final class OverriddenControl extends ForwardingVcpuControl {
    private final VcpuControl m;
    private final long now;
    private final boolean reachable;

    private OverriddenControl(VcpuControl m, long now, boolean reachable) {
        super(m);
        this.m = m;
        this.now = now;
        this.reachable = reachable;
    }

    /** The machine's control, at virtual time {@code now}. */
    static OverriddenControl at(VcpuControl m, long now) {
        return new OverriddenControl(m, now, true);
    }

    /** The machine's control at its own time, except that onVcpu never reaches another vCPU. */
    static OverriddenControl unreachable(VcpuControl m) {
        return new OverriddenControl(m, -1, false);
    }

    @Override
    public long nowNanos() {
        return now >= 0 ? now : m.nowNanos();
    }

    @Override
    public boolean onVcpu(int vcpu, Consumer<RegisterAccess> action) {
        return reachable && m.onVcpu(vcpu, action);
    }
}
