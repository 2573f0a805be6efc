package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.KvmControl;
import dev.hcsim.core.Program;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.selftests.StealTimeRun.Ucall;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tools/testing/selftests/kvm/steal_time.c, its LoongArch part (torvalds/linux, read at commit 15a9a2ba): the
 * KVM_LOONGARCH_VCPU_PVTIME_CTRL / KVM_LOONGARCH_VCPU_PVTIME_GPA attribute and struct kvm_steal_time
 * (arch/loongarch/kvm/vcpu.c kvm_loongarch_pvtime_set_attr, kvm_update_stolen_time). The ucalls are, instead of
 * lib/loongarch/ucall.c's MMIO write (KVM_EXIT_MMIO, outside hcsim's subset), {@code hvcl 0x102}
 * (KVM_HCALL_USER_SERVICE) with KVM_FEATURE_USER_HCALL on, which exits to the VMM as KVM_EXIT_HYPERCALL with a0..a5:
 * the stage in a0, what the guest read in a1..a5. st_gva[cpu], the selftest's global synced to the guest, is in a1 at
 * entry; the cpu argument in a0 (vcpu_args_set).
 */
class LoongArchStealTimeSelftest extends StealTimeStatusAssertions {
    @Override
    Ucall[] ucalls(int i) {
        return run(i);
    }

    @Override
    int stealArg() {
        return 4;
    }

    static final long KVM_LOONGARCH_VCPU_CPUCFG = 0;
    static final long CPUCFG_KVM_FEATURE = 0x4000_0004L;
    static final int KVM_FEATURE_STEAL_TIME = 2;
    static final long KVM_LOONGARCH_VCPU_PVTIME_CTRL = 1;
    static final long KVM_LOONGARCH_VCPU_PVTIME_GPA = 0;
    static final long KVM_STEAL_PHYS_VALID = 1;
    static final long KVM_HCALL_USER_SERVICE = 0x102;

    private static String ucall(int stage) {
        return "    li.d $a0, " + stage + "\n    hvcl 0x102                      # ucall " + stage;
    }

    private static final String READ_STATUS = String.join("\n",
            "    ld.w $a1, $s0, 8                # st->version",
            "    ld.w $a2, $s0, 12               # st->flags",
            "    ld.b $a3, $s0, 16               # st->preempted",
            "    ld.d $a4, $s0, 0                # guest_stolen_time[cpu] = st->steal",
            "    move $a5, $a1                   # version = READ_ONCE(st->version)");

    /** guest_code(cpu). */
    static final String GUEST = String.join("\n",
            "guest:",
            "    move $s0, $a1",
            "    st.d $zero, $s0, 0              # memset(st, 0, sizeof(*st))",
            "    st.d $zero, $s0, 8",
            "    st.d $zero, $s0, 16",
            "    st.d $zero, $s0, 24",
            "    st.d $zero, $s0, 32",
            "    st.d $zero, $s0, 40",
            "    st.d $zero, $s0, 48",
            "    st.d $zero, $s0, 56",
            ucall(0),
            READ_STATUS,
            "    move $s1, $a1",
            ucall(1),
            "    li.d $s2, 1000000",
            "wait:",
            "    ld.w $t0, $s0, 8                # until the next vCPU load has recorded (the host's steal phase)",
            "    bne $t0, $s1, again",
            "    addi.d $s2, $s2, -1",
            "    bnez $s2, wait",
            "again:",
            READ_STATUS,
            ucall(2),
            "steal:",
            "    b steal                         # do_steal_time on the vCPU's physical CPU");

    static VmConfig.Builder config() {
        return VmConfig.builder("loongarch").vcpus(StealTimeRun.NR_VCPUS).memory(0, 0x10000).memory(StealTimeRun.ST_GPA_BASE, 0x1000);
    }

    static long stGva(int i) {
        return StealTimeRun.ST_GPA_BASE + (long) i * StealTimeRun.STEAL_TIME_SIZE;
    }

    /** main()'s loop body for vCPU i. */
    static Ucall[] run(int i) {
        Vm vm = Vm.create(config().pcpus(1).quantum(200).nanosPerInstruction(1_000_000).feature("user-hcall", true).build());
        Program p = vm.assemble(GUEST, 0x1000);
        return StealTimeRun.run(vm, p, i, m -> {
            // steal_time_init: KVM_SET_DEVICE_ATTR PVTIME_GPA = st_gva[i] | KVM_STEAL_PHYS_VALID
            vm.control().setVcpuAttr(i, KVM_LOONGARCH_VCPU_PVTIME_CTRL, KVM_LOONGARCH_VCPU_PVTIME_GPA,
                    KvmControl.u64(stGva(i) | KVM_STEAL_PHYS_VALID));
            m.registers(i).set("a0", i);
            m.registers(i).set("a1", stGva(i));
        }, (r, regs) -> r.exit() instanceof Exit.Hypercall h && h.nr() == KVM_HCALL_USER_SERVICE ? h.args() : null);
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c steal_time_init: TEST_ASSERT(err == 0, 'No PV stealtime Feature'), KVM_HAS_DEVICE_ATTR PVTIME_CTRL/PVTIME_GPA")
    void hasGpaAttr(int i) {
        assertTrue(Vm.create(config().build()).control().hasVcpuAttr(i, KVM_LOONGARCH_VCPU_PVTIME_CTRL, KVM_LOONGARCH_VCPU_PVTIME_GPA));
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c steal_time_init: TEST_ASSERT(err == 0, 'Fail to set PV stealtime GPA') for st_gva[i] | KVM_STEAL_PHYS_VALID")
    void setGpa(int i) {
        KvmControl c = Vm.create(config().build()).control();
        c.setVcpuAttr(i, KVM_LOONGARCH_VCPU_PVTIME_CTRL, KVM_LOONGARCH_VCPU_PVTIME_GPA, KvmControl.u64(stGva(i) | KVM_STEAL_PHYS_VALID));
        assertEquals(stGva(i) | KVM_STEAL_PHYS_VALID, KvmControl.u64(c.getVcpuAttr(i, KVM_LOONGARCH_VCPU_PVTIME_CTRL, KVM_LOONGARCH_VCPU_PVTIME_GPA)));
    }

    @Test
    @DisplayName("steal_time.c main: TEST_REQUIRE(is_steal_time_supported(vcpus[0])): KVM_HAS/GET_DEVICE_ATTR CPUCFG_KVM_FEATURE "
            + "has BIT(KVM_FEATURE_STEAL_TIME)")
    void supported() {
        KvmControl c = Vm.create(config().build()).control();
        assertTrue(c.hasVcpuAttr(0, KVM_LOONGARCH_VCPU_CPUCFG, CPUCFG_KVM_FEATURE));
        long val = KvmControl.u64(c.getVcpuAttr(0, KVM_LOONGARCH_VCPU_CPUCFG, CPUCFG_KVM_FEATURE));
        assertTrue((val >> KVM_FEATURE_STEAL_TIME & 1) != 0, "CPUCFG_KVM_FEATURE = 0x" + Long.toHexString(val));
    }
}
