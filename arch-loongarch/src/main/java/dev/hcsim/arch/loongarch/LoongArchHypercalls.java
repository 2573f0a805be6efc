package dev.hcsim.arch.loongarch;

import dev.hcsim.core.Status;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;
import java.util.List;

/**
 * The in-kernel services behind {@code hvcl 0x100} (KVM_HCALL_SERVICE), one small method each,
 * as arch/loongarch/kvm/exit.c kvm_handle_service dispatches them on a0. The HVCL codes
 * themselves (0x101 SWDBG, 0x102 USER_SERVICE, unknown codes) are the trap gate's business
 * ({@link LoongArchVm#trap}).
 */
public final class LoongArchHypercalls {
    private LoongArchHypercalls() {
    }

    /** HYPERVISOR_KVM, the vendor field of the HVCL code (asm/kvm_para.h). */
    public static final int HYPERVISOR_KVM = 1;
    /** KVM_HCALL_SERVICE = HYPERCALL_ENCODE(HYPERVISOR_KVM, 0): the in-kernel services, function in a0. */
    public static final int KVM_HCALL_SERVICE = (HYPERVISOR_KVM << 8) | 0;
    /** KVM_HCALL_SWDBG = HYPERCALL_ENCODE(HYPERVISOR_KVM, 1): software breakpoint for the debugger. */
    public static final int KVM_HCALL_SWDBG = (HYPERVISOR_KVM << 8) | 1;
    /** KVM_HCALL_USER_SERVICE = HYPERCALL_ENCODE(HYPERVISOR_KVM, 2): forwarded to the VMM. */
    public static final int KVM_HCALL_USER_SERVICE = (HYPERVISOR_KVM << 8) | 2;

    /** KVM_HCALL_FUNC_IPI (KVM_HCALL_FUNC_PV_IPI in the v7 patch). */
    public static final long KVM_HCALL_FUNC_IPI = 1;
    /** KVM_HCALL_FUNC_NOTIFY. */
    public static final long KVM_HCALL_FUNC_NOTIFY = 2;

    /** INT_SWI0 (asm/loongarch.h): the software interrupt a PV IPI raises; the vector in traces. */
    public static final int INT_SWI0 = 0;
    /** KVM_MAX_PHYID (asm/kvm_host.h): kvm_get_vcpu_by_cpuid finds no vCPU at or above it. */
    public static final int KVM_MAX_PHYID = 256;

    /** KVM_STEAL_PHYS_VALID, bit 0 of the NOTIFY data. */
    public static final long KVM_STEAL_PHYS_VALID = 1;
    /** KVM_STEAL_PHYS_MASK = GENMASK_ULL(63, 6): the record is 64-byte aligned. */
    public static final long KVM_STEAL_PHYS_MASK = ~0x3FL;

    /** Every service, in number order. */
    public static final List<HypercallSpec> ALL = List.of(
            HypercallSpec.builder(KVM_HCALL_FUNC_IPI, "KVM_HCALL_FUNC_IPI", LoongArchHypercalls::sendPvIpi)
                    .feature(LoongArchArchitecture.IPI)
                    .summary("raise SWI0 on every vCPU whose physical CPU id is a3 + i for each set bit i of the 128-bit bitmap "
                            + "a2:a1, and kick it; ids with no vCPU are skipped, the caller may name itself; a0 = 0")
                    .source("arch/loongarch/kvm/exit.c kvm_send_pv_ipi, kvm_handle_service")
                    .availability("implemented; -1 (KVM_HCALL_INVALID_CODE) when the VMM cleared KVM_FEATURE_IPI. Variant v7: "
                            + "named KVM_HCALL_FUNC_PV_IPI and returns success always")
                    .statuses(Status.SUCCESS, Status.NOT_IMPLEMENTED).build(),
            HypercallSpec.builder(KVM_HCALL_FUNC_NOTIFY, "KVM_HCALL_FUNC_NOTIFY", LoongArchHypercalls::saveNotify)
                    .feature(LoongArchArchitecture.STEAL_TIME)
                    .summary("a1 = 4 (BIT(KVM_FEATURE_STEAL_TIME)): register this vCPU's 64-byte steal-time record at a2 "
                            + "(64-byte aligned GPA | 1 = valid; 0 stops updates); -2 for bits 5..1 set; -1 for any other a1")
                    .source("arch/loongarch/kvm/exit.c kvm_save_notify; vcpu.c kvm_update_stolen_time")
                    .availability("implemented; -1 when steal time is off (no host sched_info, or the VMM cleared "
                            + "KVM_FEATURE_STEAL_TIME). Absent from the v7 patch (variant v7: -1)")
                    .statuses(Status.SUCCESS, Status.NOT_IMPLEMENTED, Status.INVALID_PARAMETER).build());

    /**
     * KVM_HCALL_FUNC_IPI: a1 holds bits 0..63 and a2 bits 64..127 of the destination bitmap, a3
     * (unsigned int) the physical CPU id of bit 0. The id arithmetic is unsigned int and wraps;
     * kvm_get_vcpu_by_cpuid drops ids that are negative as int or >= KVM_MAX_PHYID.
     */
    static void sendPvIpi(Trap t) {
        // kvm_handle_service's !kvm_guest_has_pv_feature(vcpu, KVM_FEATURE_IPI) is LoongArchVm.offers, asked at call time
        LoongArchVm x = (LoongArchVm) t.vm().archVm();
        if (x.isV7()) {
            t.callName("KVM_HCALL_FUNC_PV_IPI"); // v7: "Returns success always"
        }
        VmContext vm = t.vm();
        int min = (int) t.arg(2);
        for (int word = 0; word < 2; word++, min += 64) {
            long bitmap = t.arg(word);
            while (bitmap != 0) {
                int bit = Long.numberOfTrailingZeros(bitmap);
                bitmap &= bitmap - 1;
                // kvm_get_vcpu_by_cpuid drops ids negative as int or >= KVM_MAX_PHYID: no vCPU has one (LoongArchVm.LIMITS),
                // so the lookup alone finds none for them
                int dest = vm.vcpuIndex(min + bit);
                if (dest < 0) {
                    continue; // "skips current cpu ... if current physical cpu core id is invalid"
                }
                // kvm_queue_irq(dest, INT_SWI0) + kvm_vcpu_kick(dest): queued whatever the target's state; the
                // scheduler's interrupt marks it pending and wakes a vCPU blocked in IDLE.
                x.queueIrq(dest, INT_SWI0);
                t.control().interrupt(dest, INT_SWI0);
            }
        }
        t.ok(); // KVM_HCALL_SUCCESS
    }

    /**
     * KVM_HCALL_FUNC_NOTIFY: a1 = feature id, a2 = data. Only BIT(KVM_FEATURE_STEAL_TIME) = 4 is
     * known: the steal-time record's GPA, 64-byte aligned, bit 0 = valid.
     */
    static void saveNotify(Trap t) {
        LoongArchVm x = (LoongArchVm) t.vm().archVm();
        long id = t.arg(0);
        long data = t.arg(1);
        // v7 has no NOTIFY and a cleared KVM_FEATURE_STEAL_TIME answers -1: both are LoongArchVm.offers, asked at call time
        if (id != LoongArchDiscovery.FEATURE_STEAL_TIME) {
            t.fail(Status.NOT_IMPLEMENTED); // default: KVM_HCALL_INVALID_CODE (also a1 = 2, the bit number)
            return;
        }
        if ((data & ~(KVM_STEAL_PHYS_MASK | KVM_STEAL_PHYS_VALID)) != 0) {
            t.fail(Status.INVALID_PARAMETER); // registration unchanged
            return;
        }
        x.registerStealTime(t.vcpu(), data, t.memory());
        t.ok();
    }
}
