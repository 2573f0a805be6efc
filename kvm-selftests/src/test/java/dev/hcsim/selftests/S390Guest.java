package dev.hcsim.selftests;

import dev.hcsim.core.Exit;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.HostHandler;
import dev.hcsim.core.sched.Machine;

/**
 * The selftests' s390 vCPU as a VMM drives it through hcsim: vm_create_with_one_vcpu, the guest code loaded, and
 * vcpu_run as a machine run that ends at the vCPU's next exit to the VMM ({@link HostHandler#STAY_EXITED}); the next
 * vcpu_run is {@link Machine#reenter}.
 */
final class S390Guest {
    static final long CODE = 0x10000;

    final Vm vm;
    final Machine m;

    /** A one-vCPU VM with 4 MiB at 0; {@code options} as name, value pairs. */
    S390Guest(String source, String... options) {
        VmConfig.Builder b = VmConfig.builder("s390").vcpus(1).memory(0, 4L << 20);
        for (int i = 0; i < options.length; i += 2) {
            b.option(options[i], options[i + 1]);
        }
        vm = Vm.create(b.build());
        m = new Machine(vm, "s390-selftest");
        m.load(CODE, vm.assemble(source, CODE).bytes());
        m.registers(0).pc(CODE);
        m.host((vcpu, r) -> HostHandler.STAY_EXITED);
    }

    /** vcpu_run: the first run, or the next after an exit. */
    TrapResult run() {
        if (m.stateOf(0) == dev.hcsim.core.VcpuState.EXITED) {
            m.reenter(0);
        }
        m.run(100_000, Long.MAX_VALUE);
        return Engine.context(vm).frame(0);
    }

    /** run->exit_reason's record after the run (the frame's exit while the vCPU waits at it). */
    Exit exit() {
        return Engine.context(vm).frame(0).exit();
    }

    long gpr(int i) {
        return m.registers(0).get(i);
    }
}
