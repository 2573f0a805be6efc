package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.VmSnapshot;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Trap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The arm64 survivors the 80b4841 mutation run left "not killed yet" in docs/testing.md: the call a forwarded or denied
 * call records, an unknown forwarded ID, the filter's u32 count, the workaround register's level mask, VENDOR_HYP_BMAP_2's
 * two bits one at a time, and each vCPU's PV-time state in a snapshot. Expected values come from the kernel functions named.
 */
class Arm64SurvivorEdgesTest {
    /** PTP (0x86000001) under the filter {@code option}, with x1..x3 = {@code a}: the trap records the ID and x1..x3 as the call. */
    private static TrapResult assertRecordsTheCall(String option, long... a) {
        Harness h = Harness.of(1, option, "0x86000001");
        TrapResult r = h.hvc(0x86000001L, a[0], a[1], a[2]);
        assertEquals(0x86000001L, r.number());
        Trap t = Engine.context(h.vm).frame(0);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], t.arg(i), "argument " + i);
        }
        return r;
    }

    @Test
    @DisplayName("hypercalls.c kvm_prepare_hypercall_exit: a forwarded call records its function ID and x1..x3 as the call's number and arguments")
    void forwardedCallRecordsItsArguments() {
        TrapResult r = assertRecordsTheCall("filter-fwd", 7, 8, 9);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
    }

    @Test
    @DisplayName("hypercalls.c kvm_smccc_call_handler: a denied call records its function ID and x1..x3 as the call's number and arguments")
    void deniedCallRecordsItsArguments() {
        TrapResult r = assertRecordsTheCall("filter-deny", 4, 5, 6);
        assertEquals(Status.NOT_IMPLEMENTED, r.status());
    }

    @Test
    @DisplayName("hypercalls.c kvm_smccc_call_handler: FWD_TO_USER forwards any ID in the range, also one no kernel handler knows: KVM_EXIT_HYPERCALL with nr = the ID")
    void forwardedUnknownIdExits() {
        Harness h = Harness.of(1, "filter-fwd", "0x86000077");
        TrapResult r = h.hvc(0x86000077L);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals(new Exit.Hypercall(0x86000077L, new long[6], 0, 0), r.exit());
    }

    @Test
    @DisplayName("hypercalls.c kvm_smccc_set_filter: struct kvm_smccc_filter's nr_functions is a u32: a count of 2^32 is 0 (-EINVAL), 2^32 + 1 is one ID")
    void filterCountIsU32() {
        assertEquals(-Arm64Vm.EINVAL, Harness.of(1).arm().setSmcccFilter(0x86000000L, 1L << 32, Arm64Vm.FILTER_DENY, 0));
        Harness h = Harness.of(1);
        assertEquals(0, h.arm().setSmcccFilter(0x86000001L, (1L << 32) + 1, Arm64Vm.FILTER_DENY, 0));
        assertEquals(Arm64Vm.FILTER_DENY, h.arm().filterAction(0x86000001L));
        assertEquals(Arm64Vm.FILTER_HANDLE, h.arm().filterAction(0x86000002L), "the range ends after one ID");
    }

    @Test
    @DisplayName("smccc_filter.c test_invalid_nr_functions: nr_functions = 0 is -EINVAL at base 0 too, where the u32 end wraps to a full range")
    void emptyFilterAtBaseZero() {
        assertEquals(-Arm64Vm.EINVAL, Harness.of(1).arm().setSmcccFilter(0, 0, Arm64Vm.FILTER_DENY, 0));
        assertEquals(-Arm64Vm.EINVAL, Harness.of(1).arm().setSmcccFilter(0, 1L << 32, Arm64Vm.FILTER_DENY, 0));
    }

    @Test
    @DisplayName("hypercalls.c kvm_arm_set_fw_reg: WORKAROUND_1's value is a u64; bits outside KVM_REG_FEATURE_LEVEL_MASK (0xf) are -EINVAL, also bit 63")
    void workaroundLevelMaskCoversTheTopBit() {
        Arm64FirmwareRegisters f = Harness.of(1).arm().firmware();
        assertEquals(-Arm64Vm.EINVAL, f.set(Arm64FirmwareRegisters.REG_WORKAROUND_1, 0x8000_0000_0000_0000L));
        assertEquals(-Arm64Vm.EINVAL, f.set(Arm64FirmwareRegisters.REG_WORKAROUND_3, -1L));
        assertEquals(0, f.set(Arm64FirmwareRegisters.REG_WORKAROUND_1, f.get(Arm64FirmwareRegisters.REG_WORKAROUND_1)), "the host's own level");
    }

    @Test
    @DisplayName("hypercalls.c kvm_smccc_test_fw_bmap: VENDOR_HYP_BMAP_2 bit 0 alone offers DISCOVER_IMPL_VER only; with neither bit neither is offered")
    void vendorHypBmap2BitZeroAlone() {
        VmConfig c = VmConfig.builder("arm64").feature(Arm64Architecture.DISCOVER_IMPL_VER, true)
                .feature(Arm64Architecture.DISCOVER_IMPL_CPUS, true).build();
        Harness h = new Harness(c);
        h.vm.control().setOneReg(0, Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP_2, 1);
        assertTrue(Engine.context(h.vm).hypercalls().isOffered(Arm64Hypercalls.DISCOVER_IMPL_VER));
        assertFalse(Engine.context(h.vm).hypercalls().isOffered(Arm64Hypercalls.DISCOVER_IMPL_CPUS));
        h.vm.control().setOneReg(0, Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP_2, 0);
        assertFalse(Engine.context(h.vm).hypercalls().isOffered(Arm64Hypercalls.DISCOVER_IMPL_VER));
        assertFalse(Engine.context(h.vm).hypercalls().isOffered(Arm64Hypercalls.DISCOVER_IMPL_CPUS));
    }

    @Test
    @DisplayName("pvtime.c kvm_arm_pvtime_set_attr/get_attr: an IPA the VMM set on one vCPU after creation comes back per vCPU from a snapshot, and is set once (-EEXIST)")
    void snapshotRestoresEachVcpusPvTimeIpa() {
        VmConfig c = VmConfig.builder("arm64").vcpus(2).build();
        Harness a = new Harness(c);
        assertEquals(0, a.arm().pvTime().setPvtimeIpa(1, 0x9000));
        VmSnapshot s = a.vm.snapshot();

        Harness b = new Harness(c);
        b.vm.restore(s);
        assertEquals(-1L, b.arm().pvTime().pvtimeIpa(0), "vCPU 0 stays unset (INVALID_GPA)");
        assertEquals(0x9000L, b.arm().pvTime().pvtimeIpa(1));
        b.trap(1, "hvc #0", 0xC5000021L);
        assertEquals(0x9000L, b.regs(1).get(0), "PV_TIME_ST answers vCPU 1's IPA (kvm_hypercall_stolen_time)");
        assertEquals(-Arm64Vm.EEXIST, b.arm().pvTime().setPvtimeIpa(1, 0xA000));
    }
}
