package dev.hcsim.arch.ppc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a PowerPC guest finds KVM: the {@code /hypervisor} device-tree node with
 * {@code compatible = "linux,kvm"}, the {@code hcall-instructions} property (the four instruction
 * words the host publishes through {@code KVM_PPC_GET_PVINFO}) and {@code has-idle}; then
 * {@code KVM_HC_FEATURES}. The node is produced both as a flattened device tree blob (which
 * {@link PpcVm} places in guest memory) and as DTS text for {@code explain}.
 *
 * <p>Sources: {@code arch/powerpc/kvm/powerpc.c kvm_vm_ioctl_get_pvinfo} (the words),
 * QEMU {@code hw/ppc/e500.c} (the node), {@code arch/powerpc/kernel/epapr_paravirt.c} (how the guest
 * reads and patches it), {@code arch/powerpc/include/asm/kvm_para.h kvm_para_available}.
 */
public final class PpcDiscovery {
    /** {@code KVM_SC_MAGIC_R0}, "KVM!" ({@code arch/powerpc/include/uapi/asm/kvm_para.h}). */
    public static final int KVM_SC_MAGIC_R0 = 0x4B56_4D21;
    /** {@code sc}. */
    public static final int INST_SC = 0x4400_0002;
    /** {@code sc 1}. */
    public static final int INST_SC1 = 0x4400_0022;
    /** {@code nop}. */
    public static final int INST_NOP = 0x6000_0000;
    /** {@code lis r0,KVM_SC_MAGIC_R0@h} ({@code kvm_vm_ioctl_get_pvinfo inst_lis | reg_o | inst_sc_magic >> 16}). */
    public static final int INST_LIS_R0_MAGIC = 0x3C00_4B56;
    /** {@code ori r0,r0,KVM_SC_MAGIC_R0@l}. */
    public static final int INST_ORI_R0_MAGIC = 0x6000_4D21;
    /** The Linux guest's unpatched stub ({@code arch/powerpc/kernel/epapr_hcalls.S}): li r3,-1 then nops. */
    private static final int[] LINUX_STUB = {0x3860_FFFF, INST_NOP, INST_NOP, INST_NOP};
    /** QEMU's endian-neutral fallback when the pvinfo ioctl fails ({@code target/ppc/kvm.c kvmppc_get_hypercall}). */
    private static final int[] QEMU_FALLBACK = {0x0800_0048, 0x3860_FFFF, 0x4800_0008, 0xFFFF_6038};

    /**
     * The Linux guest's unpatched stub words (a fresh copy: ABI data is not changed by its readers).
     * @return li r3,-1 then three nops
     */
    public static int[] linuxStub() {
        return LINUX_STUB.clone();
    }

    /**
     * QEMU's endian-neutral fallback words (a fresh copy).
     * @return the four words QEMU hands over when the pvinfo ioctl fails
     */
    public static int[] qemuFallback() {
        return QEMU_FALLBACK.clone();
    }
    /** {@code KVM_PPC_PVINFO_FLAGS_EV_IDLE}: always set by KVM ({@code include/uapi/linux/kvm.h}). */
    public static final int KVM_PPC_PVINFO_FLAGS_EV_IDLE = 1;

    /** The device-tree property name the code uses (guest and QEMU). */
    public static final String HCALL_INSTRUCTIONS = "hcall-instructions";
    /** The name the seed and {@code Documentation/virt/kvm/ppc-pv.rst} give the same property. */
    public static final String HYPERCALL_INSTRUCTIONS = "hypercall-instructions";

    private static final int FDT_MAGIC = 0xD00D_FEED;
    private static final int FDT_BEGIN_NODE = 1;
    private static final int FDT_END_NODE = 2;
    private static final int FDT_PROP = 3;
    private static final int FDT_END = 9;

    private PpcDiscovery() {
    }

    /**
     * The four words {@code KVM_PPC_GET_PVINFO} publishes for {@code host}
     * ({@code powerpc.c kvm_vm_ioctl_get_pvinfo}): BookE HV gets {@code sc 1; nop; nop; nop}, the PR
     * flavours get {@code lis r0,0x4b56; ori r0,r0,0x4d21; sc; nop}.
     * @param host the KVM flavour the VM runs on
     * @return a new array of the four instruction words (pvinfo.hcall)
     */
    public static int[] hcallInstructions(PpcHost host) {
        return host == PpcHost.BOOKE_HV ? new int[] {INST_SC1, INST_NOP, INST_NOP, INST_NOP}
                : new int[] {INST_LIS_R0_MAGIC, INST_ORI_R0_MAGIC, INST_SC, INST_NOP};
    }

    /**
     * The flattened device tree (version 17, always big-endian as the format requires) with a root
     * node and {@code /hypervisor}: {@code compatible = "linux,kvm"}, the property {@code property}
     * with the four words as big-endian cells, and {@code has-idle} (KVM always sets the EV_IDLE pvinfo flag).
     * @param host the KVM flavour whose instruction words are published
     * @param property the property name the words go under ({@code hcall-instructions} for Linux and QEMU)
     * @return the device-tree blob
     */
    public static byte[] flattenedDeviceTree(PpcHost host, String property) {
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        ByteArrayOutputStream struct = new ByteArrayOutputStream();
        int compatOff = addString(strings, "compatible");
        int instOff = addString(strings, property);
        int idleOff = addString(strings, "has-idle");
        cell(struct, FDT_BEGIN_NODE);
        name(struct, "");
        cell(struct, FDT_BEGIN_NODE);
        name(struct, "hypervisor");
        prop(struct, compatOff, "linux,kvm\0".getBytes(StandardCharsets.US_ASCII));
        int[] words = hcallInstructions(host);
        byte[] cells = new byte[16];
        for (int i = 0; i < 4; i++) {
            put32(cells, i * 4, words[i]);
        }
        prop(struct, instOff, cells);
        prop(struct, idleOff, new byte[0]);
        cell(struct, FDT_END_NODE);
        cell(struct, FDT_END_NODE);
        cell(struct, FDT_END);
        byte[] st = struct.toByteArray();
        byte[] str = strings.toByteArray();
        int header = 40;
        int rsvmap = header;
        int structOff = rsvmap + 16;
        int stringsOff = structOff + st.length;
        int total = stringsOff + str.length;
        byte[] out = new byte[total];
        put32(out, 0, FDT_MAGIC);
        put32(out, 4, total);
        put32(out, 8, structOff);
        put32(out, 12, stringsOff);
        put32(out, 16, rsvmap);
        put32(out, 20, 17);
        put32(out, 24, 16);
        put32(out, 28, 0);
        put32(out, 32, str.length);
        put32(out, 36, st.length);
        System.arraycopy(st, 0, out, structOff, st.length);
        System.arraycopy(str, 0, out, stringsOff, str.length);
        return out;
    }

    /**
     * Offset of the {@code hcall-instructions} value inside {@link #flattenedDeviceTree}: lets a guest program find the
     * words.
     * @param host the KVM flavour whose instruction words are published
     * @param property the property name the words go under
     * @return the byte offset of the first of the four words in the blob
     */
    public static int instructionsOffset(PpcHost host, String property) {
        byte[] fdt = flattenedDeviceTree(host, property);
        int[] words = hcallInstructions(host);
        for (int i = 0; i + 16 <= fdt.length; i += 4) {
            boolean match = true;
            for (int k = 0; k < 4 && match; k++) {
                match = get32(fdt, i + 4 * k) == words[k];
            }
            if (match) {
                return i;
            }
        }
        throw new IllegalStateException("hcall-instructions not found in the blob");
    }

    /**
     * The node as DTS text, for {@code hcsim explain} and the docs.
     * @param host the KVM flavour whose instruction words are published
     * @param property the property name the words go under
     * @return the {@code /hypervisor} node in device-tree source syntax
     */
    public static String dts(PpcHost host, String property) {
        int[] w = hcallInstructions(host);
        // '\n', not %n: the same text on every platform (and TeaVM's String.format has no %n)
        return String.format(Locale.ROOT, "/ {\n\thypervisor {\n\t\tcompatible = \"linux,kvm\";\n\t\t%s = <0x%08x 0x%08x 0x%08x 0x%08x>;\n\t\thas-idle;\n\t};\n};\n",
                property, w[0], w[1], w[2], w[3]);
    }

    /**
     * What the Linux guest does with the property ({@code arch/powerpc/kernel/epapr_paravirt.c
     * early_init_dt_scan_epapr}): a value whose length is not a multiple of 4 or longer than 16 bytes
     * is rejected (null: paravirt stays off and the stub keeps answering -1); otherwise each
     * big-endian cell replaces the next stub word and paravirt is on.
     *
     * @param value the property value, or null when the node has no such property
     * @param stub  the guest's current stub words (see {@link #linuxStub()})
     * @return the patched stub, or null when the guest leaves it alone
     */
    public static int[] patchStub(byte[] value, int[] stub) {
        if (value == null || value.length % 4 != 0 || value.length > 16) {
            return null;
        }
        int[] out = Arrays.copyOf(stub, stub.length);
        for (int i = 0; i < value.length / 4 && i < out.length; i++) {
            out[i] = get32(value, i * 4);
        }
        return out;
    }

    private static int addString(ByteArrayOutputStream strings, String s) {
        int off = strings.size();
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        strings.write(b, 0, b.length);
        strings.write(0);
        return off;
    }

    private static void cell(ByteArrayOutputStream out, int v) {
        byte[] b = new byte[4];
        put32(b, 0, v);
        out.write(b, 0, 4);
    }

    private static void name(ByteArrayOutputStream out, String n) {
        byte[] b = n.getBytes(StandardCharsets.US_ASCII);
        out.write(b, 0, b.length);
        out.write(0);
        pad(out);
    }

    private static void prop(ByteArrayOutputStream out, int nameOff, byte[] value) {
        cell(out, FDT_PROP);
        cell(out, value.length);
        cell(out, nameOff);
        out.write(value, 0, value.length);
        pad(out);
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static int get32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
}
