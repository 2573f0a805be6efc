package dev.hcsim.arch.mips;

import dev.hcsim.core.Exit;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import java.util.List;

/**
 * The MIPS hypercall numbers. Today's KVM implements none: {@code kvm_mips_hypercall}
 * (arch/mips/kvm/hypcall.c) stores -KVM_ENOSYS for every number, which is what the engine answers for
 * a number it does not know or a call this VM does not offer. The three numbers the MIPS
 * paravirtualised guest uses (include/uapi/linux/kvm_para.h; arch/mips/paravirt/setup.c and
 * serial.c) are implemented with their intended meaning behind the {@code paravirt-guest} option.
 */
public final class MipsHypercalls {
    /** KVM_HC_MIPS_GET_CLOCK_FREQ: v0 = the CP0 Count frequency in Hz. */
    public static final long KVM_HC_MIPS_GET_CLOCK_FREQ = 6;
    /** KVM_HC_MIPS_EXIT_VM: the guest's machine-halt hook. */
    public static final long KVM_HC_MIPS_EXIT_VM = 7;
    /** KVM_HC_MIPS_CONSOLE_OUTPUT: a0 = port, a1 = guest virtual address, a2 = byte count. */
    public static final long KVM_HC_MIPS_CONSOLE_OUTPUT = 8;
    /** Most bytes one CONSOLE_OUTPUT call may carry in the simulator (a larger count answers -KVM_E2BIG). */
    public static final long MAX_CONSOLE_BYTES = 1 << 20;

    private static final String KVM = "arch/mips/kvm/hypcall.c kvm_mips_hypercall: -KVM_ENOSYS for every number";
    private static final String OFF = "not implemented by KVM: -KVM_ENOSYS; option paravirt-guest=on: ";

    static final List<HypercallSpec> SPECS = List.of(
            HypercallSpec.builder(KVM_HC_MIPS_GET_CLOCK_FREQ, "KVM_HC_MIPS_GET_CLOCK_FREQ", MipsHypercalls::getClockFreq)
                    .summary("no arguments; v0 = the CP0 Count frequency in Hz (the guest's mips_hpt_frequency)")
                    .source(KVM + "; guest use: arch/mips/paravirt/setup.c plat_time_init")
                    .availability(OFF + "the virtual clock's frequency")
                    .statuses(Status.NOT_IMPLEMENTED, Status.SUCCESS).build(),
            HypercallSpec.builder(KVM_HC_MIPS_EXIT_VM, "KVM_HC_MIPS_EXIT_VM", MipsHypercalls::exitVm)
                    .summary("no arguments; halts the machine (the guest ignores v0)")
                    .source(KVM + "; guest use: arch/mips/paravirt/setup.c pv_machine_halt")
                    .availability(OFF + "a shutdown system event: every vCPU stops")
                    .statuses(Status.NOT_IMPLEMENTED, Status.SUCCESS).build(),
            HypercallSpec.builder(KVM_HC_MIPS_CONSOLE_OUTPUT, "KVM_HC_MIPS_CONSOLE_OUTPUT", MipsHypercalls::consoleOutput)
                    .summary("a0 = port (0: early console), a1 = guest virtual address, a2 = count; v0 = bytes written")
                    .source(KVM + "; guest use: arch/mips/paravirt/serial.c prom_putchar, paravirt_put_chars")
                    .availability(OFF + "the bytes go to the VM's console sink")
                    .statuses(Status.NOT_IMPLEMENTED, Status.SUCCESS, Status.FAULT, Status.TOO_BIG).build());

    private MipsHypercalls() {
    }

    /**
     * Every MIPS number, in number order.
     * @return an unmodifiable list of the hypercalls MIPS KVM answers
     */
    public static List<HypercallSpec> specs() {
        return SPECS;
    }

    /** The virtual counter's frequency (the scheduler's virtual clock, {@code VmConfig.tscHz}). */
    static void getClockFreq(Trap t) {
        t.ok(t.vm().config().tscHz());
    }

    /**
     * Halts the whole machine: [hcsim] the call completes (v0 = 0, PC past the HYPCALL), then the trap
     * ends with KVM_EXIT_SYSTEM_EVENT SHUTDOWN (no data), the uAPI's word for it; the VMM stops every
     * vCPU. A VMM that re-enters anyway continues after the HYPCALL.
     */
    static void exitVm(Trap t) {
        t.ok(0);
        t.complete();
        t.resumeAt(t.nextPc()); // the PC the call completed to stays the result's next PC
        t.exitToHost(SHUTDOWN, (tr, ret) -> tr.ok(0));
    }

    private static final Exit.SystemEvent SHUTDOWN = new Exit.SystemEvent(SystemEventType.SHUTDOWN);

    /**
     * Copies {@code a2} bytes at guest virtual address {@code a1} to console {@code a0}. All bytes are
     * read before any is written, so a fault writes nothing; v0 = the count.
     */
    static void consoleOutput(Trap t) {
        long port = t.arg(0);
        long va = t.arg(1);
        long count = t.arg(2);
        if (count < 0 || count > MAX_CONSOLE_BYTES) {
            t.fail(Status.TOO_BIG);
            return;
        }
        byte[] bytes = new byte[(int) count];
        MemoryAccess m = t.memory();
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) m.read8(MipsInterpreter.physical(va + i));
        }
        ((MipsVm) t.vm().archVm()).console(t.vcpu(), port, bytes);
        t.ok(count);
    }
}
