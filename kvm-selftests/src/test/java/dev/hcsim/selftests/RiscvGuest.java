package dev.hcsim.selftests;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;

/**
 * The selftests' RISC-V vCPU as a VMM drives it through hcsim: a VM, one hart's registers and memory, and
 * KVM_RUN of one {@code ecall} (tools/testing/selftests/kvm/lib/riscv/processor.c sbi_ecall).
 */
final class RiscvGuest {
    static final long CODE = 0x1000;

    final Vm vm;
    final RegisterFile regs;
    final SparseMemory mem;

    RiscvGuest(VmConfig config) {
        vm = Vm.create(config);
        regs = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(0, regs);
        mem = new SparseMemory(config.memory());
        byte[] code = vm.assemble("ecall", CODE).bytes();
        mem.write(CODE, code, 0, code.length);
    }

    /** vm_create_with_one_vcpu with 64 KiB at 0 and one page at 1 GiB (the selftests' snapshot and steal-time page). */
    static VmConfig.Builder config() {
        return VmConfig.builder("riscv").vcpus(1).memory(0, 0x10000).memory(1L << 30, 0x1000);
    }

    /** sbi_ecall(ext, fid, arg0..arg5): struct sbiret {error = a0, value = a1}, answered in the kernel. */
    long[] sbiEcall(long ext, long fid, long... args) {
        regs.pc(CODE);
        regs.set("a7", ext);
        regs.set("a6", fid);
        for (int i = 0; i < 6; i++) {
            regs.set("a" + i, i < args.length ? args[i] : 0);
        }
        TrapResult t = vm.trap(0, regs, mem, VcpuControl.NONE);
        if (t.outcome() == Outcome.EXIT_TO_HOST) {
            throw new AssertionError("unexpected exit to the VMM for EID 0x" + Long.toHexString(ext) + ": " + t.exit());
        }
        return new long[] {regs.get("a0"), regs.get("a1")};
    }
}
