package dev.hcsim.arch.s390;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Fault;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;

/** A VM with a standalone machine as the vCPU control, for taking single traps in tests. */
final class Rig {
    static final long PC = 0x2000;

    final Vm vm;
    final Machine m;

    Rig(VmConfig config) {
        this.vm = Engine.create(new S390Architecture(), config);
        this.m = new Machine(vm, "rig");
    }

    static Rig of(int vcpus) {
        return new Rig(VmConfig.builder("s390").vcpus(vcpus).build());
    }

    static Rig of(VmConfig.Builder b) {
        return new Rig(b.build());
    }

    S390Vm state() {
        return vm.archState(S390Vm.class);
    }

    RegisterFile regs(int vcpu) {
        return m.registers(vcpu);
    }

    RegisterFile regs() {
        return regs(0);
    }

    /** Puts {@code insn} (assembly) at {@link #PC} and takes the trap on vCPU {@code vcpu}. */
    TrapResult trap(int vcpu, String insn) {
        byte[] bytes = vm.assemble(insn, PC).bytes();
        m.load(PC, bytes);
        regs(vcpu).pc(PC);
        return vm.trap(vcpu, regs(vcpu), m.memory(), m);
    }

    TrapResult trap(String insn) {
        return trap(0, insn);
    }

    /** Takes a trap on raw instruction bytes given as hex. */
    TrapResult trapHex(int vcpu, String hex) {
        byte[] bytes = Bytes.parseHex(hex);
        m.load(PC, bytes);
        regs(vcpu).pc(PC);
        return vm.trap(vcpu, regs(vcpu), m.memory(), m);
    }

    long read(long gpa, int size) {
        byte[] b = new byte[size];
        if (!m.memory().read(gpa, b, 0, size)) {
            throw new AssertionError("not memory: 0x" + Long.toHexString(gpa));
        }
        return Bytes.get(b, 0, size, true);
    }

    void write(long gpa, int size, long value) {
        byte[] b = new byte[size];
        Bytes.put(b, 0, size, value, true);
        m.load(gpa, b);
    }

    void state(int vcpu, VcpuState s) {
        m.initialState(vcpu, s);
    }

    /** Program interruption code stored in the lowcore of {@code vcpu}'s prefix (written only when delivered). */
    long pgmCode(int vcpu) {
        return read((regs(vcpu).get(S390Registers.PREFIX) & S390Registers.PREFIX_MASK) + 0x8E, 2);
    }

    /** The program-interruption code of the fault of {@code vcpu}'s last trap, or -1 when it did not fault. */
    int faultCode(int vcpu) {
        return Engine.context(vm).frame(vcpu).fault() instanceof Fault.S390 f ? f.interruptionCode() : -1;
    }
}
