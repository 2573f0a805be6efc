package dev.hcsim.arch.arm64;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;

/** A VM with the scheduler attached, for taking single traps on chosen vCPUs in chosen states. */
final class Harness {
    static final long AT = 0x1000;

    final Vm vm;
    final Machine m;

    Harness(VmConfig config) {
        this.vm = Vm.create(config);
        this.m = new Machine(vm, "t");
    }

    static Harness of(int vcpus, String... options) {
        VmConfig.Builder b = VmConfig.builder("arm64").vcpus(vcpus);
        for (int i = 0; i + 1 < options.length; i += 2) {
            b.option(options[i], options[i + 1]);
        }
        return new Harness(b.build());
    }

    Harness state(int vcpu, VcpuState s) {
        m.initialState(vcpu, s);
        return this;
    }

    RegisterFile regs(int vcpu) {
        return m.registers(vcpu);
    }

    Arm64Vm arm() {
        return vm.archState(Arm64Vm.class);
    }

    /** Places {@code insn} (assembly or raw bytes) at 0x1000 and traps there on {@code vcpu} with x0..x3 = {@code x}. */
    TrapResult trap(int vcpu, String insn, long... x) {
        m.load(AT, vm.assemble(insn, AT).bytes());
        return trapAt(vcpu, x);
    }

    TrapResult trapBytes(int vcpu, byte[] bytes, long... x) {
        m.load(AT, bytes);
        return trapAt(vcpu, x);
    }

    private TrapResult trapAt(int vcpu, long... x) {
        RegisterFile r = m.registers(vcpu);
        r.pc(AT);
        for (int i = 0; i < x.length; i++) {
            r.set(i, x[i]);
        }
        return vm.trap(vcpu, r, m.memory(), m);
    }

    TrapResult hvc(long... x) {
        return trap(0, "hvc #0", x);
    }

    long x(int i) {
        return m.registers(0).get(i);
    }

    /** Asserts x0, x1, ... of {@code vcpu} are {@code x}, in order (as many as given). */
    void assertResults(int vcpu, long... x) {
        for (int i = 0; i < x.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(x[i], regs(vcpu).get(i), "x" + i);
        }
    }
}
