package dev.hcsim.arch.ppc;

import dev.hcsim.core.Status;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import java.util.ArrayList;
import java.util.List;

/**
 * The hypercalls of {@code arch/powerpc/kvm/powerpc.c kvmppc_kvm_pv}, one small method each, and the
 * ePAPR standard hcalls and the generic {@code KVM_HC_*} numbers of other architectures, which KVM
 * does not implement on PowerPC (they answer {@code EV_UNIMPLEMENTED}, as every unknown token does;
 * listing them names them in traces and in {@code explain}). {@link PpcVm} pre-sets r4 = 0 before a handler runs, because KVM writes r4
 * on every path ({@code kvmppc_set_gpr(vcpu, 4, r2)}).
 */
public final class PpcHypercalls {
    /** ePAPR vendor id of KVM ({@code EV_KVM_VENDOR_ID}). */
    public static final int EV_KVM_VENDOR_ID = 42;
    /** ePAPR vendor id of the standard hcalls ({@code EV_EPAPR_VENDOR_ID}). */
    public static final int EV_EPAPR_VENDOR_ID = 1;
    /** {@code KVM_HC_FEATURES} ({@code include/uapi/linux/kvm_para.h}). */
    public static final int KVM_HC_FEATURES = 3;
    /** {@code KVM_HC_PPC_MAP_MAGIC_PAGE}. */
    public static final int KVM_HC_PPC_MAP_MAGIC_PAGE = 4;
    /** {@code EV_IDLE} ({@code arch/powerpc/include/uapi/asm/epapr_hcalls.h}). */
    public static final int EV_IDLE = 16;
    /** Bit number of the magic page in the KVM_HC_FEATURES bitmap ({@code KVM_FEATURE_MAGIC_PAGE}). */
    public static final int KVM_FEATURE_MAGIC_PAGE = 1;
    /** {@code KVM_MAGIC_FEAT_SR}: sr[] lives in the magic page. */
    public static final long KVM_MAGIC_FEAT_SR = 1L << 0;
    /** {@code KVM_MAGIC_FEAT_MAS0_TO_SPRG7}: MAS0..7, ESR, PIR and SPRG4..7 live in the magic page. */
    public static final long KVM_MAGIC_FEAT_MAS0_TO_SPRG7 = 1L << 1;
    /** {@code MAGIC_PAGE_FLAG_NOT_MAPPED_NX}: bit 0 of r4, set by guests that map their trampolines executable. */
    public static final long MAGIC_PAGE_FLAG_NOT_MAPPED_NX = 1L << 0;

    /** {@code KVM_HCALL_TOKEN(KVM_HC_FEATURES)}. */
    public static final long TOKEN_FEATURES = token(EV_KVM_VENDOR_ID, KVM_HC_FEATURES);
    /** {@code KVM_HCALL_TOKEN(KVM_HC_PPC_MAP_MAGIC_PAGE)}. */
    public static final long TOKEN_MAP_MAGIC_PAGE = token(EV_KVM_VENDOR_ID, KVM_HC_PPC_MAP_MAGIC_PAGE);
    /** {@code EV_HCALL_TOKEN(EV_IDLE)}. */
    public static final long TOKEN_EV_IDLE = token(EV_EPAPR_VENDOR_ID, EV_IDLE);

    private static final String[] EPAPR_NAMES = {null, "EV_BYTE_CHANNEL_SEND", "EV_BYTE_CHANNEL_RECEIVE", "EV_BYTE_CHANNEL_POLL",
        "EV_INT_SET_CONFIG", "EV_INT_GET_CONFIG", "EV_INT_SET_MASK", "EV_INT_GET_MASK", null, "EV_INT_IACK", "EV_INT_EOI",
        "EV_INT_SEND_IPI", "EV_INT_SET_TASK_PRIORITY", "EV_INT_GET_TASK_PRIORITY", "EV_DOORBELL_SEND", "EV_MSGSND"};

    /** Generic KVM_HC_* numbers of other architectures ({@code include/uapi/linux/kvm_para.h}); under vendor 42 they reach the default case. */
    private static final String[] GENERIC_NAMES = {null, "KVM_HC_VAPIC_POLL_IRQ", "KVM_HC_MMU_OP", null, null, "KVM_HC_KICK_CPU",
        "KVM_HC_MIPS_GET_CLOCK_FREQ", "KVM_HC_MIPS_EXIT_VM", "KVM_HC_MIPS_CONSOLE_OUTPUT", "KVM_HC_CLOCK_PAIRING", "KVM_HC_SEND_IPI",
        "KVM_HC_SCHED_YIELD", "KVM_HC_MAP_GPA_RANGE"};

    private PpcHypercalls() {
    }

    /**
     * {@code _EV_HCALL_TOKEN(vendor, number)} = vendor &lt;&lt; 16 | number.
     * @param vendor the ePAPR vendor id (EV_EPAPR_VENDOR_ID 1, EV_KVM_VENDOR_ID 42)
     * @param number the hypercall number within the vendor's space, 0 to 65535
     * @return the token the guest puts in r11
     */
    public static long token(int vendor, int number) {
        return ((long) vendor << 16) | number;
    }

    /**
     * Every hypercall a PowerPC guest can name, in token order.
     * @return an unmodifiable list of the PowerPC hypercalls
     */
    public static List<HypercallSpec> specs() {
        List<HypercallSpec> out = new ArrayList<>();
        for (int n = 1; n < EPAPR_NAMES.length; n++) {
            if (EPAPR_NAMES[n] != null) {
                out.add(HypercallSpec.builder(token(EV_EPAPR_VENDOR_ID, n), EPAPR_NAMES[n], PpcHypercalls::unimplemented)
                        .summary("ePAPR standard hcall " + n + "; KVM does not implement it")
                        .source("arch/powerpc/kvm/powerpc.c kvmppc_kvm_pv (default: EV_UNIMPLEMENTED); number from"
                                + " arch/powerpc/include/uapi/asm/epapr_hcalls.h")
                        .availability("not in KVM: EV_UNIMPLEMENTED, r4 = 0")
                        .statuses(Status.NOT_IMPLEMENTED).build());
            }
        }
        out.add(HypercallSpec.builder(TOKEN_EV_IDLE, "EV_IDLE", PpcHypercalls::idle)
                .summary("wait for the next interrupt on this vCPU (kvm_vcpu_block); then r3 = EV_SUCCESS, r4 = 0")
                .source("arch/powerpc/kvm/powerpc.c kvmppc_kvm_pv (EV_HCALL_TOKEN(EV_IDLE))")
                .statuses(Status.SUCCESS).build());
        out.add(HypercallSpec.builder(TOKEN_FEATURES, "KVM_HC_FEATURES", PpcHypercalls::features)
                .summary("r4 = hypercall feature bitmap: 1 << KVM_FEATURE_MAGIC_PAGE (0x2) on Book3S and e500v2 hosts, 0 on BookE HV")
                .source("arch/powerpc/kvm/powerpc.c kvmppc_kvm_pv (KVM_HCALL_TOKEN(KVM_HC_FEATURES))")
                .statuses(Status.SUCCESS).build());
        out.add(HypercallSpec.builder(TOKEN_MAP_MAGIC_PAGE, "KVM_HC_PPC_MAP_MAGIC_PAGE", PpcHypercalls::mapMagicPage)
                .summary("r3 = guest physical page, r4 = effective page | flags (bit 0 MAGIC_PAGE_FLAG_NOT_MAPPED_NX);"
                        + " maps the kvm_vcpu_arch_shared page; r4 = KVM_MAGIC_FEAT_SR | KVM_MAGIC_FEAT_MAS0_TO_SPRG7 (0x3)")
                .source("arch/powerpc/kvm/powerpc.c kvmppc_kvm_pv (KVM_HCALL_TOKEN(KVM_HC_PPC_MAP_MAGIC_PAGE))")
                .statuses(Status.SUCCESS).build());
        for (int n = 1; n < GENERIC_NAMES.length; n++) {
            if (GENERIC_NAMES[n] != null) {
                out.add(HypercallSpec.builder(token(EV_KVM_VENDOR_ID, n), GENERIC_NAMES[n], PpcHypercalls::unimplemented)
                        .summary("generic KVM hypercall " + n + " of another architecture; PowerPC has no case for it")
                        .source("arch/powerpc/kvm/powerpc.c kvmppc_kvm_pv (default: EV_UNIMPLEMENTED); number from"
                                + " include/uapi/linux/kvm_para.h")
                        .availability("not on PowerPC: EV_UNIMPLEMENTED, r4 = 0")
                        .statuses(Status.NOT_IMPLEMENTED).build());
            }
        }
        out.sort((a, b) -> Long.compare(a.number(), b.number()));
        return List.copyOf(out);
    }

    /** {@code KVM_HC_FEATURES}: r3 = EV_SUCCESS, r4 = the host flavour's feature bitmap. */
    static void features(Trap t) {
        t.ok();
        t.result(1, PpcVm.of(t).host().featureMask());
    }

    /**
     * {@code KVM_HC_PPC_MAP_MAGIC_PAGE}: the code takes r3 as the guest physical address and r4 as the
     * effective address with the flags in its low bits (the document says the reverse). Answers even
     * where the page is not served (BookE HV), as the kernel does.
     */
    static void mapMagicPage(Trap t) {
        long param1 = t.arg(0);
        long param2 = t.arg(1);
        PpcVm.of(t).mapMagicPage(t.vcpu(), param1 & ~0xFFFL, param2 & ~0xFFFL, (param2 & MAGIC_PAGE_FLAG_NOT_MAPPED_NX) != 0);
        t.ok();
        t.result(1, KVM_MAGIC_FEAT_SR | KVM_MAGIC_FEAT_MAS0_TO_SPRG7);
    }

    /** {@code EV_IDLE}: the vCPU blocks until an interrupt or kick; r3 = EV_SUCCESS, r4 = 0. */
    static void idle(Trap t) {
        t.ok(); // r4 = 0 is written by PpcVm.hypercall for every call
        PpcVm.of(t).idle(t.vcpu());
        t.halt();
    }

    /** A token KVM does not implement: EV_UNIMPLEMENTED, r4 = 0. */
    static void unimplemented(Trap t) {
        t.fail(Status.NOT_IMPLEMENTED);
    }
}
