package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The user-API fault and exit values: kernel numbers, immutability, checks, readable forms. */
class FaultExitTypesTest {
    @Test
    void exitReasonsCarryTheNumbersOfIncludeUapiLinuxKvmH() {
        // include/uapi/linux/kvm.h: KVM_EXIT_HYPERCALL 3, KVM_EXIT_S390_SIEIC 13, KVM_EXIT_INTERNAL_ERROR 17,
        // KVM_EXIT_OSI 18, KVM_EXIT_PAPR_HCALL 19, KVM_EXIT_SYSTEM_EVENT 24, KVM_EXIT_S390_STSI 25,
        // KVM_EXIT_HYPERV 27, KVM_EXIT_XEN 34, KVM_EXIT_RISCV_SBI 35, KVM_EXIT_LOONGARCH_IOCSR 38, KVM_EXIT_TDX 40
        assertEquals(3, ExitReason.HYPERCALL.number());
        assertEquals(4, ExitReason.DEBUG.number());
        assertEquals(13, ExitReason.S390_SIEIC.number());
        assertEquals(14, ExitReason.S390_RESET.number());
        assertEquals(17, ExitReason.INTERNAL_ERROR.number());
        assertEquals(18, ExitReason.OSI.number());
        assertEquals(19, ExitReason.PAPR_HCALL.number());
        assertEquals(24, ExitReason.SYSTEM_EVENT.number());
        assertEquals(25, ExitReason.S390_STSI.number());
        assertEquals(27, ExitReason.HYPERV.number());
        assertEquals(34, ExitReason.XEN.number());
        assertEquals(35, ExitReason.RISCV_SBI.number());
        assertEquals(38, ExitReason.LOONGARCH_IOCSR.number());
        assertEquals(40, ExitReason.TDX.number());
        assertEquals(ExitReason.PAPR_HCALL, ExitReason.of(19));
        assertEquals("KVM_EXIT_PAPR_HCALL", ExitReason.PAPR_HCALL.toString());
        assertThrows(IllegalArgumentException.class, () -> ExitReason.of(41));
        assertThrows(IllegalArgumentException.class, () -> ExitReason.of(-1));
    }

    @Test
    void systemEventTypesCarryTheKernelNumbers() {
        // include/uapi/linux/kvm.h: KVM_SYSTEM_EVENT_SHUTDOWN 1 ... KVM_SYSTEM_EVENT_TDX_FATAL 7
        assertEquals(1, SystemEventType.SHUTDOWN.number());
        assertEquals(2, SystemEventType.RESET.number());
        assertEquals(3, SystemEventType.CRASH.number());
        assertEquals(5, SystemEventType.SUSPEND.number());
        assertEquals(7, SystemEventType.TDX_FATAL.number());
        assertEquals(SystemEventType.WAKEUP, SystemEventType.of(4));
        assertThrows(IllegalArgumentException.class, () -> SystemEventType.of(0));
        assertThrows(IllegalArgumentException.class, () -> SystemEventType.of(8));
    }

    @Test
    void exitListsAreCopiedAndHaveTheKernelsLengths() {
        List<Long> args = new ArrayList<>(List.of(1L, 2L, 3L, 4L, 5L, 6L));
        Exit.Hypercall h = new Exit.Hypercall(12, args, 0, Exit.Hypercall.X86_LONG_MODE);
        args.set(0, 99L);
        assertEquals(1L, h.arg(0));
        assertThrows(UnsupportedOperationException.class, () -> h.args().set(0, 7L));
        assertThrows(IllegalArgumentException.class, () -> new Exit.Hypercall(12, new long[5], 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Exit.PaprHcall(0x4, new long[6], 0));
        assertEquals(9, new Exit.PaprHcall(0x4, new long[9], 0).args().size());
        assertEquals(32, new Exit.Osi(new long[32]).gprs().size());
        assertThrows(IllegalArgumentException.class, () -> new Exit.SystemEvent(SystemEventType.CRASH, new long[17]));
        assertThrows(IllegalArgumentException.class, () -> new Exit.S390Sieic(0x100, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Exit.S390Sieic(4, 0x10000, 0));
        assertThrows(IllegalArgumentException.class, () -> new Exit.S390Sieic(4, 0x8300, 1L << 32));
        assertEquals(ExitReason.RISCV_SBI, new Exit.RiscvSbi(0x10, 3, new long[6], new long[2]).reason());
    }

    @Test
    void aSystemEventsFlagsAreDataWordZero() {
        Exit.SystemEvent e = new Exit.SystemEvent(SystemEventType.RESET, Exit.SystemEvent.RESET_FLAG_PSCI_RESET2);
        assertEquals(1, e.ndata());
        assertEquals(1L, e.flags());
        assertEquals(0L, new Exit.SystemEvent(SystemEventType.SHUTDOWN).flags());
        assertEquals("KVM_EXIT_SYSTEM_EVENT KVM_SYSTEM_EVENT_RESET data=[0x1]", e.toString());
    }

    @Test
    void faultsPrintInTheArchitecturesWords() {
        assertEquals("#GP(0)", Fault.X86.gp(0, 0x1000).toString());
        assertEquals("#PF(0x2) at 0x1000", Fault.X86.pf(Fault.X86.PFERR_WRITE, 0x1000, 0x2000).toString());
        assertEquals("#UD", Fault.X86.ud(0x1000).toString());
        assertEquals("Unknown/Uncategorized (EC 0x00, ISS 0x0) to EL1", Fault.Arm64.undefined(0x1000).toString());
        assertEquals("operation exception (code 0x0001, ILC 2)", new Fault.S390(Fault.S390.OPERATION, 2, 0x1004).toString());
        assertEquals("RI (ExcCode 10)", new Fault.Mips(Fault.Mips.RI, 0x1000, false, 0).toString());
        assertEquals("AdEL (ExcCode 4), BadVAddr 0x1003, in a branch delay slot", new Fault.Mips(Fault.Mips.ADEL, 0x1000, true, 0x1003).toString());
        assertEquals("INE (Ecode 0xd)", new Fault.LoongArch(Fault.LoongArch.INE, 0, 0x1000, 0).toString());
        assertEquals("illegal instruction (scause 2), stval 0x73", new Fault.RiscV(Fault.RiscV.ILLEGAL_INSTRUCTION, 0x73, 0x1000).toString());
        assertEquals("program interrupt 0x700 (privileged instruction), SRR1 0x40000",
                new Fault.Ppc(Fault.Ppc.PROGRAM, 0x1000, Fault.Ppc.SRR1_PROGPRIV, 0).toString());
    }

    @Test
    void everyFaultsPcIsTheAddressTheExceptionIsTakenFrom() {
        assertEquals(0x1000, new Fault.Ppc(Fault.Ppc.PROGRAM, 0x1000, 0, 0).pc());
        assertEquals(0x2000, new Fault.Mips(Fault.Mips.RI, 0x2000, false, 0).pc());
        assertEquals(0x3000, new Fault.LoongArch(Fault.LoongArch.INE, 0, 0x3000, 0).pc());
        // ESR_ELx: EC in bits 31:26, IL bit 25 (arch/arm64/include/asm/esr.h)
        assertEquals(0x0200_0000L, Fault.Arm64.undefined(0).esr());
        assertEquals(0x5A00_0000L, new Fault.Arm64(Fault.Arm64.EC_HVC64, 0, 2, 0).esr());
    }

    @Test
    void faultFieldsOutsideTheirWidthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Fault.X86(32, false, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Fault.X86(Fault.X86.UD, false, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Fault.Arm64(0x40, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Fault.Arm64(0, 1L << 25, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Fault.Arm64(0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Fault.S390(0x10000, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new Fault.S390(1, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new Fault.Mips(32, 0, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new Fault.LoongArch(0x40, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Fault.RiscV(64, 0, 0));
    }
}
