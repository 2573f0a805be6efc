package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.hcsim.core.ExitReason;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * tools/testing/selftests/kvm/s390x/sync_regs_test.c (torvalds/linux, read at commit 03c60192), its DIAG 0x318 parts:
 * kvm_run->s.regs.diag318 with KVM_SYNC_DIAG318 (kvm-s390.c sync_regs / store_regs). The guest loops on
 * {@code diag 0,0,0x501} (which user space handles: the VMM is the test, userspace=exit) and {@code ahi 11,1}
 * ({@code aghi} here), so each vcpu_run ends at a KVM_EXIT_S390_SIEIC. A field written with its kvm_dirty_regs bit is
 * {@code setSyncReg}; one written without it is never seen by KVM, so the port does not write it.
 */
class S390SyncRegsSelftest {
    static final long KVM_SYNC_DIAG318 = 1L << 12;
    static final String GUEST = "top:\n    diag 0,0,0x501\n    aghi %r11,1\n    brc 15,top";

    @Test
    @DisplayName("sync_regs_test.c test_set_and_verify_various_reg_values: run->s.regs.diag318 = get_diag318_info() with KVM_SYNC_DIAG318 "
            + "dirty; TEST_ASSERT(run->s.regs.diag318 == get_diag318_info(), 'diag318 sync regs value incorrect')")
    void diag318SetAndVerified() {
        long info = S390Diag318Selftest.diag318Info();
        S390Guest g = new S390Guest(GUEST, "userspace", "exit");
        g.run();
        g.vm.control().setSyncReg(0, KVM_SYNC_DIAG318, info); // if (get_diag318_info() > 0)
        g.run();
        assertEquals(ExitReason.S390_SIEIC, g.exit().reason());
        assertEquals(info, g.vm.control().getSyncReg(0, KVM_SYNC_DIAG318), "diag318 sync regs value incorrect");
    }

    @Test
    @DisplayName("sync_regs_test.c test_clear_kvm_dirty_regs_bits: run->s.regs.diag318 = 0x4B1D without its dirty bit; "
            + "TEST_ASSERT(run->s.regs.diag318 != 0x4B1D, 'diag318 sync regs value incorrect') after the run")
    void diag318NotTakenWithoutDirtyBit() {
        long info = S390Diag318Selftest.diag318Info();
        S390Guest g = new S390Guest(GUEST, "userspace", "exit");
        g.vm.control().setSyncReg(0, KVM_SYNC_DIAG318, info); // the state the earlier tests left
        g.run();
        g.run(); // kvm_dirty_regs = 0: the 0x4B1D the test wrote into kvm_run is not taken, store_regs overwrites it
        long after = g.vm.control().getSyncReg(0, KVM_SYNC_DIAG318);
        assertNotEquals(0x4B1D, after, "diag318 sync regs value incorrect");
        assertEquals(info, after, "store_regs wrote the vCPU's value back");
    }
}
