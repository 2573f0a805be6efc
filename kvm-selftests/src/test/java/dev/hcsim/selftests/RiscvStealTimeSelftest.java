package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Errno;
import dev.hcsim.core.Exit;
import dev.hcsim.core.KvmControl;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.selftests.StealTimeRun.Ucall;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tools/testing/selftests/kvm/steal_time.c, its RISC-V part (torvalds/linux, read at commit 15a9a2ba; line numbers of
 * that commit): SBI STA (arch/riscv/kvm/vcpu_sbi_sta.c). The guest's ucalls are what lib/riscv/ucall.c makes them, an
 * ecall to KVM_RISCV_SELFTESTS_SBI_EXT (SBI_EXT_EXPERIMENTAL_END) that KVM forwards as KVM_EXIT_RISCV_SBI; the
 * guest reports what it read in the ucall's a0..a5 instead of asserting in the guest. get_run_delay() is the
 * scheduler's {@link Machine#stealNanos}; the selftest's steal thread pinned to the vCPU's CPU is a second hart
 * spinning on the only physical CPU.
 */
class RiscvStealTimeSelftest extends StealTimeMainAssertions {
    @Override
    Ucall[] ucalls(int i) {
        return run(i);
    }

    @Override
    int stealArg() {
        return 4;
    }

    static final long SBI_EXT_BASE = 0x10;
    static final long SBI_EXT_BASE_PROBE_EXT = 3;
    static final long SBI_EXT_STA = 0x535441;
    static final long UCALL_EXT = 0x08FF_FFFFL; // KVM_RISCV_SELFTESTS_SBI_EXT = SBI_EXT_EXPERIMENTAL_END
    static final long ST_GPA_BASE = 1L << 30;
    static final int NR_VCPUS = 4;
    static final int STEAL_TIME_SIZE = 64;
    static final long MIN_RUN_DELAY_NS = 200_000_000L; // test_util.h
    static final long INVALID_GPA = -1L;
    // KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_SBI_STATE | KVM_REG_RISCV_SBI_STA | shmem_lo (arch/riscv/include/uapi/asm/kvm.h)
    static final long STA_SHMEM_LO = 0x8000_0000_0000_0000L | 0x0030_0000_0000_0000L | 9L << 24;
    // RISCV_SBI_EXT_REG(KVM_RISCV_SBI_EXT_STA): KVM_REG_RISCV_SBI_EXT (8 << 24), SINGLE, index 10
    static final long SBI_EXT_STA_REG = 0x8000_0000_0000_0000L | 0x0030_0000_0000_0000L | 8L << 24 | 10;

    /** guest_code(cpu) with its ucalls: SYNC(0) a1..a4 = probe error/out_val, set_shmem error/value; SYNC(1) and DONE a1..a5 = sequence, flags, preempted, steal, the sequence read for the comparison. */
    static final String GUEST = String.join("\n",
            "guest:",
            "    mv s0, a0",
            "    slli s1, s0, 6",
            "    li t0, 0x40000000",
            "    add s1, s1, t0              # st_gpa[cpu] = ST_GPA_BASE + cpu * STEAL_TIME_SIZE",
            "    li a0, 0x535441",
            "    li a6, 3",
            "    li a7, 0x10",
            "    ecall                       # guest_sbi_probe_extension(SBI_EXT_STA)",
            "    mv s2, a0",
            "    mv s3, a1",
            "    mv a0, s1",
            "    li a1, 0",
            "    li a2, 0",
            "    li a6, 0",
            "    li a7, 0x535441",
            "    ecall                       # sta_set_shmem(st_gpa[cpu], 0)",
            "    mv a4, a1",
            "    mv a3, a0",
            "    mv a2, s3",
            "    mv a1, s2",
            "    li a0, 0",
            "    li a6, 0",
            "    li a7, 0x08ffffff",
            "    ecall                       # GUEST_SYNC(0)",
            "    lw a1, 0(s1)",
            "    lw a2, 4(s1)",
            "    lbu a3, 16(s1)",
            "    ld a4, 8(s1)                # guest_stolen_time[cpu] = st->steal",
            "    lw s3, 0(s1)                # sequence",
            "    mv a5, s3",
            "    li a0, 1",
            "    li a6, 0",
            "    li a7, 0x08ffffff",
            "    ecall                       # GUEST_SYNC(1)",
            "    li s4, 1000000",
            "wait:",
            "    lw a1, 0(s1)                # until the next vCPU load has recorded (the host's steal phase)",
            "    bne a1, s3, again",
            "    addi s4, s4, -1",
            "    bnez s4, wait",
            "again:",
            "    lw a2, 4(s1)",
            "    lbu a3, 16(s1)",
            "    ld a4, 8(s1)",
            "    lw a5, 0(s1)",
            "    li a0, 2",
            "    li a6, 0",
            "    li a7, 0x08ffffff",
            "    ecall                       # GUEST_DONE()",
            "steal:",
            "    j steal                     # do_steal_time on the vCPU's physical CPU");

    /** main()'s loop body for vCPU {@code i}: the ucalls SYNC(0), SYNC(1), DONE in order. */
    static Ucall[] run(int i) {
        Vm vm = Vm.create(VmConfig.builder("riscv").vcpus(NR_VCPUS).pcpus(1).quantum(200).nanosPerInstruction(1_000_000)
                .memory(0, 0x10000).memory(ST_GPA_BASE, 0x1000).build());
        var prog = vm.assemble(GUEST, 0x1000);
        return StealTimeRun.run(vm, prog, i, m -> m.registers(i).set("a0", i), // vcpu_args_set(vcpus[i], 1, i)
                (r, regs) -> r.exit() instanceof Exit.RiscvSbi s && s.extensionId() == UCALL_EXT ? s.args() : null);
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c:281 guest_code: GUEST_ASSERT(probe && out_val == 1)")
    void probe(int i) {
        Ucall sync0 = run(i)[0];
        assertEquals(0, sync0.args().get(1), "probe: sbiret.error == 0");
        assertEquals(1, sync0.args().get(2), "out_val == 1");
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c:263 sta_set_shmem: GUEST_ASSERT(ret.value == 0 && ret.error == 0)")
    void setShmem(int i) {
        Ucall sync0 = run(i)[0];
        assertEquals(0, sync0.args().get(3), "ret.error");
        assertEquals(0, sync0.args().get(4), "ret.value");
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c:268 check_status: GUEST_ASSERT(!(READ_ONCE(st->sequence) & 1)), before and after each sync")
    void sequenceEven(int i) {
        StealTimeRun.assertEven(run(i), 1);
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c:269 check_status: GUEST_ASSERT(READ_ONCE(st->flags) == 0)")
    void flagsZero(int i) {
        StealTimeRun.assertStatus(run(i), 2, 0);
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c:270 check_status: GUEST_ASSERT(READ_ONCE(st->preempted) == 0)")
    void preemptedZero(int i) {
        StealTimeRun.assertStatus(run(i), 3, 0);
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c:293 guest_code: GUEST_ASSERT(sequence < READ_ONCE(st->sequence))")
    void sequenceGrows(int i) {
        StealTimeRun.assertGrows(run(i), 5);
    }

    @Test
    @DisplayName("steal_time.c:304 is_steal_time_supported: TEST_ASSERT(enabled == 0 || enabled == 1, 'Expected boolean result')")
    void enabledIsBoolean() {
        long enabled = Vm.create(VmConfig.builder("riscv").build()).control().getOneReg(0, SBI_EXT_STA_REG);
        assertTrue(enabled == 0 || enabled == 1, String.valueOf(enabled));
    }

    @Test
    @DisplayName("steal_time.c:527 main: TEST_REQUIRE(is_steal_time_supported(vcpus[0]))")
    void supported() {
        assertEquals(1, Vm.create(VmConfig.builder("riscv").build()).control().getOneReg(0, SBI_EXT_STA_REG));
    }

    @Test
    @DisplayName("steal_time.c:351 check_steal_time_uapi: TEST_ASSERT(ret == -1 && errno == EINVAL, 'misaligned STA shmem returns -EINVAL')")
    void misalignedShmem() {
        KvmControl c = Vm.create(VmConfig.builder("riscv").build()).control();
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> c.setOneReg(0, STA_SHMEM_LO, ST_GPA_BASE + 1)).errno());
    }

    @Test
    @DisplayName("steal_time.c:356 check_steal_time_uapi: TEST_ASSERT(ret == 0, 'aligned STA shmem succeeds')")
    void alignedShmem() {
        KvmControl c = Vm.create(VmConfig.builder("riscv").build()).control();
        c.setOneReg(0, STA_SHMEM_LO, ST_GPA_BASE);
        assertEquals(ST_GPA_BASE, c.getOneReg(0, STA_SHMEM_LO));
    }

    @Test
    @DisplayName("steal_time.c:361 check_steal_time_uapi: TEST_ASSERT(ret == 0, 'all-ones for STA shmem succeeds')")
    void allOnesShmem() {
        KvmControl c = Vm.create(VmConfig.builder("riscv").build()).control();
        c.setOneReg(0, STA_SHMEM_LO, ST_GPA_BASE);
        c.setOneReg(0, STA_SHMEM_LO, INVALID_GPA);
        assertEquals(INVALID_GPA, c.getOneReg(0, STA_SHMEM_LO));
    }
}
