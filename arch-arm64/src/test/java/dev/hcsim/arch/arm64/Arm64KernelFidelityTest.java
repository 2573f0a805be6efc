package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.VcpuState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, arm64: what an audit of today's kernel found different. Sources: arch/arm64/include/asm/kvm_emulate.h
 * {@code kvm_reset_vcpu_psci}, arch/arm64/kvm/psci.c {@code kvm_psci_vcpu_on}, arch/arm64/kvm/hypercalls.c
 * {@code kvm_smccc_call_handler}, {@code get_kernel_wa_level} and {@code kvm_arm_set_fw_reg}.
 */
class Arm64KernelFidelityTest {
    private static final byte[] A32_HVC = a32(0xE1400070);
    private static final long PSCI_CPU_ON = 0x84000003L;

    private static byte[] a32(int word) {
        byte[] b = new byte[4];
        Bytes.put(b, 0, 4, word, false);
        return b;
    }

    @Test
    @DisplayName("kvm_emulate.h kvm_reset_vcpu_psci: CPU_ON of an AArch32 target at an odd entry clears bit 0 and starts in Thumb")
    void cpuOnAArch32ThumbEntry() {
        Harness h = Harness.of(2, "mode", "aarch32").state(1, VcpuState.OFF);
        h.trapBytes(0, A32_HVC, PSCI_CPU_ON, 1, 0x8001, 0x77);
        assertEquals(0, h.x(0));
        assertEquals(0x8000, h.regs(1).pc(), "target_pc &= ~1UL");
        assertEquals(1, h.regs(1).get(Arm64Registers.THUMB), "vcpu_set_thumb");
        assertEquals(1, h.regs(1).get(Arm64Registers.NRW));
        assertEquals(0x77, h.regs(1).get(0));
    }

    @Test
    @DisplayName("kvm_emulate.h kvm_reset_vcpu_psci: an even entry starts an AArch32 target in A32, even from a Thumb caller")
    void cpuOnAArch32EvenEntryIsA32() {
        Harness h = Harness.of(2, "mode", "thumb").state(1, VcpuState.OFF);
        byte[] t32Hvc = {(byte) 0xE0, (byte) 0xF7, 0x00, (byte) 0x80};
        h.trapBytes(0, t32Hvc, PSCI_CPU_ON, 1, 0x8000, 0);
        assertEquals(0, h.x(0));
        assertEquals(0x8000, h.regs(1).pc());
        assertEquals(0, h.regs(1).get(Arm64Registers.THUMB), "kvm_reset_vcpu: PSTATE of the 32-bit reset is SVC, T clear");
    }

    @Test
    @DisplayName("kvm_emulate.h kvm_reset_vcpu_psci: bit 0 of an AArch64 target's entry is kept (vcpu_mode_is_32bit is false)")
    void cpuOnAArch64OddEntryKept() {
        Harness h = Harness.of(2).state(1, VcpuState.OFF);
        h.hvc(0xC4000003L, 1, 0x8001, 0);
        assertEquals(0x8001, h.regs(1).pc());
        assertEquals(0, h.regs(1).get(Arm64Registers.THUMB));
    }

    @Test
    @DisplayName("psci.c kvm_psci_vcpu_on: reset_state->be = kvm_vcpu_is_be(source); kvm_reset_vcpu_psci sets the target big-endian")
    void cpuOnPropagatesCallerEndianness() {
        Harness h = Harness.of(3).state(1, VcpuState.OFF).state(2, VcpuState.OFF);
        h.regs(0).set(Arm64Registers.BE, 1); // SCTLR_EL1.EE of the caller
        h.hvc(0xC4000003L, 1, 0x8000, 0);
        assertEquals(1, h.regs(1).get(Arm64Registers.BE), "kvm_vcpu_set_be");
        h.regs(0).set(Arm64Registers.BE, 0);
        h.hvc(0xC4000003L, 2, 0x8000, 0);
        assertEquals(0, h.regs(2).get(Arm64Registers.BE), "a little-endian caller leaves the reset value (little-endian)");
    }

    @Test
    @DisplayName("hypercalls.c kvm_smccc_call_handler: ARCH_FEATURES(WORKAROUND_2) follows the VM's ID_AA64PFR1_EL1.SSBS (kvm_has_feat)")
    void workaround2FollowsGuestSsbs() {
        // Host with SSBS everywhere, Spectre-v4 mitigated: SSBS shown to the guest -> no firmware support (-1).
        Harness shown = Harness.of(1, "ssbs", "yes");
        shown.hvc(0x80000001L, 0x80007FFFL);
        assertEquals(-1L, shown.x(0));
        assertEquals(0L, shown.arm().firmware().get(Arm64FirmwareRegisters.REG_WORKAROUND_2), "NOT_AVAIL");
        // The VMM hid SSBS in the VM's ID register: the permanent mitigation is exposed (NOT_REQUIRED, -2).
        Harness hidden = Harness.of(1, "ssbs", "yes", "id-ssbs", "ni");
        hidden.hvc(0x80000001L, 0x80007FFFL);
        assertEquals(-2L, hidden.x(0));
        assertEquals(3L, hidden.arm().firmware().get(Arm64FirmwareRegisters.REG_WORKAROUND_2), "NOT_REQUIRED");
    }

    @Test
    @DisplayName("hypercalls.c kvm_arm_set_fw_reg: WORKAROUND_2 maps NOT_AVAIL/UNKNOWN to 0 and AVAIL/NOT_REQUIRED to 3 before comparing")
    void workaround2AcceptedValues() {
        Arm64Vm notAvail = Harness.of(1, "spectre-v4", "vulnerable").arm();
        assertEquals(0, notAvail.firmware().set(Arm64FirmwareRegisters.REG_WORKAROUND_2, 0));
        assertEquals(0, notAvail.firmware().set(Arm64FirmwareRegisters.REG_WORKAROUND_2, 1), "UNKNOWN maps to NOT_AVAIL");
        assertEquals(-Arm64Vm.EINVAL, notAvail.firmware().set(Arm64FirmwareRegisters.REG_WORKAROUND_2, 2));
        assertEquals(-Arm64Vm.EINVAL, notAvail.firmware().set(Arm64FirmwareRegisters.REG_WORKAROUND_2, 3));
        Arm64Vm notRequired = Harness.of(1, "spectre-v4", "unaffected").arm();
        for (long ok : new long[] {0, 1, 2, 3, 0x12}) {
            assertEquals(0, notRequired.firmware().set(Arm64FirmwareRegisters.REG_WORKAROUND_2, ok), "value " + ok);
        }
        for (long bad : new long[] {4, 0xF, 0x10, 0x11, 0x13, 0x20}) {
            assertEquals(-Arm64Vm.EINVAL, notRequired.firmware().set(Arm64FirmwareRegisters.REG_WORKAROUND_2, bad), "value " + bad);
        }
    }
}
