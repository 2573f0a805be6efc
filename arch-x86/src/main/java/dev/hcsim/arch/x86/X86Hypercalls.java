package dev.hcsim.arch.x86;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Status;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;
import java.util.List;

/**
 * Every KVM hypercall number x86 answers, one small method each, as today's kernel implements them
 * in arch/x86/kvm/x86.c {@code ____kvm_emulate_hypercall} and arch/x86/kvm/lapic.c.
 */
public final class X86Hypercalls {
    private X86Hypercalls() {
    }

    /** KVM_HC_VAPIC_POLL_IRQ (1): a no-op that returns 0; the exit itself lets KVM inject pending interrupts. */
    public static final long KVM_HC_VAPIC_POLL_IRQ = 1;
    /** KVM_HC_MMU_OP (2): removed from the kernel; answers -KVM_ENOSYS. */
    public static final long KVM_HC_MMU_OP = 2;
    /** KVM_HC_FEATURES (3): PowerPC's number; x86 answers -KVM_ENOSYS. */
    public static final long KVM_HC_FEATURES = 3;
    /** KVM_HC_PPC_MAP_MAGIC_PAGE (4): PowerPC's number; x86 answers -KVM_ENOSYS. */
    public static final long KVM_HC_PPC_MAP_MAGIC_PAGE = 4;
    /** KVM_HC_KICK_CPU (5): wakes a vCPU halted in a PV spinlock (flags, APIC ID). */
    public static final long KVM_HC_KICK_CPU = 5;
    /** KVM_HC_MIPS_GET_CLOCK_FREQ (6): MIPS' number; x86 answers -KVM_ENOSYS. */
    public static final long KVM_HC_MIPS_GET_CLOCK_FREQ = 6;
    /** KVM_HC_MIPS_EXIT_VM (7): MIPS' number; x86 answers -KVM_ENOSYS. */
    public static final long KVM_HC_MIPS_EXIT_VM = 7;
    /** KVM_HC_MIPS_CONSOLE_OUTPUT (8): MIPS' number; x86 answers -KVM_ENOSYS. */
    public static final long KVM_HC_MIPS_CONSOLE_OUTPUT = 8;
    /** KVM_HC_CLOCK_PAIRING (9): writes a host-clock / TSC pair to guest memory (GPA, clock type). */
    public static final long KVM_HC_CLOCK_PAIRING = 9;
    /** KVM_HC_SEND_IPI (10): sends an IPI to a bitmap of APIC IDs (bitmap low, bitmap high, min, ICR). */
    public static final long KVM_HC_SEND_IPI = 10;
    /** KVM_HC_SCHED_YIELD (11): yields to the vCPU with the given APIC ID when it is preempted. */
    public static final long KVM_HC_SCHED_YIELD = 11;
    /** KVM_HC_MAP_GPA_RANGE (12): asks the VMM to map a GPA range private or shared (exits to user space). */
    public static final long KVM_HC_MAP_GPA_RANGE = 12;

    /** ICR fields (arch/x86/include/asm/apicdef.h). */
    static final long APIC_DEST_LOGICAL = 0x800;
    static final long APIC_SHORT_MASK = 0xC0000;
    static final long APIC_VECTOR_MASK = 0xFF;
    static final long APIC_MODE_MASK = 0x700;
    static final long APIC_INT_ASSERT = 0x4000;
    static final long APIC_INT_LEVELTRIG = 0x8000;
    static final int APIC_DM_FIXED = 0x000;
    static final int APIC_DM_LOWEST = 0x100;
    static final int APIC_DM_SMI = 0x200;
    static final int APIC_DM_REMRD = 0x300;
    static final int APIC_DM_NMI = 0x400;
    static final int APIC_DM_INIT = 0x500;
    static final int APIC_DM_STARTUP = 0x600;
    static final int APIC_DM_EXTINT = 0x700;

    private static final long PAGE_SIZE = 4096;
    private static final long APIC_BROADCAST = 0xFF;
    private static final long X2APIC_BROADCAST = 0xFFFF_FFFFL;

    /** Interrupt vector recorded for an NMI (the architectural NMI vector). */
    public static final int NMI_VECTOR = 2;

    /** The hypercall list, in number order. */
    public static final List<HypercallSpec> ALL = List.of(
            HypercallSpec.builder(KVM_HC_VAPIC_POLL_IRQ, "KVM_HC_VAPIC_POLL_IRQ", X86Hypercalls::vapicPollIrq)
                    .summary("no-op; the exit itself lets the host re-check pending interrupts").statuses(Status.SUCCESS, Status.PERMISSION)
                    .source("arch/x86/kvm/x86.c ____kvm_emulate_hypercall").build(),
            notOnX86(KVM_HC_MMU_OP, "KVM_HC_MMU_OP", "removed (documented as deprecated): -KVM_ENOSYS"),
            notOnX86(KVM_HC_FEATURES, "KVM_HC_FEATURES", "PowerPC only: -KVM_ENOSYS on x86"),
            notOnX86(KVM_HC_PPC_MAP_MAGIC_PAGE, "KVM_HC_PPC_MAP_MAGIC_PAGE", "PowerPC only: -KVM_ENOSYS on x86"),
            HypercallSpec.builder(KVM_HC_KICK_CPU, "KVM_HC_KICK_CPU", X86Hypercalls::kickCpu).feature("pv-unhalt")
                    .summary("a0 = flags (ignored), a1 = APIC ID: wake that vCPU from HLT (PV spinlock unlock), then try a directed yield to it")
                    .statuses(Status.SUCCESS, Status.NOT_IMPLEMENTED, Status.PERMISSION)
                    .source("arch/x86/kvm/x86.c kvm_pv_kick_cpu_op, kvm_sched_yield").build(),
            notOnX86(KVM_HC_MIPS_GET_CLOCK_FREQ, "KVM_HC_MIPS_GET_CLOCK_FREQ", "MIPS numbering only: -KVM_ENOSYS on x86"),
            notOnX86(KVM_HC_MIPS_EXIT_VM, "KVM_HC_MIPS_EXIT_VM", "MIPS numbering only: -KVM_ENOSYS on x86"),
            notOnX86(KVM_HC_MIPS_CONSOLE_OUTPUT, "KVM_HC_MIPS_CONSOLE_OUTPUT", "MIPS numbering only: -KVM_ENOSYS on x86"),
            HypercallSpec.builder(KVM_HC_CLOCK_PAIRING, "KVM_HC_CLOCK_PAIRING", X86Hypercalls::clockPairing)
                    .summary("a0 = GPA of a 64-byte struct kvm_clock_pairing, a1 = clock type (0 = wall clock): host realtime and guest TSC at one instant")
                    .statuses(Status.SUCCESS, Status.NOT_SUPPORTED, Status.FAULT, Status.NOT_IMPLEMENTED, Status.PERMISSION)
                    .source("arch/x86/kvm/x86.c kvm_pv_clock_pairing").build(),
            HypercallSpec.builder(KVM_HC_SEND_IPI, "KVM_HC_SEND_IPI", X86Hypercalls::sendIpi).feature("pv-send-ipi")
                    .summary("a0/a1 = 128-bit APIC ID bitmap from a2 = min (u32), a3 = ICR: send one IPI to many vCPUs; returns how many accepted it")
                    .statuses(Status.SUCCESS, Status.INVALID_PARAMETER, Status.NOT_SUPPORTED, Status.NOT_IMPLEMENTED, Status.PERMISSION)
                    .source("arch/x86/kvm/lapic.c kvm_pv_send_ipi, __pv_send_ipi").build(),
            HypercallSpec.builder(KVM_HC_SCHED_YIELD, "KVM_HC_SCHED_YIELD", X86Hypercalls::schedYield).feature("pv-sched-yield")
                    .summary("a0 = APIC ID: directed yield to that vCPU if it is runnable and not running")
                    .statuses(Status.SUCCESS, Status.NOT_IMPLEMENTED, Status.PERMISSION)
                    .source("arch/x86/kvm/x86.c kvm_sched_yield").build(),
            HypercallSpec.builder(KVM_HC_MAP_GPA_RANGE, "KVM_HC_MAP_GPA_RANGE", X86Hypercalls::mapGpaRange).feature(X86Architecture.EXIT_HYPERCALL)
                    .summary("a0 = GPA, a1 = 4 KiB pages, a2 = attributes: exit to the VMM (KVM_EXIT_HYPERCALL) to convert shared/private memory")
                    .statuses(Status.SUCCESS, Status.INVALID_PARAMETER, Status.NOT_IMPLEMENTED, Status.PERMISSION)
                    .source("arch/x86/kvm/x86.c ____kvm_emulate_hypercall, complete_hypercall_exit").build());

    private static HypercallSpec notOnX86(long nr, String name, String why) {
        return HypercallSpec.builder(nr, name, X86Hypercalls::notImplemented).availability(why)
                .summary(why).statuses(Status.NOT_IMPLEMENTED, Status.PERMISSION)
                .source("arch/x86/kvm/x86.c ____kvm_emulate_hypercall (default case)").build();
    }

    static void notImplemented(Trap t) {
        t.fail(Status.NOT_IMPLEMENTED);
    }

    /** KVM_HC_VAPIC_POLL_IRQ: nothing to do; returns 0. */
    static void vapicPollIrq(Trap t) {
        t.ok(0);
    }

    /**
     * KVM_HC_KICK_CPU: a REMRD message to APIC ID a1 (as a C int: low 32 bits) sets the target's
     * {@code pv_unhalted} and kicks it out of HLT; then a directed yield towards a1 (full value).
     * Returns 0 whether or not the target exists.
     */
    static void kickCpu(Trap t) {
        VmContext vm = t.vm();
        X86Vm x = vm.archState(X86Vm.class);
        long apicId = t.arg(1) & 0xFFFF_FFFFL;
        VcpuControl c = t.control();
        if (kickBroadcasts(x, apicId)) {
            for (int i = 0; i < vm.vcpuCount(); i++) {
                c.kick(i);
            }
        } else {
            int target = vm.vcpuIndex(apicId);
            if (target >= 0) {
                c.kick(target);
            }
        }
        directedYield(t, t.arg(1));
        t.ok(0);
    }

    /**
     * Whether a physical REMRD message from no source APIC (kvm_pv_kick_cpu_op) to {@code dest} reaches every vCPU
     * (lapic.c): kvm_apic_is_broadcast_dest sends 0xff (quirk on, or quirk off outside x2APIC mode) and 0xffffffff
     * (quirk off) down the slow path, where kvm_apic_match_dest compares each target's broadcast address with
     * kvm_apic_mda, which turns 0xff into the x2APIC broadcast for an x2APIC target while the quirk is on. So: xAPIC
     * mode broadcasts 0xff and nothing else; x2APIC mode broadcasts 0xff with the quirk, 0xffffffff without it,
     * whether or not a vCPU has APIC ID 0xff.
     */
    static boolean kickBroadcasts(X86Vm x, long dest) {
        if (!x.x2apic()) {
            return dest == APIC_BROADCAST;
        }
        return x.broadcastQuirk() ? dest == APIC_BROADCAST : dest == X2APIC_BROADCAST;
    }

    /** KVM_HC_SCHED_YIELD: directed yield to APIC ID a0; always returns 0. */
    static void schedYield(Trap t) {
        directedYield(t, t.arg(0));
        t.ok(0);
    }

    /**
     * kvm_sched_yield: yields only to an existing vCPU other than the caller that is ready
     * (runnable, not running).
     */
    private static void directedYield(Trap t, long apicId) {
        int target = t.vm().vcpuIndex(apicId);
        if (target >= 0 && target != t.vcpu() && t.control().state(target) == VcpuState.RUNNABLE) {
            t.yieldTo(target);
        }
    }

    /**
     * KVM_HC_CLOCK_PAIRING: checks in the kernel's order (clock type, TSC catch-up, host
     * clocksource), then writes sec, nsec, tsc, flags = 0 and padding = 0 at GPA a0 (64 bytes).
     */
    static void clockPairing(Trap t) {
        X86Vm x = (X86Vm) t.vm().archVm();
        if (!x.host64()) {
            t.fail(Status.NOT_IMPLEMENTED); // #ifdef CONFIG_X86_64
            return;
        }
        if (t.arg(1) != 0 || x.tscCatchup() || !x.hostClocksourceTsc()) {
            t.fail(Status.NOT_SUPPORTED);
            return;
        }
        long now = t.control().nowNanos();
        long realtime = t.vm().config().realtimeEpochNanos() + now;
        byte[] buf = x.clockPairingBuffer(t.vcpu());
        java.util.Arrays.fill(buf, (byte) 0);
        dev.hcsim.core.Bytes.put(buf, 0, 8, Math.floorDiv(realtime, 1_000_000_000L), false);
        dev.hcsim.core.Bytes.put(buf, 8, 8, Math.floorMod(realtime, 1_000_000_000L), false);
        dev.hcsim.core.Bytes.put(buf, 16, 8, x.tsc(now), false);
        // kvm_write_guest (virt/kvm/kvm_main.c) copies page by page and stops at the first page it cannot write, so a
        // structure straddling the end of a memory slot keeps what was written before; the GuestFault of that page
        // becomes -KVM_EFAULT.
        // The 64-byte structure crosses at most one page boundary, so there are at most two pages to copy.
        long gpa = t.arg(0);
        int first = (int) Math.min(64, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
        t.memory().writeBytes(gpa, buf, 0, first);
        if (first < 64) {
            t.memory().writeBytes(gpa + first, buf, first, 64 - first);
        }
        t.ok(0);
    }

    /**
     * KVM_HC_SEND_IPI: ICR checks, then bit i of a0 targets APIC ID min+i and bit i of a1 targets
     * min+cluster+i (u32 arithmetic); the result is how many vCPUs accepted the interrupt.
     */
    static void sendIpi(Trap t) {
        X86Vm x = (X86Vm) t.vm().archVm();
        long icr = t.arg(3);
        if ((icr & (APIC_DEST_LOGICAL | APIC_SHORT_MASK)) != 0) {
            t.fail(Status.INVALID_PARAMETER);
            return;
        }
        if (!x.apicMap()) {
            t.fail(Status.NOT_SUPPORTED);
            return;
        }
        long min = t.arg(2) & 0xFFFF_FFFFL;
        long cluster = t.narrow() ? 32 : 64;
        long count = sendHalf(t, x, t.arg(0), min, icr) + sendHalf(t, x, t.arg(1), (min + cluster) & 0xFFFF_FFFFL, icr);
        t.ok(count);
    }

    /**
     * lapic.c __pv_send_ipi: unmapped ids are skipped. The kernel returns 0 at once when min is past max_apic_id and
     * walks the bitmap only up to min(BITS_PER_LONG, max_apic_id - min + 1) bits because it indexes phys_map; here an
     * APIC ID past max_apic_id is one no vCPU has, which vcpuIndex answers with -1, so neither the early return nor
     * the clip is needed (the mutation runs showed that neither could change any answer).
     */
    private static long sendHalf(Trap t, X86Vm x, long bitmap, long min, long icr) {
        long count = 0;
        VmContext vm = t.vm();
        long bits = bitmap;
        while (bits != 0) {
            int i = Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            int target = vm.vcpuIndex(min + i);
            if (target >= 0) {
                count += accept(t, x, target, icr);
            }
        }
        return count;
    }

    /** lapic.c __apic_accept_irq: how many (0 or 1) this target accepts, and the effect on it. */
    private static int accept(Trap t, X86Vm x, int target, long icr) {
        int mode = (int) (icr & APIC_MODE_MASK);
        boolean level = (icr & APIC_INT_LEVELTRIG) != 0;
        boolean assertBit = (icr & APIC_INT_ASSERT) != 0;
        int vector = (int) (icr & APIC_VECTOR_MASK);
        VcpuControl c = t.control();
        switch (mode) {
            case APIC_DM_FIXED, APIC_DM_LOWEST -> {
                if (!x.apicEnabled(target) || (level && !assertBit)) {
                    return 0;
                }
                c.interrupt(target, vector);
                return 1;
            }
            case APIC_DM_REMRD -> {
                c.kick(target);
                return 1;
            }
            case APIC_DM_NMI -> {
                c.interrupt(target, NMI_VECTOR);
                return 1;
            }
            case APIC_DM_SMI, APIC_DM_STARTUP -> {
                c.kick(target);
                return 1;
            }
            case APIC_DM_INIT -> {
                if (level && !assertBit) {
                    return 0;
                }
                c.kick(target);
                return 1;
            }
            default -> {
                return 0; // APIC_DM_EXTINT is not accepted
            }
        }
    }

    /**
     * KVM_HC_MAP_GPA_RANGE: with the exit enabled, checks alignment, a non-zero page count and
     * wrap-around, then exits to the VMM with nr 12, args a0..a2, flags bit 0 = long mode and ret
     * preset to 0; RAX gets the VMM's answer on re-entry.
     */
    static void mapGpaRange(Trap t) {
        long gpa = t.arg(0);
        long npages = t.arg(1);
        long gfn = gpa >>> 12;
        // The kernel also tests !npages first; gfn + 0 <= gfn refuses npages == 0 all the same, so one test does both.
        if ((gpa & 0xFFF) != 0 || Long.compareUnsigned(gfn + npages, gfn) <= 0) {
            t.fail(Status.INVALID_PARAMETER);
            return;
        }
        // ____kvm_emulate_hypercall: run->hypercall = {nr, args {gpa, npages, attrs}, ret = 0, flags = LONG_MODE if op_64_bit}.
        t.exitToHost(new Exit.Hypercall(KVM_HC_MAP_GPA_RANGE, new long[] {gpa, npages, t.arg(2), 0, 0, 0}, 0,
                t.narrow() ? 0 : Exit.Hypercall.X86_LONG_MODE), X86Hypercalls::completeHypercallExit);
    }

    /**
     * x86.c complete_hypercall_exit: RAX = the VMM's ret (cut to u32 in 32-bit mode by the contract), RIP advances
     * (kvm_skip_emulated_instruction, which queues the single-step #DB when RFLAGS.TF is set).
     */
    static void completeHypercallExit(Trap t, long ret) {
        if (X86Vm.singleStepping(t)) {
            long v = t.narrow() ? ret & 0xFFFF_FFFFL : ret;
            t.registers().set(X86Registers.RAX, v);
            long next = t.pc() + 3;
            t.registers().pc(next);
            t.resumeAt(next);
            X86Vm.singleStep(t);
            return;
        }
        t.ok(ret);
    }
}
