package dev.hcsim.bench;

import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import java.util.List;
import java.util.Map;

/**
 * The guest side of every benchmark, per architecture: the cheapest hypercall of the embedded trap
 * path (issue 9's list) and a tight loop without traps for the interpreter. One table, so that the
 * JMH benchmarks and the QEMU side-by-side run the same instructions.
 */
final class Guests {
    /** Where code is placed (inside every architecture's memory and clear of its low reserved areas). */
    static final long CODE = 0x1000;
    /** Loop counters start here: far more iterations than any benchmark runs, so the loop never exits. */
    static final long FOREVER = 1L << 40;

    /**
     * The cheapest call of one architecture: its trap instruction, the registers that select the
     * call, the register the answer lands in and the answer KVM gives.
     */
    record CheapestCall(String arch, String instruction, Map<String, Long> registers, String resultRegister, long expected) {
    }

    /** Issue 9's list. Answers from the kernel sources named in each comment. */
    /**
     * A call's selecting registers resolved to indices once, so that a benchmark loop sets them
     * without name lookups or boxing, and the register its answer lands in.
     */
    record Preset(int[] registers, long[] values, int result) {
        static Preset of(CheapestCall call, RegisterLayout layout) {
            return new Preset(call.registers().keySet().stream().mapToInt(layout::require).toArray(),
                    call.registers().keySet().stream().mapToLong(call.registers()::get).toArray(), layout.require(call.resultRegister()));
        }

        /** Sets the PC to {@link #CODE} and the selecting registers. */
        void apply(RegisterFile r) {
            r.pc(CODE);
            for (int i = 0; i < registers.length; i++) {
                r.set(registers[i], values[i]);
            }
        }
    }

    static final List<CheapestCall> CHEAPEST = List.of(
            // arch/x86/kvm/x86.c kvm_emulate_hypercall: KVM_HC_VAPIC_POLL_IRQ returns 0.
            new CheapestCall("x86", "vmcall", Map.of("rax", 1L), "rax", 0),
            // arch/arm64/kvm/hypercalls.c kvm_smccc_call_handler: SMCCC_VERSION answers ARM_SMCCC_VERSION_1_1.
            new CheapestCall("arm64", "hvc #0", Map.of("x0", 0x8000_0000L), "x0", 0x10001),
            // arch/loongarch/kvm/exit.c kvm_handle_pv_service: an unknown function answers KVM_HCALL_INVALID_CODE (-1).
            new CheapestCall("loongarch", "hvcl 0x100", Map.of("a0", 0x4242L), "a0", -1),
            // QEMU hw/s390x/s390-hypercall.c handle_storage_limit (DIAG 0x500 subcode 4): the end of RAM, minus one.
            new CheapestCall("s390", "diag %r2,%r4,0x500", Map.of("r1", 4L), "r2", 0xFFFF),
            // arch/powerpc/kvm/powerpc.c kvmppc_kvm_pv: KVM_HC_FEATURES answers EV_SUCCESS in r3.
            new CheapestCall("ppc", "sc", Map.of("r0", 0x4b56_4d21L, "r11", (42L << 16) | 3), "r3", 0),
            // arch/mips/kvm/vz.c / emulate.c kvm_mips_emul_hypcall: every number answers -KVM_ENOSYS.
            new CheapestCall("mips", "hypcall", Map.of("v0", 0x4242L), "v0", -1000),
            // arch/riscv/kvm/vcpu_sbi_base.c kvm_sbi_ext_base_handler: GET_SPEC_VERSION answers 3.0 in a1 (a0 = 0).
            new CheapestCall("riscv", "ecall", Map.of("a7", 0x10L, "a6", 0L), "a1", 0x0300_0000));

    /**
     * A tight loop per architecture (counter down, one add, branch back), in each architecture's
     * own assembly; the counter register starts at {@link #FOREVER}.
     */
    record Loop(String arch, String source, String counter, int instructionsPerIteration) {
    }

    static final List<Loop> LOOPS = List.of(
            new Loop("x86", "loop: add $1, %rax\n sub $1, %rcx\n jne loop", "rcx", 3),
            new Loop("arm64", "loop: add x0, x0, #1\n sub x1, x1, #1\n cbnz x1, loop", "x1", 3),
            new Loop("loongarch", "loop: addi.d $a0, $a0, 1\n addi.d $a1, $a1, -1\n bnez $a1, loop", "a1", 3),
            new Loop("s390", "loop: aghi %r2,1\n aghi %r3,-1\n jnz loop", "r3", 3),
            new Loop("ppc", "loop: addi r4,r4,1\n addi r5,r5,-1\n cmpdi r5,0\n bne loop", "r5", 4),
            new Loop("mips", "loop: daddiu $4,$4,1\n daddiu $5,$5,-1\n bnez $5,loop\n nop", "$5", 4),
            new Loop("riscv", "loop: addi a0, a0, 1\n addi a1, a1, -1\n bnez a1, loop", "a1", 3));

    /**
     * Straight-line code per architecture: 28 instructions without a branch (7 times: add an immediate, or the result
     * into another register, add another immediate, or that into a fourth), then the counter's decrement and the
     * branch back, so that one instruction in 30 (32 on ppc and mips) is a branch.
     */
    static final List<Loop> STRAIGHT = List.of(
            straight("x86", "add $1, %rax\n or %rax, %rdx\n add $3, %rsi\n or %rsi, %rdi\n", "sub $1, %rcx\n jne loop", "rcx", 2),
            straight("arm64", "add x0, x0, #1\n add x2, x2, x0\n add x3, x3, #3\n add x4, x4, x3\n", "sub x1, x1, #1\n cbnz x1, loop", "x1", 2),
            straight("loongarch", "addi.d $a0, $a0, 1\n or $a2, $a2, $a0\n addi.d $a3, $a3, 3\n or $a4, $a4, $a3\n",
                    "addi.d $a1, $a1, -1\n bnez $a1, loop", "a1", 2),
            straight("s390", "aghi %r2,1\n sgr %r4,%r2\n aghi %r5,3\n sgr %r6,%r5\n", "aghi %r3,-1\n jnz loop", "r3", 2),
            straight("ppc", "addi r4,r4,1\n or r6,r6,r4\n addi r7,r7,3\n or r8,r8,r7\n", "addi r5,r5,-1\n cmpdi r5,0\n bne loop", "r5", 3),
            straight("mips", "daddiu $4,$4,1\n or $6,$6,$4\n daddiu $7,$7,3\n or $8,$8,$7\n", "daddiu $5,$5,-1\n bnez $5,loop\n nop", "$5", 3),
            straight("riscv", "addi a0, a0, 1\n or a2, a2, a0\n addi a3, a3, 3\n or a4, a4, a3\n", "addi a1, a1, -1\n bnez a1, loop", "a1", 2));

    private static Loop straight(String arch, String four, String tail, String counter, int tailLength) {
        return new Loop(arch, "loop: " + four.repeat(7) + tail, counter, 28 + tailLength);
    }

    private Guests() {
    }

    /**
     * Moves what a set-up built into the old generation, where an emulator's or a long scenario's
     * VM lives after its first collections: there every reference stored into it pays the
     * collector's full write barrier, which a benchmark of freshly allocated (young) objects would
     * never see. Every benchmark calls it at the end of its set-up.
     */
    static void settle() {
        System.gc();
    }

    static CheapestCall cheapest(String arch) {
        return CHEAPEST.stream().filter(c -> c.arch().equals(arch)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no cheapest call for " + arch));
    }

    static Loop straight(String arch) {
        return STRAIGHT.stream().filter(c -> c.arch().equals(arch)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no straight-line code for " + arch));
    }

    static Loop loop(String arch) {
        return LOOPS.stream().filter(c -> c.arch().equals(arch)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no loop for " + arch));
    }

    /** The memory every embedded benchmark passes: 64 KiB at 0, the code at {@link #CODE}. */
    static SparseMemory memoryWith(Vm vm, String source) {
        SparseMemory m = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        byte[] code = vm.assemble(source, CODE).bytes();
        m.write(CODE, code, 0, code.length);
        return m;
    }

    /** Sets {@code values} by register name. */
    static void set(RegisterFile regs, Map<String, Long> values) {
        values.forEach(regs::set);
    }

    /** A one-vCPU machine running {@code source} from {@link #CODE} with the quantum as long as the run. */
    static Machine machine(String arch, String source, Map<String, Long> registers) {
        Vm vm = Vm.create(VmConfig.builder(arch).vcpus(1).pcpus(1).quantum(Long.MAX_VALUE).build());
        Machine m = new Machine(vm, "bench");
        m.load(CODE, vm.assemble(source, CODE).bytes());
        RegisterFile r = m.registers(0);
        r.pc(CODE);
        set(r, registers);
        m.initialState(0, VcpuState.RUNNABLE);
        return m;
    }
}
