package dev.hcsim.arch.x86;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;

/**
 * Test helper: a VM with Hyper-V exposed and a guest OS ID written, a {@code vmcall} at 0x1000 on every vCPU's path,
 * and the 64-bit (RCX, RDX, R8) or 32-bit (EDX:EAX, EBX:ECX, EDI:ESI) convention of arch/x86/kvm/hyperv.c
 * kvm_hv_hypercall.
 */
final class HvGuest {
    static final long CODE = 0x1000;
    final Vm vm;
    final Machine m;
    TrapResult last;

    HvGuest(VmConfig.Builder b) {
        this.vm = Vm.create(b.build());
        this.m = new Machine(vm, "hv");
        m.load(CODE, vm.option("vendor").equals("amd") ? new byte[] {0x0f, 0x01, (byte) 0xd9} : new byte[] {0x0f, 0x01, (byte) 0xc1});
    }

    static VmConfig.Builder config(int vcpus) {
        return VmConfig.builder("x86").vcpus(vcpus).feature(X86Architecture.HYPERV, true);
    }

    static HvGuest of(int vcpus) {
        return new HvGuest(config(vcpus));
    }

    RegisterFile regs(int vcpu) {
        return m.registers(vcpu);
    }

    X86Hyperv hv() {
        return vm.archState(X86Vm.class).hyperv();
    }

    /** A 64-bit hypercall: RCX = control, RDX = input, R8 = output; returns RAX. */
    long call(int vcpu, long control, long in, long out) {
        RegisterFile r = regs(vcpu);
        r.pc(CODE);
        r.set(X86Registers.RCX, control);
        r.set(X86Registers.RDX, in);
        r.set(8, out);
        last = vm.trap(vcpu, r, m.memory(), m);
        return r.get(X86Registers.RAX);
    }

    long call(long control, long in, long out) {
        return call(0, control, in, out);
    }

    /** A 32-bit hypercall: EDX:EAX = control, EBX:ECX = input, EDI:ESI = output; returns EDX:EAX. */
    long call32(long control, long in, long out) {
        RegisterFile r = regs(0);
        r.set(X86Registers.EFER_LMA, 0);
        r.set(X86Registers.CS_L, 0);
        r.pc(CODE);
        r.set(X86Registers.RDX, control >>> 32);
        r.set(X86Registers.RAX, control & 0xFFFF_FFFFL);
        r.set(X86Registers.RBX, in >>> 32);
        r.set(X86Registers.RCX, in & 0xFFFF_FFFFL);
        r.set(X86Registers.RDI, out >>> 32);
        r.set(X86Registers.RSI, out & 0xFFFF_FFFFL);
        last = vm.trap(0, r, m.memory(), m);
        return (r.get(X86Registers.RDX) << 32) | (r.get(X86Registers.RAX) & 0xFFFF_FFFFL);
    }

    void xmm(int vcpu, int n, long lo, long hi) {
        regs(vcpu).setVector(n, false, lo);
        regs(vcpu).setVector(n, true, hi);
    }

    Outcome outcome() {
        return last.outcome();
    }

    /** Writes little-endian 64-bit words at {@code gpa}. */
    void words(long gpa, long... w) {
        byte[] b = new byte[8 * w.length];
        for (int i = 0; i < w.length; i++) {
            dev.hcsim.core.Bytes.put(b, 8 * i, 8, w[i], false);
        }
        m.load(gpa, b);
    }

    /** The control word: code, fast, var_cnt, rep_cnt, rep_idx (include/asm-generic/hyperv-tlfs.h HV_HYPERCALL_*). */
    static long control(int code, boolean fast, int varCnt, int repCnt, int repIdx) {
        return code | (fast ? 1L << 16 : 0) | ((long) varCnt << 17) | ((long) repCnt << 32) | ((long) repIdx << 48);
    }
}
