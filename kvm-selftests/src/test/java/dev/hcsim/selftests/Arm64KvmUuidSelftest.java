package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** tools/testing/selftests/kvm/arm64/kvm-uuid.c (torvalds/linux, read at commit 48a71076): "Check that nobody has tampered with KVM's UID". */
class Arm64KvmUuidSelftest {
    @Test
    @DisplayName("kvm-uuid.c guest_code: __GUEST_ASSERT res.a0..a3 == 0xb66fb428 0xe911c52e 0x564bcaa9 0x743a004d ('Unexpected KVM-specific UID')")
    void kvmUid() {
        Arm64Guest g = new Arm64Guest(Arm64Guest.config().build());
        g.hvc(0x8600_FF01L, 0); // ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID
        long[] res = {g.regs.get("x0"), g.regs.get("x1"), g.regs.get("x2"), g.regs.get("x3")};
        // hardcoded in the selftest "to detect any potential breakage happening in the rest of the kernel"
        assertArrayEquals(new long[] {0xb66fb428L, 0xe911c52eL, 0x564bcaa9L, 0x743a004dL}, res, "Unexpected KVM-specific UID");
    }
}
