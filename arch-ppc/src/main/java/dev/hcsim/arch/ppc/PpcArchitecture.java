package dev.hcsim.arch.ppc;

import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.DescribedArchitecture;
import dev.hcsim.core.spi.FeatureSpec;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.OptionSpec;
import dev.hcsim.core.spi.VmContext;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * PowerPC: the KVM paravirtual hypercall ABI of Book3S PR and BookE KVM, registered with
 * {@link java.util.ServiceLoader} as architecture {@code ppc}.
 *
 * <p>A guest reads the {@code /hypervisor} device-tree node ({@code compatible = "linux,kvm"},
 * {@code hcall-instructions}, {@code has-idle}), copies the four published instruction words over
 * its hypercall stub and calls it with the ePAPR token in r11 ({@code vendor << 16 | number}) and
 * arguments in r3..r10; KVM answers an {@code EV_*} status in r3 and a second result in r4. Book3S PR
 * and BookE PR hosts recognise {@code sc} with r0 = {@code KVM_SC_MAGIC_R0}; BookE HV hosts take
 * every {@code sc 1}. KVM implements {@code KVM_HC_FEATURES}, {@code KVM_HC_PPC_MAP_MAGIC_PAGE} and
 * {@code EV_IDLE}; every other token answers {@code EV_UNIMPLEMENTED}.
 *
 * <p>Options: {@code host} (book3s-pr, booke-hv, booke-pr), {@code endian} (big, little),
 * {@code mode} (64, 32), {@code privilege} (supervisor, problem), {@code dt-property} (the
 * property name of the device tree node), {@code dtb} (where the blob goes in guest memory).
 * Features: {@code papr} (KVM_CAP_PPC_PAPR) and {@code osi} (KVM_CAP_PPC_OSI), both off by default.
 */
public final class PpcArchitecture extends DescribedArchitecture {
    /** Option: the host flavour. */
    public static final String OPTION_HOST = "host";
    /** Option: the guest's byte order. */
    public static final String OPTION_ENDIAN = "endian";
    /** Option: the vCPUs' reset width (MSR[SF] / MSR[CM]). */
    public static final String OPTION_MODE = "mode";
    /** Option: the vCPUs' reset privilege (MSR[PR]). */
    public static final String OPTION_PRIVILEGE = "privilege";
    /** Option: the name of the property with the instruction words. */
    public static final String OPTION_DT_PROPERTY = "dt-property";
    /** Option: guest physical address of the device-tree blob. */
    public static final String OPTION_DTB = "dtb";
    /** Feature: PAPR mode (KVM_CAP_PPC_PAPR). */
    public static final String FEATURE_PAPR = "papr";
    /** Feature: Mac-on-Linux OSI calls (KVM_CAP_PPC_OSI). */
    public static final String FEATURE_OSI = "osi";
    /** Option: PAPR hcalls the VMM enables in the kernel (KVM_CAP_PPC_ENABLE_HCALL). */
    public static final String OPTION_PAPR_ENABLE = "papr-enable";
    /** Option: PAPR hcalls the VMM disables in the kernel (KVM_CAP_PPC_ENABLE_HCALL, args[1] = 0). */
    public static final String OPTION_PAPR_DISABLE = "papr-disable";

    private static final PpcCodec BIG = new PpcCodec(ByteOrder.BIG_ENDIAN);
    private static final PpcCodec LITTLE = new PpcCodec(ByteOrder.LITTLE_ENDIAN);
    private static final List<HypercallSpec> HYPERCALLS = PpcHypercalls.specs();

    /** The provider; {@link java.util.ServiceLoader} calls this. */
    public PpcArchitecture() {
        super(new Description("ppc",
                List.of("ppc64", "powerpc", "powerpc64"),
                "PowerPC, KVM paravirtual ePAPR hypercalls (Book3S PR sc + r0 magic / BookE HV sc 1), magic page",
                PpcRegisters.LAYOUT,
                PpcContract.CONTRACT,
                PpcStatus.EV,
                HYPERCALLS,
                List.of(
                new FeatureSpec(FEATURE_PAPR, false, "Book3S PR in PAPR mode (KVM_CAP_PPC_PAPR, enabled by QEMU pseries): sc 1 = 0x44000022"
                        + " in supervisor state is a PAPR hcall, answered by kvmppc_h_pr when the kernel implements and enables it,"
                        + " else handed to the host as KVM_EXIT_PAPR_HCALL (book3s_pr.c kvmppc_handle_exit_pr)"),
                new FeatureSpec(FEATURE_OSI, false, "Mac-on-Linux OSI calls (KVM_CAP_PPC_OSI): sc with (u32)r3 = 0x113724fa and (u32)r4 ="
                        + " 0x77810f9b exits to the host as KVM_EXIT_OSI (book3s_pr.c kvmppc_handle_exit_pr)")),
                List.of(
                new OptionSpec(OPTION_HOST, List.of("book3s-pr", "booke-hv", "booke-pr", "book3s-hv"), "book3s-pr",
                        "KVM host flavour: book3s-pr (sc + r0 = KVM_SC_MAGIC_R0, book3s_pr.c; PAPR hcalls with --feature papr),"
                                + " booke-hv (e500mc: every sc 1, booke.c CONFIG_KVM_BOOKE_HV), booke-pr (e500v2, being removed"
                                + " upstream), book3s-hv (POWER9/10 HV KVM, book3s_hv.c: every supervisor sc 1 is a PAPR hcall)"),
                OptionSpec.numberList(OPTION_PAPR_ENABLE,
                        "KVM_CAP_PPC_ENABLE_HCALL with args[1] = 1 for each comma-separated hcall opcode (0x3c, ...): the kernel"
                                + " then answers it itself; -EINVAL for one the flavour does not implement"),
                OptionSpec.numberList(OPTION_PAPR_DISABLE,
                        "KVM_CAP_PPC_ENABLE_HCALL with args[1] = 0 for each comma-separated hcall opcode: it then goes to the"
                                + " host as KVM_EXIT_PAPR_HCALL"),
                new OptionSpec(OPTION_ENDIAN, List.of("big", "little"), "big",
                        "guest byte order: instructions, data and the magic page (Book3S-64 PR picks the page's order from"
                                + " the interrupt endianness at map time, powerpc.c kvmppc_swab_shared)"),
                new OptionSpec(OPTION_MODE, List.of("64", "32"), "64",
                        "reset width: 64 sets MSR[SF] (Book3S) or MSR[CM] (BookE); without MSR[SF] params r3..r6 are cut to 32 bits"),
                new OptionSpec(OPTION_PRIVILEGE, List.of("supervisor", "problem"), "supervisor",
                        "reset privilege: problem sets MSR[PR]; hypercalls are supervisor-only"),
                new OptionSpec(OPTION_DT_PROPERTY, List.of(PpcDiscovery.HCALL_INSTRUCTIONS, PpcDiscovery.HYPERCALL_INSTRUCTIONS),
                        PpcDiscovery.HCALL_INSTRUCTIONS, "name of the /hypervisor property with the instruction words: the code"
                                + " (epapr_paravirt.c, QEMU) uses hcall-instructions; the seed and ppc-pv.rst say hypercall-instructions"),
                new OptionSpec(OPTION_DTB, List.of(), "0xf000",
                        "guest physical address where the flattened device tree is placed before the first vCPU runs, and r3 of"
                                + " vCPU 0 at reset (ePAPR boot convention); 0: no device tree")),
                "PIR",
                discoveryText(),
                List.of(
                "Documentation/virt/kvm/ppc-pv.rst (and the seed's hypercalls.txt) call the property 'hypercall-instructions';"
                        + " the guest (arch/powerpc/kernel/epapr_paravirt.c) and QEMU (hw/ppc/e500.c) use 'hcall-instructions'."
                        + " Option dt-property=hypercall-instructions builds the documented name, which a Linux guest ignores.",
                "ppc-pv.rst: KVM_HC_PPC_MAP_MAGIC_PAGE takes 'the effective address' first and 'the real address' second;"
                        + " the code (powerpc.c kvmppc_kvm_pv) takes r3 as the physical and r4 as the effective address, with"
                        + " MAGIC_PAGE_FLAG_NOT_MAPPED_NX in bit 0 of r4. The Linux guest passes -4096 in both (kernel/kvm.c).",
                "ppc-pv.rst says hypercalls return 'negative' on error; KVM only ever returns EV_SUCCESS (0) or"
                        + " EV_UNIMPLEMENTED (12), and writes r4 on every call (0 when unused).",
                "The seed's hypercalls.txt says r4..r11 are output registers; kvmppc_kvm_pv writes only r3 and r4.",
                "ppc-pv.rst lists the magic-page MSR bits a guest may change by a plain store (EE, RI); the simulator honours"
                        + " exactly those and keeps the other bits as the last trap left them.",
                "e500_emulate.c kvmppc_e500_emul_msgsnd computes the doorbell type with dbell2prio(rb), the register number,"
                        + " not its value: every emulated msgsnd is an ordinary doorbell (IVOR36), whatever type rB names.")));
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
        return new PpcVm(vm);
    }

    private static String discoveryText() {
        StringBuilder sb = new StringBuilder();
        sb.append("Device tree /hypervisor node (arch/powerpc/kernel/epapr_paravirt.c scans every node for hcall-instructions;")
                .append(" kvm_para_available() checks compatible \"linux,kvm\"). The host's words come from KVM_PPC_GET_PVINFO")
                .append(" (powerpc.c kvm_vm_ioctl_get_pvinfo); the guest copies them over its stub (li r3,-1; nop; nop; nop).\n");
        for (PpcHost h : PpcHost.values()) {
            sb.append("host=").append(h.optionValue()).append(":\n")
                    .append(PpcDiscovery.dts(h, PpcDiscovery.HCALL_INSTRUCTIONS));
        }
        sb.append("Then KVM_HC_FEATURES (r11 = 0x2a0003): r4 bit 1 (KVM_FEATURE_MAGIC_PAGE) = 0x2 on book3s-pr and booke-pr, 0 on booke-hv.")
                .append(" Without the property the stub answers r3 = -1 without trapping; QEMU's fallback words 08000048 3860ffff")
                .append(" 48000008 ffff6038 give r3 = -1 in either byte order (target/ppc/kvm.c kvmppc_get_hypercall).");
        return sb.toString();
    }

    @Override
    public String defaultTrapInstruction(Map<String, String> options) {
        String host = options.get(OPTION_HOST);
        return "booke-hv".equals(host) || "book3s-hv".equals(host) ? "sc 1" : "sc";
    }
}
