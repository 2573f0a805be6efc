package dev.hcsim.arch.s390;

import java.nio.charset.StandardCharsets;

/**
 * How an s390 guest finds KVM. There is no feature leaf: the Linux guest hard-codes
 * {@code kvm_para_available() = 1} (arch/s390/include/asm/kvm_para.h). It detects the hypervisor
 * with STORE SYSTEM INFORMATION 3.2.2, whose first VM entry KVM fills with the EBCDIC name
 * {@code KVMguest} and control-program identifier {@code KVM/Linux} (arch/s390/kvm/priv.c
 * handle_stsi_3_2_2), compared by arch/s390/kernel/early.c detect_machine_type.
 */
public final class S390Discovery {
    /** Size of a SYSIB: one 4 KiB page (priv.c handle_stsi writes PAGE_SIZE bytes). */
    public static final int SYSIB_SIZE = 4096;
    /** Offset of vm[0] in SYSIB 3.2.2 (arch/s390/include/asm/sysinfo.h struct sysinfo_3_2_2). */
    public static final int VM0 = 32;

    /** ASCII to EBCDIC (code page 037) for the characters KVM's strings use; the kernel's ASCEBC table. */
    private static final byte[] EBCDIC = new byte[128];

    static {
        java.util.Arrays.fill(EBCDIC, (byte) 0x6F); // '?'
        EBCDIC[' '] = 0x40;
        EBCDIC['/'] = 0x61;
        EBCDIC['.'] = 0x4B;
        EBCDIC['-'] = 0x60;
        EBCDIC['_'] = 0x6D;
        for (int i = 0; i < 9; i++) {
            EBCDIC['a' + i] = (byte) (0x81 + i);
            EBCDIC['j' + i] = (byte) (0x91 + i);
            EBCDIC['A' + i] = (byte) (0xC1 + i);
            EBCDIC['J' + i] = (byte) (0xD1 + i);
        }
        for (int i = 0; i < 8; i++) {
            EBCDIC['s' + i] = (byte) (0xA2 + i);
            EBCDIC['S' + i] = (byte) (0xE2 + i);
        }
        for (int i = 0; i < 10; i++) {
            EBCDIC['0' + i] = (byte) (0xF0 + i);
        }
    }

    private S390Discovery() {
    }

    /**
     * EBCDIC bytes of an ASCII string.
     * @param ascii the text; characters outside those KVM's strings use become EBCDIC {@code ?}
     * @return one EBCDIC (code page 037) byte per character
     */
    public static byte[] ebcdic(String ascii) {
        byte[] a = ascii.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = EBCDIC[a[i] & 0x7F];
        }
        return out;
    }

    /**
     * The VM name KVM reports, in EBCDIC: {@code KVMguest}.
     * @return the 8 EBCDIC bytes of the name
     */
    public static byte[] vmName() {
        return ebcdic("KVMguest");
    }

    /**
     * The control-program identifier KVM reports, in EBCDIC: {@code "KVM/Linux       "} (16 bytes).
     * @return the 16 EBCDIC bytes of the identifier
     */
    public static byte[] controlProgramId() {
        return ebcdic("KVM/Linux       ");
    }

    /**
     * SYSIB 3.2.2 as KVM builds it for a VM of {@code cpus} vCPUs on a host that is not itself a
     * level-3 guest: count = 1, vm[0] = {cpus total and configured, 0 standby, 0 reserved, name
     * KVMguest, capability 1000, cpi KVM/Linux} (priv.c handle_stsi_3_2_2). Big-endian.
     * @param cpus the number of vCPUs of the VM
     * @return the 4096-byte SYSIB block as STSI 3.2.2 stores it
     */
    public static byte[] sysib322(int cpus) {
        byte[] b = new byte[SYSIB_SIZE];
        b[31] = 1; // count in the low 4 bits of byte 31
        putShort(b, VM0 + 4, cpus);
        putShort(b, VM0 + 6, cpus);
        System.arraycopy(vmName(), 0, b, VM0 + 12, 8);
        putInt(b, VM0 + 20, 1000);
        System.arraycopy(controlProgramId(), 0, b, VM0 + 24, 16);
        return b;
    }

    /** Offset of ext_names[0] in SYSIB 3.2.2: after vm[8] (32 + 8 * 64) and 1504 reserved bytes. */
    public static final int EXT_NAMES = 2048;

    /**
     * SYSIB 3.2.2 as the guest sees it under QEMU, which enables KVM_CAP_S390_USER_STSI and completes
     * KVM's block (QEMU target/s390x/kvm/kvm.c insert_stsi_3_2_2): vm[0] gets the extended-name
     * encoding 2 (UTF-8) and ext_names[0] the name "KVMguest" (no -name given), the UUID stays zero.
     * @param cpus the number of vCPUs of the VM
     * @return the 4096-byte SYSIB block with QEMU's additions
     */
    public static byte[] sysib322Qemu(int cpus) {
        byte[] b = sysib322(cpus);
        b[VM0 + 43] = 2;
        byte[] name = "KVMguest".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(name, 0, b, EXT_NAMES, name.length);
        return b;
    }

    /**
     * True when the first three bytes of vm[0].cpi are EBCDIC "KVM", the test of detect_machine_type (early.c).
     * @param sysib a SYSIB 3.2.2 block as STSI stored it
     * @return whether a Linux guest would take the machine for KVM
     */
    public static boolean isKvm(byte[] sysib) {
        return sysib.length >= VM0 + 27 && (sysib[VM0 + 24] & 0xFF) == 0xD2 && (sysib[VM0 + 25] & 0xFF) == 0xE5
                && (sysib[VM0 + 26] & 0xFF) == 0xD4;
    }

    private static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >> 8);
        b[off + 1] = (byte) v;
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >> 24);
        b[off + 1] = (byte) (v >> 16);
        b[off + 2] = (byte) (v >> 8);
        b[off + 3] = (byte) v;
    }

    /** Discovery in words, for {@code hcsim explain}. */
    static String describe() {
        return "No feature leaf: the Linux guest hard-codes kvm_para_available() = 1 and kvm_arch_para_features() = 0 "
                + "(arch/s390/include/asm/kvm_para.h). A guest identifies KVM with STSI 3.2.2 (r0 = 0x30000002, r1 = 2, "
                + "operand a 4 KiB aligned page): vm[0].name = EBCDIC \"KVMguest\" (D2 E5 D4 87 A4 85 A2 A3) and vm[0].cpi = "
                + "EBCDIC \"KVM/Linux\" padded with blanks (D2 E5 D4 61 D3 89 95 A4 A7 40...), cc 0, r0 := 0 "
                + "(arch/s390/kvm/priv.c handle_stsi, handle_stsi_3_2_2; arch/s390/kernel/early.c detect_machine_type); QEMU then adds "
                + "the extended name \"KVMguest\" (UTF-8, encoding 2 in vm[0]) at offset 2048 (target/s390x/kvm/kvm.c insert_stsi_3_2_2). "
                + "Probing by trial also works: DIAG 0x500 subcode 4 (storage limit) with r2 = 0 under an exception fixup.";
    }
}
