package dev.hcsim.core.testing;

import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import java.util.function.Consumer;

/**
 * A {@link VcpuControl} that hands every call to another one; a test double overrides only what it changes (the
 * virtual time it reports, a call it records), as Guava's {@code Forwarding*} classes do for collections.
 */
public class ForwardingVcpuControl implements VcpuControl {
    private final VcpuControl delegate;

    /** @param delegate the control every call goes to unless a subclass overrides it */
    public ForwardingVcpuControl(VcpuControl delegate) {
        this.delegate = delegate;
    }

    @Override
    public VcpuState state(int vcpu) {
        return delegate.state(vcpu);
    }

    @Override
    public void kick(int vcpu) {
        delegate.kick(vcpu);
    }

    @Override
    public void interrupt(int vcpu, int vector) {
        delegate.interrupt(vcpu, vector);
    }

    @Override
    public boolean start(int vcpu, long entry, int contextRegister, long context) {
        return delegate.start(vcpu, entry, contextRegister, context);
    }

    @Override
    public void stop(int vcpu) {
        delegate.stop(vcpu);
    }

    @Override
    public long nowNanos() {
        return delegate.nowNanos();
    }

    @Override
    public boolean onVcpu(int vcpu, Consumer<RegisterAccess> action) {
        return delegate.onVcpu(vcpu, action);
    }

    @Override
    public void armTimer(int vcpu, long atNanos) {
        delegate.armTimer(vcpu, atNanos);
    }
}
