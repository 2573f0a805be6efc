package dev.hcsim.arch.riscv;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;

/** A RISC-V VM with the scheduler attached, for taking single ecalls on chosen vCPUs in chosen states. */
final class Harness {
    static final long AT = 0x1000;

    final Vm vm;
    final Machine m;

    Harness(VmConfig config) {
        this.vm = Vm.create(config);
        this.m = new Machine(vm, "t");
    }

    /** {@code vcpus} harts, 1 MiB of RAM at 0, then option/feature pairs: on/off values are features ("sbi-dbcn=on"), others options ("host-pmu=sscofpmf"). */
    static Harness of(int vcpus, String... settings) {
        VmConfig.Builder b = VmConfig.builder("riscv").vcpus(vcpus).memory(0, 0x10_0000);
        for (String s : settings) {
            String[] kv = s.split("=", 2);
            if (kv[1].equals("on") || kv[1].equals("off")) {
                b.feature(kv[0], kv[1].equals("on"));
            } else {
                b.option(kv[0], kv[1]);
            }
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

    RiscvVm riscv() {
        return vm.archState(RiscvVm.class);
    }

    /** An ecall at 0x1000 on {@code vcpu} with a7 = eid, a6 = fid and a0.. = {@code a}. */
    TrapResult ecall(int vcpu, long eid, long fid, long... a) {
        m.load(AT, vm.assemble("ecall", AT).bytes());
        RegisterFile r = m.registers(vcpu);
        r.pc(AT);
        r.set(RiscvRegisters.A7, eid);
        r.set(RiscvRegisters.A6, fid);
        for (int i = 0; i < a.length; i++) {
            r.set(RiscvRegisters.A0 + i, a[i]);
        }
        return vm.trap(vcpu, r, m.memory(), m);
    }

    TrapResult ecall(long eid, long fid, long... a) {
        return ecall(0, eid, fid, a);
    }

    long a(int i) {
        return m.registers(0).get(RiscvRegisters.A0 + i);
    }

    long a(int vcpu, int i) {
        return m.registers(vcpu).get(RiscvRegisters.A0 + i);
    }
}
