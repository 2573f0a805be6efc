package dev.hcsim.arch.ppc;

/**
 * The KVM host flavour a PowerPC VM runs on (the {@code host} option). They differ in how the
 * hypercall is recognised, which words the host publishes, the {@code KVM_HC_FEATURES} mask and
 * whether the magic page is served.
 */
public enum PpcHost {
    /** Book3S PR KVM ({@code arch/powerpc/kvm/book3s_pr.c}): {@code sc} with r0 = KVM_SC_MAGIC_R0; magic page served. */
    BOOK3S_PR("book3s-pr"),
    /** BookE HV KVM, e500mc family ({@code booke.c}, CONFIG_KVM_BOOKE_HV): every {@code sc 1}; no magic page. */
    BOOKE_HV("booke-hv"),
    /** BookE PR KVM, e500v2 ({@code booke.c} without BOOKE_HV): like Book3S PR; support is being removed upstream. */
    BOOKE_PR("booke-pr"),
    /**
     * Book3S HV KVM on POWER9/10 ({@code book3s_hv.c}): the guest is always PAPR; every supervisor {@code sc 1} is a
     * PAPR hcall, {@code sc} goes to the guest's own handler; no KVM PV hypercalls and no magic page.
     */
    BOOK3S_HV("book3s-hv");

    private final String optionValue;

    PpcHost(String optionValue) {
        this.optionValue = optionValue;
    }

    /**
     * The option value ({@code book3s-pr}, {@code booke-hv}, {@code booke-pr}).
     * @return the value of the {@code host} option that selects this flavour
     */
    public String optionValue() {
        return optionValue;
    }

    /**
     * The flavour for an option value.
     * @param value {@code book3s-pr}, {@code booke-hv} or {@code booke-pr}
     * @return the flavour
     * @throws IllegalArgumentException for any other value, with a one-line message
     */
    public static PpcHost of(String value) {
        for (PpcHost h : values()) {
            if (h.optionValue.equals(value)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown PowerPC host flavour '" + value + "'");
    }

    /**
     * True for the BookE flavours (64-bit mode is MSR[CM], interrupts go through IVPR/IVORs, ESR exists).
     * @return whether this is a BookE host
     */
    public boolean bookE() {
        return this == BOOKE_HV || this == BOOKE_PR;
    }

    /**
     * {@code kvmppc_supports_magic_page}: false on BookE HV ({@code arch/powerpc/include/asm/kvm_booke.h}),
     * true on the PR flavours.
     * @return whether KVM_HC_PPC_MAP_MAGIC_PAGE can map the shared page
     */
    public boolean supportsMagicPage() {
        return this != BOOKE_HV && this != BOOK3S_HV;
    }

    /**
     * The {@code KVM_HC_FEATURES} bitmap in r4: {@code 1 << KVM_FEATURE_MAGIC_PAGE} when the kernel is
     * built with CONFIG_PPC_BOOK3S or CONFIG_KVM_E500V2, else 0 ({@code powerpc.c kvmppc_kvm_pv}).
     * @return the feature bitmap KVM_HC_FEATURES returns on this host
     */
    public long featureMask() {
        return this == BOOKE_HV || this == BOOK3S_HV ? 0 : 1L << PpcHypercalls.KVM_FEATURE_MAGIC_PAGE;
    }
}
