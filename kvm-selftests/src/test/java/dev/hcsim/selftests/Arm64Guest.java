package dev.hcsim.selftests;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;

/**
 * The selftests' arm64 vCPU as a VMM drives it through hcsim: a VM, one vCPU's registers and
 * memory, and KVM_RUN of one {@code hvc #0} or {@code smc #0} (the selftests' smccc_hvc/smccc_smc).
 */
final class Arm64Guest {
    static final long CODE = 0x1000;
    /** SMCCC_RET_NOT_SUPPORTED as the 64-bit x0. */
    static final long NOT_SUPPORTED = -1L;

    /**
     * The ports' ucall function: SMC64 OEM service call 0, which {@link #forwardUcalls} has the SMCCC filter forward
     * to the VMM (KVM_EXIT_HYPERCALL), in place of lib/arm64/ucall.c's MMIO write (KVM_EXIT_MMIO, outside hcsim's subset).
     */
    static final long UCALL_FN = 0xC300_0000L;
    /** KVM_SMCCC_FILTER_FWD_TO_USER. */
    static final int KVM_SMCCC_FILTER_FWD_TO_USER = 2;

    /** KVM_SET_DEVICE_ATTR KVM_ARM_VM_SMCCC_CTRL / KVM_ARM_VM_SMCCC_FILTER {base = UCALL_FN, nr_functions = 1, FWD_TO_USER}. */
    static void forwardUcalls(Vm vm) {
        vm.control().setDeviceAttr(0, 0, java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) UCALL_FN)
                .putInt(1).put((byte) KVM_SMCCC_FILTER_FWD_TO_USER).array());
    }

    final Vm vm;
    final RegisterFile regs;
    final SparseMemory mem;

    Arm64Guest(VmConfig config) {
        vm = Vm.create(config);
        regs = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(0, regs);
        mem = new SparseMemory(config.memory());
    }

    /** The selftests' default arm64 VM: one vCPU with PSCI 0.2+, PTP available on the host, 1 GiB + a page of memory. */
    static VmConfig.Builder config() {
        return VmConfig.builder("arm64").vcpus(1).memory(0, 0x10000).memory(1L << 30, 0x1000).feature("ptp", true);
    }

    /** smccc_hvc / smccc_smc(func_id, arg1, 0...): one KVM_RUN that traps on the instruction. */
    TrapResult call(String insn, long funcId, long arg1) {
        byte[] code = vm.assemble(insn, CODE).bytes();
        mem.write(CODE, code, 0, code.length);
        regs.pc(CODE);
        regs.set("x0", funcId);
        regs.set("x1", arg1);
        for (int i = 2; i <= 7; i++) {
            regs.set("x" + i, 0);
        }
        return vm.trap(0, regs, mem, VcpuControl.NONE);
    }

    /** res.a0 after an in-kernel answer. */
    long hvc(long funcId, long arg1) {
        TrapResult t = call("hvc #0", funcId, arg1);
        if (t.outcome() == Outcome.EXIT_TO_HOST) {
            throw new AssertionError("unexpected exit to the VMM for 0x" + Long.toHexString(funcId) + ": " + t.exit());
        }
        return regs.get("x0");
    }
}
