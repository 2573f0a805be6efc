package dev.hcsim.conformance;

import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;

/** hcsim's own handler behind the {@link TrapHandler} adapter: a fresh VM per call, then {@link Vm#trap}. */
final class HcsimHandler implements TrapHandler {
    static final HcsimHandler INSTANCE = new HcsimHandler();

    private HcsimHandler() {
    }

    @Override
    public Answer trap(VmConfig config, int vcpu, byte[] instruction, RegisterAccess registers, GuestMemory memory, VcpuControl control) {
        return Answer.of(Vm.create(config).trap(vcpu, registers, memory, control, instruction));
    }
}
