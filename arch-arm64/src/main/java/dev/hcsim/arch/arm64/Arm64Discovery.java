package dev.hcsim.arch.arm64;

import java.util.List;
import java.util.Locale;

/**
 * How an arm64 guest finds KVM. There is no CPUID leaf: the firmware tables name the PSCI conduit
 * (device-tree {@code /psci} node or ACPI FADT), and the rest is SMCCC probing through that conduit,
 * all of which a guest program in this simulator can do with {@code hvc #0}:
 * PSCI_VERSION, PSCI_FEATURES(SMCCC_VERSION), SMCCC_VERSION, ARCH_FEATURES(id), the vendor
 * hypervisor's CALL_UID compared with the KVM UUID, then KVM_FEATURES
 * (drivers/firmware/psci/psci.c, drivers/firmware/smccc/kvm_guest.c kvm_init_hyp_services).
 */
public final class Arm64Discovery {
    /** The KVM vendor-hypervisor UUID (include/linux/arm-smccc.h ARM_SMCCC_VENDOR_HYP_UID_KVM). */
    public static final String KVM_UUID = "28b46fb6-2ec5-11e9-a9ca-4b564d003a74";
    /** The KVM TRNG UUID (arch/arm64/kvm/trng.c arm_smc_trng_uuid). */
    public static final String TRNG_UUID = "0d21e000-4384-11eb-8070-5244554e5a4c";

    /** CALL_UID's x0..x3. */
    static final long[] KVM_UUID_WORDS = uuidWords(KVM_UUID);
    /** TRNG_GET_UUID's x0..x3. */
    static final long[] TRNG_UUID_WORDS = uuidWords(TRNG_UUID);

    private Arm64Discovery() {
    }

    /**
     * The UUID's 16 bytes (in the order the string spells them) packed little-endian four at a time:
     * what both services return (smccc_set_retval of le32_to_cpu over the uuid_t bytes).
     * @param uuid the UUID as text, 32 hex digits with or without dashes
     * @return the four 32-bit words for x0..x3
     * @throws IllegalArgumentException when {@code uuid} does not have 32 hex digits
     */
    public static long[] uuidWords(String uuid) {
        String hex = uuid.replace("-", "");
        if (hex.length() != 32) {
            throw new IllegalArgumentException("not a UUID: " + uuid);
        }
        long[] w = new long[4];
        for (int i = 0; i < 16; i++) {
            long b = Long.parseLong(hex.substring(2 * i, 2 * i + 2), 16);
            w[i / 4] |= b << (8 * (i % 4));
        }
        return w;
    }

    /**
     * The KVM UUID words x0..x3 (a copy).
     * @return what ARM_SMCCC_VENDOR_HYP_CALL_UID answers on KVM (28b46fb6-2ec5-11e9-a9ca-4b564d003a74)
     */
    public static long[] kvmUuidWords() {
        return KVM_UUID_WORDS.clone();
    }

    /**
     * The device-tree node a VMM (QEMU's virt board) gives a guest with this PSCI version and conduit.
     * @param psciVersion a KVM_ARM_PSCI_* version (PSCI_0_1, PSCI_0_2, PSCI_1_x)
     * @param conduit {@code hvc} or {@code smc}, the node's {@code method}
     * @return the {@code psci} node in device-tree source syntax (with the KVM_PSCI_FN_* IDs for PSCI 0.1)
     */
    public static String deviceTree(int psciVersion, String conduit) {
        String compatible = psciVersion == Arm64Hypercalls.PSCI_0_1 ? "\"arm,psci\""
                : psciVersion == Arm64Hypercalls.PSCI_0_2 ? "\"arm,psci-0.2\", \"arm,psci\"" : "\"arm,psci-1.0\", \"arm,psci-0.2\", \"arm,psci\"";
        StringBuilder sb = new StringBuilder("psci {\n    compatible = ").append(compatible).append(";\n    method = \"").append(conduit)
                .append("\";\n");
        if (psciVersion == Arm64Hypercalls.PSCI_0_1) {
            sb.append(String.format(Locale.ROOT, "    cpu_suspend = <0x%x>;\n    cpu_off = <0x%x>;\n    cpu_on = <0x%x>;\n    migrate = <0x%x>;\n",
                    Arm64Hypercalls.KVM_PSCI_FN_CPU_SUSPEND, Arm64Hypercalls.KVM_PSCI_FN_CPU_OFF, Arm64Hypercalls.KVM_PSCI_FN_CPU_ON,
                    Arm64Hypercalls.KVM_PSCI_FN_MIGRATE));
        }
        return sb.append("};").toString();
    }

    /**
     * The calls a Linux guest makes to find KVM, in order, as (function ID, x1) pairs.
     * @return an unmodifiable list of two-element arrays: PSCI_VERSION, PSCI_FEATURES, SMCCC_VERSION, ARCH_FEATURES,
     *   CALL_UID, KVM_FEATURES
     */
    public static List<long[]> probeSequence() {
        return List.of(new long[] {Arm64Hypercalls.PSCI_VERSION, 0}, new long[] {Arm64Hypercalls.PSCI_FEATURES, Arm64Hypercalls.SMCCC_VERSION},
                new long[] {Arm64Hypercalls.SMCCC_VERSION, 0}, new long[] {Arm64Hypercalls.ARCH_FEATURES, Arm64Hypercalls.ARCH_WORKAROUND_1},
                new long[] {Arm64Hypercalls.CALL_UID, 0}, new long[] {Arm64Hypercalls.KVM_FEATURES, 0});
    }

    /** The whole story in words, for {@code hcsim explain}. */
    static String describe() {
        return "No CPUID leaf: the device tree's /psci node (compatible \"arm,psci-1.0\", method \"hvc\") or ACPI's FADT names the "
                + "conduit, then the guest probes over it: PSCI_VERSION (0x84000000), PSCI_FEATURES(SMCCC_VERSION) == 0, "
                + "SMCCC_VERSION (0x80000000) = 0x10001, ARCH_FEATURES (0x80000001) per workaround, vendor CALL_UID (0x8600ff01) = "
                + "0xb66fb428 0xe911c52e 0x564bcaa9 0x743a004d (KVM UUID " + KVM_UUID + "), then KVM_FEATURES (0x86000000) x0 = "
                + "the vendor bitmap (bit 0 features, bit 1 PTP). PV time: ARCH_FEATURES(PV_TIME_FEATURES) == 0, then "
                + "PV_TIME_FEATURES(PV_TIME_ST) == 0, then PV_TIME_ST gives the record's IPA. A vCPU finds its own affinity with "
                + "mrs xN, mpidr_el1. (drivers/firmware/smccc/kvm_guest.c kvm_init_hyp_services; arch/arm64/kernel/paravirt.c "
                + "pv_time_init; arch/arm64/kvm/hypercalls.c)";
    }
}
