package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tools/testing/selftests/kvm/arm64/smccc_filter.c (torvalds/linux, read at commit 0a46eb57): the
 * KVM_ARM_VM_SMCCC_FILTER uAPI constraints and the DENY / FWD_TO_USER actions, for each conduit
 * (for_each_conduit: HVC and SMC; the VM here does not run at EL2, so both).
 */
class Arm64SmcccFilterSelftest {
    static final long PSCI_VERSION = 0x8400_0000L;
    static final long PSCI_FN64_CPU_ON = 0xC400_0003L;
    static final long ARCH_WORKAROUND_1 = 0x8000_8000L;
    static final long SMC64_ARCH_BASE = 0xC000_0000L;
    static final int DENY = 1;
    static final int FWD_TO_USER = 2;

    /** struct kvm_smccc_filter {u32 base; u32 nr_functions; u8 action; u8 pad[15];}. */
    static byte[] filter(long base, long nr, int action) {
        return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt((int) base).putInt((int) nr).put((byte) action).array();
    }

    /** setup_vm: one vCPU with KVM_ARM_VCPU_PSCI_0_2. */
    static Arm64Guest setupVm() {
        return new Arm64Guest(Arm64Guest.config().build());
    }

    private static void setFilterFails(Arm64Guest g, Errno e, byte[] f) {
        KvmException x = assertThrows(KvmException.class, () -> g.vm.control().setDeviceAttr(0, 0, f));
        assertEquals(e, x.errno(), x.getMessage());
    }

    @Test
    @DisplayName("smccc_filter.c kvm_supports_smccc_filter: KVM_HAS_DEVICE_ATTR KVM_ARM_VM_SMCCC_CTRL/KVM_ARM_VM_SMCCC_FILTER is 0")
    void supportsFilter() {
        assertTrue(setupVm().vm.control().hasDeviceAttr(0, 0));
    }

    @Test
    @DisplayName("smccc_filter.c test_pad_must_be_zero: 'Setting filter with nonzero padding should return EINVAL'")
    void padMustBeZero() {
        byte[] f = filter(PSCI_VERSION, 1, DENY);
        f[9] = -1; // .pad = { -1 }
        setFilterFails(setupVm(), Errno.EINVAL, f);
    }

    @Test
    @DisplayName("smccc_filter.c test_filter_reserved_range: WORKAROUND_1 and the SMC64 architecture base 'should return EEXIST'")
    void reservedRange() {
        Arm64Guest g = setupVm();
        setFilterFails(g, Errno.EEXIST, filter(ARCH_WORKAROUND_1, 1, DENY));
        setFilterFails(g, Errno.EEXIST, filter(SMC64_ARCH_BASE, 1, DENY));
    }

    @Test
    @DisplayName("smccc_filter.c test_invalid_nr_functions: 'Attempt to filter 0 functions should return EINVAL', also at base 0")
    void invalidNrFunctions() {
        Arm64Guest g = setupVm();
        setFilterFails(g, Errno.EINVAL, filter(PSCI_FN64_CPU_ON, 0, DENY));
        setFilterFails(g, Errno.EINVAL, filter(0, 0, DENY));
    }

    @Test
    @DisplayName("smccc_filter.c test_overflow_nr_functions: 'Attempt to overflow filter range should return EINVAL'")
    void overflowNrFunctions() {
        setFilterFails(setupVm(), Errno.EINVAL, filter(0xFFFF_FFFFL, 0xFFFF_FFFFL, DENY));
    }

    @Test
    @DisplayName("smccc_filter.c test_reserved_action: 'Attempt to use reserved filter action should return EINVAL'")
    void reservedAction() {
        setFilterFails(setupVm(), Errno.EINVAL, filter(PSCI_FN64_CPU_ON, 1, -1));
    }

    @Test
    @DisplayName("smccc_filter.c test_filter_overlap: set_smccc_filter succeeds, then 'filter already configured range should return EEXIST'")
    void overlap() {
        Arm64Guest g = setupVm();
        g.vm.control().setDeviceAttr(0, 0, filter(PSCI_FN64_CPU_ON, 1, DENY));
        setFilterFails(g, Errno.EEXIST, filter(PSCI_FN64_CPU_ON, 1, DENY));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hvc #0", "smc #0"})
    @DisplayName("smccc_filter.c test_filter_denied / expect_call_denied: 'Unexpected SMCCC return code' unless SMCCC_RET_NOT_SUPPORTED")
    void denied(String conduit) {
        Arm64Guest g = setupVm();
        g.vm.control().setDeviceAttr(0, 0, filter(PSCI_VERSION, 1, DENY));
        TrapResult t = g.call(conduit, PSCI_VERSION, 0);
        assertNotEquals(Outcome.EXIT_TO_HOST, t.outcome());
        assertEquals(Arm64Guest.NOT_SUPPORTED, g.regs.get("x0"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hvc #0", "smc #0"})
    @DisplayName("smccc_filter.c test_filter_fwd_to_user / expect_call_fwd_to_user: KVM_EXIT_HYPERCALL, hypercall.nr, KVM_HYPERCALL_EXIT_SMC for SMC only")
    void forwardedToUser(String conduit) {
        Arm64Guest g = setupVm();
        g.vm.control().setDeviceAttr(0, 0, filter(PSCI_VERSION, 1, FWD_TO_USER));
        TrapResult t = g.call(conduit, PSCI_VERSION, 0);
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome(), "Unexpected exit reason");
        assertEquals(dev.hcsim.core.ExitReason.HYPERCALL, t.exit().reason(), "Unexpected exit reason");
        dev.hcsim.core.Exit.Hypercall h = (dev.hcsim.core.Exit.Hypercall) t.exit();
        assertEquals(PSCI_VERSION, h.nr(), "Unexpected SMCCC function");
        boolean smc = conduit.startsWith("smc");
        assertEquals(smc, (h.flags() & 1) != 0, smc ? "KVM_HYPERCALL_EXIT_SMC is not set" : "KVM_HYPERCALL_EXIT_SMC is set");
    }

    @Test
    @DisplayName("KVM_SET_DEVICE_ATTR after the first KVM_RUN is -EBUSY (kvm_smccc_set_filter; the capability the filter port needs)")
    void busyAfterRun() {
        Arm64Guest g = setupVm();
        g.hvc(PSCI_VERSION, 0);
        setFilterFails(g, Errno.EBUSY, filter(PSCI_FN64_CPU_ON, 1, DENY));
    }
}
