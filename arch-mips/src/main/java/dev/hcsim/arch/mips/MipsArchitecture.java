package dev.hcsim.arch.mips;

import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.DescribedArchitecture;
import dev.hcsim.core.spi.FeatureSpec;
import dev.hcsim.core.spi.OptionSpec;
import dev.hcsim.core.spi.VmContext;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * MIPS64 with the Virtualization ASE, as KVM/MIPS (VZ-only since Linux 5.13) runs it: the guest
 * executes {@code hypcall} (code 0, word 0x42000028) with the number in v0 and up to four arguments
 * in a0..a3, and KVM answers -KVM_ENOSYS in v0 for every number (arch/mips/kvm/hypcall.c). A non-zero
 * code is an internal-error exit to the VMM with the PC restored (arch/mips/kvm/vz.c). VMs run
 * big-endian ({@code mips64}) by default or little-endian ({@code mips64el}) with {@code endian=little}.
 *
 * <p>Options: {@code endian} (big | little), {@code paravirt-guest} (off | on: the intended
 * semantics of KVM_HC_MIPS_GET_CLOCK_FREQ, EXIT_VM and CONSOLE_OUTPUT, which no Linux host
 * implements), {@code host-width} (64 | 32: the width of KVM's {@code unsigned long} GPRs). Features:
 * {@code badinstr}, {@code badinstrp} (the host CPU has CP0 BadInstr / BadInstrP; without them every
 * HYPCALL, or every HYPCALL in a delay slot, is an internal-error exit).
 */
public final class MipsArchitecture extends DescribedArchitecture {
    static final String OPTION_ENDIAN = "endian";
    static final String OPTION_PARAVIRT = "paravirt-guest";
    static final String OPTION_HOST_WIDTH = "host-width";
    static final String FEATURE_BADINSTR = "badinstr";
    static final String FEATURE_BADINSTRP = "badinstrp";

    private static final List<FeatureSpec> FEATURES = List.of(
            new FeatureSpec(FEATURE_BADINSTR, true, "the host CPU has CP0 BadInstr, the only place KVM takes the HYPCALL word from; "
                    + "without it every HYPCALL is a KVM_EXIT_INTERNAL_ERROR exit (arch/mips/kvm/emulate.c kvm_get_badinstr)"),
            new FeatureSpec(FEATURE_BADINSTRP, true, "the host CPU has CP0 BadInstrP, where KVM takes the branch of a HYPCALL in a delay "
                    + "slot from; without it such a HYPCALL is a KVM_EXIT_INTERNAL_ERROR exit (emulate.c kvm_get_badinstrp)"));

    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec(OPTION_ENDIAN, List.of("big", "little"), "big",
                    "byte order of the guest: big (mips64, HYPCALL bytes 42 00 00 28) or little (mips64el, 28 00 00 42)"),
            new OptionSpec(OPTION_PARAVIRT, List.of("off", "on", "false", "true"), "off",
                    "on: numbers 6..8 get the meaning the 2013 MIPS paravirtual guest gives them (arch/mips/paravirt): GET_CLOCK_FREQ "
                            + "returns the virtual clock's frequency, EXIT_VM shuts the VM down, CONSOLE_OUTPUT writes to the VM's console "
                            + "sink. off (today's KVM, arch/mips/kvm/hypcall.c): -KVM_ENOSYS for every number"),
            new OptionSpec(OPTION_HOST_WIDTH, List.of("64", "32"), "64",
                    "width of KVM's unsigned long GPRs: 64 (MIPS64 host) or 32 (MIPS32 host such as P5600: v0 = 0xfffffc18, "
                            + "arguments cut to 32 bits)"));

    private static final List<String> DOC_DIFFERENCES = List.of(
            "Documentation/virt/kvm/x86/hypercalls.rst (MIPS section) allows up to four arguments in a0..a3 and kvm_mips_handle_hypcall "
                    + "reads all four, but the guest header arch/mips/include/asm/kvm_para.h says at most three and only has "
                    + "kvm_hypercall0..3 (a0..a2).",
            "The MIPS paragraph lives in the x86 directory (Documentation/virt/kvm/x86/hypercalls.rst) although it is not x86.",
            "include/uapi/linux/kvm_para.h defines KVM_HC_MIPS_GET_CLOCK_FREQ (6), EXIT_VM (7) and CONSOLE_OUTPUT (8), and the paravirt "
                    + "guest (arch/mips/paravirt) calls them, but no document describes them and KVM answers -KVM_ENOSYS to all three "
                    + "(arch/mips/kvm/hypcall.c kvm_mips_hypercall).",
            "The commit that added hypcall.c says non-zero HYPCALL codes \"are not handled\"; the code makes them an internal-error "
                    + "exit to the VMM (KVM_EXIT_INTERNAL_ERROR) with the PC restored (arch/mips/kvm/vz.c kvm_trap_vz_handle_hc).",
            "The comment of kvm_get_badinstr (arch/mips/kvm/emulate.c) still promises a fallback that reads the instruction from guest "
                    + "memory; since trap-and-emulate was removed (5.13) the function fails with a one-time warning instead.");

    private static final MipsCodec BIG = new MipsCodec(ByteOrder.BIG_ENDIAN);
    private static final MipsCodec LITTLE = new MipsCodec(ByteOrder.LITTLE_ENDIAN);

    /** The provider; {@link java.util.ServiceLoader} calls this. */
    public MipsArchitecture() {
        super(new Description("mips",
                List.of("mips64", "mips-vz"),
                "MIPS64, Virtualization ASE (HYPCALL)",
                MipsRegisters.LAYOUT,
                MipsContract.CONTRACT,
                MipsStatus.CODEC,
                MipsHypercalls.SPECS,
                FEATURES,
                OPTIONS,
                "EBase.CPUNum",
                MipsDiscovery.TEXT,
                DOC_DIFFERENCES));
    }

    static boolean on(String value) {
        return "on".equals(value) || "true".equals(value);
    }

    @Override
    public ByteOrder byteOrder(Map<String, String> options) {
        return "little".equals(options.get(OPTION_ENDIAN)) ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    }

    @Override
    public Codec codec(ByteOrder order) {
        return order == ByteOrder.LITTLE_ENDIAN ? LITTLE : BIG;
    }

    @Override
    public ArchitectureVm attach(VmContext vm) {
        return new MipsVm(vm);
    }

    @Override
    public String defaultTrapInstruction(Map<String, String> options) {
        return "hypcall";
    }
}
