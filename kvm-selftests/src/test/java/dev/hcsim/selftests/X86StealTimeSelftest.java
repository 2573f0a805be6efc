package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.CpuidEntry;
import dev.hcsim.core.Exit;
import dev.hcsim.core.MsrEntry;
import dev.hcsim.core.Program;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.selftests.StealTimeRun.Ucall;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tools/testing/selftests/kvm/steal_time.c, its x86 part (torvalds/linux, read at commit 15a9a2ba): MSR_KVM_STEAL_TIME
 * and struct kvm_steal_time (arch/x86/kvm/x86.c kvm_set_msr_common, record_steal_time). The ucalls are, instead of
 * lib/x86/ucall.c's port write (KVM_EXIT_IO, outside hcsim's subset), a vmcall of KVM_HC_MAP_GPA_RANGE that
 * KVM_CAP_EXIT_HYPERCALL sends to the VMM as KVM_EXIT_HYPERCALL; the stage is in r8, what the guest read in r9..r13.
 * st_gva[cpu], the selftest's global synced to the guest, is in rsi; the cpu argument in rdi (vcpu_args_set).
 */
class X86StealTimeSelftest extends StealTimeStatusAssertions {
    @Override
    Ucall[] ucalls(int i) {
        return run(i);
    }

    @Override
    int stealArg() {
        return 4;
    }

    static final long MSR_KVM_STEAL_TIME = 0x4b56_4d03L;
    static final long KVM_MSR_ENABLED = 1;
    /** KVM_STEAL_RESERVED_MASK: ((1 << KVM_STEAL_ALIGNMENT_BITS) - 1) << 1 (arch/x86/include/uapi/asm/kvm_para.h). */
    static final long KVM_STEAL_RESERVED_MASK = 0x3e;
    static final long KVM_CPUID_FEATURES = 0x4000_0001L;
    static final int KVM_FEATURE_STEAL_TIME = 5;
    static final long KVM_CAP_EXIT_HYPERCALL = 201;
    static final long KVM_HC_MAP_GPA_RANGE = 12;

    private static String ucall(int stage) {
        return String.join("\n",
                "    mov $" + stage + ", %r8",
                "    mov $12, %rax",
                "    mov $0, %rbx",
                "    mov $1, %rcx",
                "    mov $0, %rdx",
                "    vmcall                          # ucall " + stage);
    }

    /** check_status's fields and the steal, into r9..r13: version, flags, preempted, steal, version. */
    private static final String READ_STATUS = String.join("\n",
            "    movl 8(%rsi), %eax",
            "    mov %rax, %r9                   # st->version",
            "    movl 12(%rsi), %eax",
            "    mov %rax, %r10                  # st->flags",
            "    movzbl 16(%rsi), %eax",
            "    mov %rax, %r11                  # st->preempted",
            "    mov (%rsi), %rax",
            "    mov %rax, %r12                  # guest_stolen_time[cpu] = st->steal",
            "    mov %r9, %r13                   # version = READ_ONCE(st->version)");

    /** guest_code(cpu). */
    static final String GUEST = String.join("\n",
            "guest:",
            "    mov $0x4b564d03, %rcx",
            "    rdmsr                           # rdmsr(MSR_KVM_STEAL_TIME)",
            "    mov %rax, %r9",
            "    mov %rdx, %r10",
            "    movq $0, (%rsi)                 # memset(st, 0, sizeof(*st))",
            "    movq $0, 8(%rsi)",
            "    movq $0, 16(%rsi)",
            "    movq $0, 24(%rsi)",
            "    movq $0, 32(%rsi)",
            "    movq $0, 40(%rsi)",
            "    movq $0, 48(%rsi)",
            "    movq $0, 56(%rsi)",
            ucall(0),
            READ_STATUS,
            ucall(1),
            "    mov %r9, %r15",
            "    mov $1000000, %r14",
            "wait:",
            "    movl 8(%rsi), %eax              # until the next vCPU load has recorded (the host's steal phase)",
            "    cmp %r15, %rax",
            "    jne again",
            "    sub $1, %r14",
            "    jne wait",
            "again:",
            READ_STATUS,
            ucall(2),
            "steal:",
            "    jmp steal                       # do_steal_time on the vCPU's physical CPU");

    static Vm vm() {
        return Vm.create(VmConfig.builder("x86").vcpus(StealTimeRun.NR_VCPUS).pcpus(1).quantum(200).nanosPerInstruction(1_000_000)
                .memory(0, 0x10000).memory(StealTimeRun.ST_GPA_BASE, 0x1000).build());
    }

    static long stGva(int i) {
        return StealTimeRun.ST_GPA_BASE + (long) i * StealTimeRun.STEAL_TIME_SIZE;
    }

    /** main()'s loop body for vCPU i. */
    static Ucall[] run(int i) {
        Vm vm = vm();
        vm.control().enableCap(KVM_CAP_EXIT_HYPERCALL, 1L << KVM_HC_MAP_GPA_RANGE);
        Program p = vm.assemble(GUEST, 0x1000);
        return StealTimeRun.run(vm, p, i, m -> {
            // steal_time_init: vcpu_set_msr(vcpu, MSR_KVM_STEAL_TIME, st_gva[i] | KVM_MSR_ENABLED), which asserts one MSR set
            assertEquals(1, vm.control().setMsrs(i, new MsrEntry(MSR_KVM_STEAL_TIME, stGva(i) | KVM_MSR_ENABLED)), "KVM_SET_MSRS failed");
            m.registers(i).set("rdi", i);
            m.registers(i).set("rsi", stGva(i));
        }, (r, regs) -> r.exit() instanceof Exit.Hypercall h && h.nr() == KVM_HC_MAP_GPA_RANGE
                ? List.of(regs.get("r8"), regs.get("r9"), regs.get("r10"), regs.get("r11"), regs.get("r12"), regs.get("r13"))
                : null);
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c steal_time_init: vcpu_set_msr(vcpu, MSR_KVM_STEAL_TIME, st_gva | KVM_MSR_ENABLED) sets one MSR")
    void setMsr(int i) {
        assertEquals(1, vm().control().setMsrs(i, new MsrEntry(MSR_KVM_STEAL_TIME, stGva(i) | KVM_MSR_ENABLED)));
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c guest_code: GUEST_ASSERT_EQ(rdmsr(MSR_KVM_STEAL_TIME), ((u64)st_gva[cpu] | KVM_MSR_ENABLED))")
    void rdmsrReadsBack(int i) {
        Ucall sync0 = run(i)[0];
        assertEquals(stGva(i) | KVM_MSR_ENABLED, sync0.arg(2) << 32 | sync0.arg(1));
    }

    @Test
    @DisplayName("steal_time.c check_steal_time_uapi: TEST_ASSERT(ret == 0, 'Bad GPA didn't fail') for ST_GPA_BASE | KVM_STEAL_RESERVED_MASK")
    void reservedBitsRefused() {
        int ret = vm().control().setMsrs(0, new MsrEntry(MSR_KVM_STEAL_TIME, StealTimeRun.ST_GPA_BASE | KVM_STEAL_RESERVED_MASK));
        assertEquals(0, ret, "Bad GPA didn't fail");
    }

    @Test
    @DisplayName("steal_time.c main: TEST_REQUIRE(is_steal_time_supported(vcpus[0])), kvm_cpu_has(X86_FEATURE_KVM_STEAL_TIME)")
    void supported() {
        CpuidEntry features = vm().control().getCpuid(0).stream().filter(e -> e.function() == KVM_CPUID_FEATURES).findFirst().orElseThrow();
        assertTrue((features.eax() >> KVM_FEATURE_STEAL_TIME & 1) != 0, "KVM_CPUID_FEATURES.EAX = 0x" + Long.toHexString(features.eax()));
    }
}
