package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Errno;
import dev.hcsim.core.Exit;
import dev.hcsim.core.KvmControl;
import dev.hcsim.core.KvmException;
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
 * tools/testing/selftests/kvm/steal_time.c, its arm64 part (torvalds/linux, read at commit 15a9a2ba): PV_TIME_FEATURES,
 * PV_TIME_ST and the KVM_ARM_VCPU_PVTIME_CTRL / KVM_ARM_VCPU_PVTIME_IPA attribute (arch/arm64/kvm/pvtime.c). The
 * ucalls are, instead of lib/arm64/ucall.c's MMIO write (KVM_EXIT_MMIO, outside hcsim's subset), an HVC of an SMCCC
 * OEM-service function the VMM's SMCCC filter forwards to it (KVM_SMCCC_FILTER_FWD_TO_USER, KVM_EXIT_HYPERCALL); the
 * stage is in x1, what the guest read in x2..x5 (SYNC(0): the four call results; SYNC(1), DONE: rev, attr, st_time). st_gva[cpu], the selftest's global synced to the guest, is in x1 at entry.
 */
class Arm64StealTimeSelftest extends StealTimeMainAssertions {
    @Override
    Ucall[] ucalls(int i) {
        return run(i);
    }

    @Override
    int stealArg() {
        return 3;
    }

    static final long SMCCC_ARCH_FEATURES = 0x8000_0001L;
    static final long PV_TIME_FEATURES = 0xC500_0020L;
    static final long PV_TIME_ST = 0xC500_0021L;
    static final long KVM_ARM_VCPU_PVTIME_CTRL = 2;
    static final long KVM_ARM_VCPU_PVTIME_IPA = 0;

    private static String ucall(int stage) {
        return "    movz x0, #0xc300, lsl #16\n    movz x1, #" + stage + "\n    hvc #0                          // ucall " + stage;
    }

    private static String smccc(String what, int fnHi, int fnLo, String arg) {
        return String.join("\n",
                "    movz x0, #0x" + Integer.toHexString(fnHi) + ", lsl #16",
                "    movk x0, #0x" + Integer.toHexString(fnLo),
                arg,
                "    hvc #0                          // " + what);
    }

    private static final String READ_STATUS = String.join("\n",
            "    ldr w2, [x24]                   // st->rev",
            "    ldr w3, [x24, #4]               // st->attr",
            "    ldr x4, [x24, #8]               // guest_stolen_time[cpu] = st->st_time");

    /** guest_code(cpu). */
    static final String GUEST = String.join("\n",
            "guest:",
            smccc("smccc(SMCCC_ARCH_FEATURES, PV_TIME_FEATURES)", 0x8000, 0x1, "    movz x1, #0xc500, lsl #16\n    movk x1, #0x20"),
            "    mov x21, x0",
            smccc("smccc(PV_TIME_FEATURES, PV_TIME_FEATURES)", 0xc500, 0x20, "    mov x1, x0"),
            "    mov x22, x0",
            smccc("smccc(PV_TIME_FEATURES, PV_TIME_ST)", 0xc500, 0x20, "    movz x1, #0xc500, lsl #16\n    movk x1, #0x21"),
            "    mov x23, x0",
            smccc("smccc(PV_TIME_ST, 0)", 0xc500, 0x21, "    movz x1, #0"),
            "    mov x24, x0                     // st = (struct st_time *)status",
            "    mov x2, x21",
            "    mov x3, x22",
            "    mov x4, x23",
            "    mov x5, x24",
            ucall(0),
            READ_STATUS,
            "    mov x26, x4",
            ucall(1),
            "    movz x27, #0xf, lsl #16",
            "wait:",
            "    ldr x6, [x24, #8]               // until the next vCPU load has recorded (the host's steal phase)",
            "    cmp x6, x26",
            "    b.ne again",
            "    subs x27, x27, #1",
            "    b.ne wait",
            "again:",
            READ_STATUS,
            ucall(2),
            "steal:",
            "    b steal                         // do_steal_time on the vCPU's physical CPU");

    static VmConfig.Builder config(int vcpus) {
        return VmConfig.builder("arm64").vcpus(vcpus).memory(0, 0x10000).memory(StealTimeRun.ST_GPA_BASE, 0x1000);
    }

    static long stGva(int i) {
        return StealTimeRun.ST_GPA_BASE + (long) i * StealTimeRun.STEAL_TIME_SIZE;
    }

    /** main()'s loop body for vCPU i. */
    static Ucall[] run(int i) {
        Vm vm = Vm.create(config(StealTimeRun.NR_VCPUS).pcpus(1).quantum(200).nanosPerInstruction(1_000_000).build());
        Arm64Guest.forwardUcalls(vm);
        Program p = vm.assemble(GUEST, 0x1000);
        return StealTimeRun.run(vm, p, i, m -> {
            vm.control().setVcpuAttr(i, KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA, KvmControl.u64(stGva(i))); // steal_time_init
            m.registers(i).set("x0", i);
            m.registers(i).set("x1", stGva(i));
        }, (r, regs) -> r.exit() instanceof Exit.Hypercall h && h.nr() == Arm64Guest.UCALL_FN
                ? List.of(regs.get("x1"), regs.get("x2"), regs.get("x3"), regs.get("x4"), regs.get("x5"))
                : null);
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c guest_code: status = smccc(SMCCC_ARCH_FEATURES, PV_TIME_FEATURES); GUEST_ASSERT_EQ(status, 0)")
    void archFeaturesPvTime(int i) {
        assertEquals(0, run(i)[0].arg(1));
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c guest_code: status = smccc(PV_TIME_FEATURES, PV_TIME_FEATURES); GUEST_ASSERT_EQ(status, 0)")
    void pvTimeFeaturesItself(int i) {
        assertEquals(0, run(i)[0].arg(2));
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c guest_code: status = smccc(PV_TIME_FEATURES, PV_TIME_ST); GUEST_ASSERT_EQ(status, 0)")
    void pvTimeFeaturesSt(int i) {
        assertEquals(0, run(i)[0].arg(3));
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c guest_code: status = smccc(PV_TIME_ST, 0); GUEST_ASSERT_NE(status, -1)")
    void pvTimeStNotFailed(int i) {
        assertNotEquals(-1L, run(i)[0].arg(4));
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c guest_code: GUEST_ASSERT_EQ(status, (ulong)st_gva[cpu])")
    void pvTimeStIsTheIpa(int i) {
        assertEquals(stGva(i), run(i)[0].arg(4));
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c check_status: GUEST_ASSERT_EQ(READ_ONCE(st->rev), 0), before and after the steal phase")
    void revZero(int i) {
        StealTimeRun.assertStatus(run(i), 1, 0);
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c check_status: GUEST_ASSERT_EQ(READ_ONCE(st->attr), 0)")
    void attrZero(int i) {
        StealTimeRun.assertStatus(run(i), 2, 0);
    }

    @Test
    @DisplayName("steal_time.c main: TEST_REQUIRE(is_steal_time_supported(vcpus[0])), !__vcpu_ioctl(KVM_HAS_DEVICE_ATTR, PVTIME_CTRL/PVTIME_IPA)")
    void supported() {
        assertTrue(Vm.create(config(StealTimeRun.NR_VCPUS).build()).control().hasVcpuAttr(0, KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA));
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c steal_time_init: vcpu_ioctl(vcpu, KVM_SET_DEVICE_ATTR, PVTIME_IPA = st_gva[i]) succeeds and reads back")
    void setIpa(int i) {
        KvmControl c = Vm.create(config(StealTimeRun.NR_VCPUS).build()).control();
        c.setVcpuAttr(i, KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA, KvmControl.u64(stGva(i)));
        assertEquals(stGva(i), KvmControl.u64(c.getVcpuAttr(i, KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA)));
    }

    /** check_steal_time_uapi: vm_create_with_one_vcpu and a page at ST_GPA_BASE. */
    static KvmControl uapiVm() {
        return Vm.create(config(1).build()).control();
    }

    @Test
    @DisplayName("steal_time.c check_steal_time_uapi: vcpu_ioctl(vcpu, KVM_HAS_DEVICE_ATTR, &dev) succeeds")
    void uapiHasAttr() {
        assertTrue(uapiVm().hasVcpuAttr(0, KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA));
    }

    @Test
    @DisplayName("steal_time.c check_steal_time_uapi: TEST_ASSERT(ret == -1 && errno == EINVAL, 'Bad IPA didn't report EINVAL') for ST_GPA_BASE | 1")
    void uapiBadIpa() {
        KvmControl c = uapiVm();
        KvmException x = assertThrows(KvmException.class,
                () -> c.setVcpuAttr(0, KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA, KvmControl.u64(StealTimeRun.ST_GPA_BASE | 1)));
        assertEquals(Errno.EINVAL, x.errno(), x.getMessage());
    }

    @Test
    @DisplayName("steal_time.c check_steal_time_uapi: vcpu_ioctl(vcpu, KVM_SET_DEVICE_ATTR, ST_GPA_BASE) succeeds after the bad IPA")
    void uapiGoodIpa() {
        KvmControl c = uapiVm();
        assertThrows(KvmException.class,
                () -> c.setVcpuAttr(0, KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA, KvmControl.u64(StealTimeRun.ST_GPA_BASE | 1)));
        c.setVcpuAttr(0, KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA, KvmControl.u64(StealTimeRun.ST_GPA_BASE));
        assertEquals(StealTimeRun.ST_GPA_BASE, KvmControl.u64(c.getVcpuAttr(0, KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA)));
    }

    @Test
    @DisplayName("steal_time.c check_steal_time_uapi: TEST_ASSERT(ret == -1 && errno == EEXIST, 'Set IPA twice without EEXIST')")
    void uapiTwice() {
        KvmControl c = uapiVm();
        c.setVcpuAttr(0, KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA, KvmControl.u64(StealTimeRun.ST_GPA_BASE));
        KvmException x = assertThrows(KvmException.class,
                () -> c.setVcpuAttr(0, KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA, KvmControl.u64(StealTimeRun.ST_GPA_BASE)));
        assertEquals(Errno.EEXIST, x.errno(), x.getMessage());
    }
}
