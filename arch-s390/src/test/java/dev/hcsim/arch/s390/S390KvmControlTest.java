package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmControl;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * s390 through the VMM-side control surface: arch/s390/kvm/kvm-s390.c sync_regs / store_regs
 * (KVM_SYNC_DIAG318) and kvm_arch_vcpu_ioctl_get_one_reg / set_one_reg (the pfault registers).
 */
class S390KvmControlTest {
    @Test
    @DisplayName("KVM_SYNC_DIAG318: the VMM's value is what the guest's DIAG 0x318 state shows, and is read back")
    void diag318() {
        Vm vm = Vm.create(VmConfig.builder("s390").vcpus(2).build());
        KvmControl c = vm.control();
        assertEquals(0, c.getSyncReg(0, S390Ioctls.KVM_SYNC_DIAG318));
        c.setSyncReg(1, S390Ioctls.KVM_SYNC_DIAG318, 0x0400_0000_0000_0001L);
        assertEquals(0x0400_0000_0000_0001L, c.getSyncReg(0, S390Ioctls.KVM_SYNC_DIAG318));
        assertEquals(0x0400_0000_0000_0001L, vm.archState(S390Vm.class).diag318Info());
        KvmException x = assertThrows(KvmException.class, () -> c.setSyncReg(0, 1L << 5, 0));
        assertEquals(Errno.EINVAL, x.errno());
    }

    @Test
    @DisplayName("KVM_REG_S390_PFTOKEN/PFCOMPARE/PFSELECT: set and read back per vCPU; the token starts invalid; another id is -EINVAL")
    void pfaultRegisters() {
        Vm vm = Vm.create(VmConfig.builder("s390").vcpus(2).build());
        KvmControl c = vm.control();
        assertEquals(S390Vm.PFAULT_TOKEN_INVALID, c.getOneReg(0, S390Ioctls.KVM_REG_S390_PFTOKEN));
        c.setOneReg(1, S390Ioctls.KVM_REG_S390_PFTOKEN, 0x8000);
        c.setOneReg(1, S390Ioctls.KVM_REG_S390_PFCOMPARE, 3);
        c.setOneReg(1, S390Ioctls.KVM_REG_S390_PFSELECT, 3);
        assertEquals(0x8000, vm.archState(S390Vm.class).pfaultToken(1));
        assertEquals(3, c.getOneReg(1, S390Ioctls.KVM_REG_S390_PFSELECT));
        assertEquals(S390Vm.PFAULT_TOKEN_INVALID, c.getOneReg(0, S390Ioctls.KVM_REG_S390_PFTOKEN));
        KvmException x = assertThrows(KvmException.class, () -> c.setOneReg(0, 0x5030_0000_0000_0042L, 0));
        assertEquals(Errno.EINVAL, x.errno());
    }
}
