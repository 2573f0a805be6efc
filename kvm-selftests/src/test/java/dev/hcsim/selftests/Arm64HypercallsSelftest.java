package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmControl;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.engine.Engine;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * tools/testing/selftests/kvm/arm64/hypercalls.c (torvalds/linux, read at commit 1260ed77): the
 * firmware bitmap registers before and after the first KVM_RUN, and every service with its bit off
 * and on. Each test names the selftest function and the TEST_ASSERT / __GUEST_ASSERT message it ports.
 */
class Arm64HypercallsSelftest {
    static final long STD_BMAP = 0x6030_0000_0016_0000L;
    static final long STD_HYP_BMAP = 0x6030_0000_0016_0001L;
    static final long VENDOR_HYP_BMAP = 0x6030_0000_0016_0002L;
    static final long VENDOR_HYP_BMAP_2 = 0x6030_0000_0016_0003L;
    static final long ST_GPA_BASE = 1L << 30;

    /** fw_reg_info[]: register, max_feat_bit, reset value. */
    record FwReg(String name, long reg, int maxFeatBit, long resetVal) {
        long ulimit() {
            return (1L << (maxFeatBit + 1)) - 1; // FW_REG_ULIMIT_VAL = GENMASK(max_feat_bit, 0)
        }
    }

    static final List<FwReg> FW_REGS = List.of(new FwReg("KVM_REG_ARM_STD_BMAP", STD_BMAP, 0, 1),
            new FwReg("KVM_REG_ARM_STD_HYP_BMAP", STD_HYP_BMAP, 0, 1), new FwReg("KVM_REG_ARM_VENDOR_HYP_BMAP", VENDOR_HYP_BMAP, 1, 3),
            new FwReg("KVM_REG_ARM_VENDOR_HYP_BMAP_2", VENDOR_HYP_BMAP_2, 1, 0));

    /** hvc_info[]: function ID and arg1, for the STD, STD_HYP and VENDOR_HYP bitmaps. */
    static final long[][] HVC_INFO = {{0x8400_0050L, 0}, {0x8400_0051L, 0xC400_0053L}, {0x8400_0052L, 0}, {0x8400_0053L, 0},
        {0xC400_0053L, 0}, {0x8000_0001L, 0xC500_0020L}, {0xC500_0020L, 0xC500_0021L}, {0xC500_0021L, 0}, {0x8600_0000L, 0x8600_0001L},
        {0x8600_FF01L, 0}, {0x8600_0001L, 0}};

    /** false_hvc_info[]: a feature check against another family. */
    static final long[][] FALSE_HVC_INFO = {{0x8400_0051L, 0x8600_0001L}, {0x8000_0001L, 0xC400_0053L}, {0xC500_0020L, 0xC400_0053L}};

    private static void assertErrno(Errno e, org.junit.jupiter.api.function.Executable call) {
        KvmException x = assertThrows(KvmException.class, call);
        assertEquals(e, x.errno(), x.getMessage());
    }

    /** test_vm_create + steal_time_init: vm_create_with_one_vcpu, a memslot at 1 GiB, KVM_ARM_VCPU_PVTIME_IPA (vcpu_device_attr_set asserts 0). */
    static Arm64Guest testVmCreate() {
        Arm64Guest g = new Arm64Guest(Arm64Guest.config().build());
        g.vm.control().setVcpuAttr(0, 2, 0, KvmControl.u64(ST_GPA_BASE));
        return g;
    }

    @Test
    @DisplayName("hypercalls.c steal_time_init: vcpu_device_attr_set(KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA) succeeds and reads back")
    void stealTimeInit() {
        Arm64Guest g = testVmCreate();
        assertEquals(ST_GPA_BASE, KvmControl.u64(g.vm.control().getVcpuAttr(0, 2, 0)));
    }

    @Test
    @DisplayName("hypercalls.c test_fw_regs_before_vm_start: 'Unexpected reset value for reg', for every bitmap register")
    void resetValues() {
        KvmControl c = testVmCreate().vm.control();
        for (FwReg r : FW_REGS) {
            assertEquals(r.resetVal(), c.getOneReg(0, r.reg()), r.name());
        }
    }

    @Test
    @DisplayName("hypercalls.c test_fw_regs_before_vm_start: 'Failed to set/clear all the features', 'Expected all the features to be set/cleared', "
            + "'Failed to clear all the features', 'Unexpected behavior ... setting an unsupported feature' (EINVAL)")
    void beforeVmStart() {
        KvmControl c = testVmCreate().vm.control();
        for (FwReg r : FW_REGS) {
            long setVal = r.resetVal() != 0 ? 0 : r.ulimit();
            c.setOneReg(0, r.reg(), setVal); // TEST_ASSERT(ret == 0, "Failed to %s all the features ...")
            assertEquals(setVal, c.getOneReg(0, r.reg()), "Expected all the features to be set/cleared: " + r.name());
            if (setVal != 0) {
                c.setOneReg(0, r.reg(), 0); // "Failed to clear all the features of reg"
            }
            assertErrno(Errno.EINVAL, () -> c.setOneReg(0, r.reg(), 1L << (r.maxFeatBit() + 1)));
        }
    }

    @Test
    @DisplayName("hypercalls.c test_fw_regs_after_vm_start: 'Expected all the features to be cleared' and EBUSY once the VM has run")
    void afterVmStart() {
        Arm64Guest g = testVmCreate();
        KvmControl c = g.vm.control();
        for (FwReg r : FW_REGS) {
            c.setOneReg(0, r.reg(), 0);
        }
        Engine.context(g.vm).markRun(); // TEST_STAGE_REG_IFACE: the guest runs and exits with a ucall (MMIO), no hypercall
        for (FwReg r : FW_REGS) {
            assertEquals(0, c.getOneReg(0, r.reg()), "Expected all the features to be cleared: " + r.name());
            assertErrno(Errno.EBUSY, () -> c.setOneReg(0, r.reg(), r.ulimit()));
        }
    }

    @Test
    @DisplayName("hypercalls.c guest_test_hvc, TEST_STAGE_HVC_IFACE_FEAT_DISABLED: every hvc_info call returns SMCCC_RET_NOT_SUPPORTED")
    void featDisabled() {
        Arm64Guest g = testVmCreate();
        for (FwReg r : FW_REGS) {
            g.vm.control().setOneReg(0, r.reg(), 0);
        }
        for (long[] h : HVC_INFO) {
            assertEquals(Arm64Guest.NOT_SUPPORTED, g.hvc(h[0], h[1]), String.format(java.util.Locale.ROOT, "func_id 0x%x arg1 0x%x", h[0], h[1]));
        }
    }

    @Test
    @DisplayName("hypercalls.c guest_test_hvc, TEST_STAGE_HVC_IFACE_FEAT_ENABLED: on a new VM (all features on) no hvc_info call returns NOT_SUPPORTED")
    void featEnabled() {
        Arm64Guest g = testVmCreate();
        for (long[] h : HVC_INFO) {
            assertNotEquals(Arm64Guest.NOT_SUPPORTED, g.hvc(h[0], h[1]), String.format(java.util.Locale.ROOT, "func_id 0x%x arg1 0x%x", h[0], h[1]));
        }
    }

    @Test
    @DisplayName("hypercalls.c guest_test_hvc, TEST_STAGE_HVC_IFACE_FALSE_INFO: feature checks against another family return NOT_SUPPORTED")
    void falseInfo() {
        Arm64Guest g = testVmCreate();
        for (long[] h : FALSE_HVC_INFO) {
            assertEquals(Arm64Guest.NOT_SUPPORTED, g.hvc(h[0], h[1]), String.format(java.util.Locale.ROOT, "func_id 0x%x arg1 0x%x", h[0], h[1]));
        }
    }
}
