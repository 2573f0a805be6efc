package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Xen VM state the VMM sets (xen.c kvm_xen_hvm_config, kvm_xen_hvm_set_attr, ...) and the hypercall page. */
class X86XenControlTest {
    static final long PAGE = 0x4000;

    static final class Rig {
        final Machine m;
        final X86Vm x;
        final X86Xen xen;
        final MemoryAccess mem;
        final RegisterFile regs;

        Rig(VmConfig.Builder b) {
            Vm vm = Vm.create(b.build());
            m = new Machine(vm, "t");
            x = vm.archState(X86Vm.class);
            xen = x.xen();
            mem = new MemoryAccess(m.memory(), ByteOrder.LITTLE_ENDIAN);
            regs = m.registers(0);
        }

        String wrmsr(long msr, long value) {
            return x.wrmsr(0, msr, value, regs, mem);
        }

        byte[] bytes(long gpa, int len) {
            byte[] b = new byte[len];
            m.memory().read(gpa, b, 0, len);
            return b;
        }
    }

    static byte[] expectedStub(int i, int insn) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) 0xcc);
        b[0] = (byte) 0xb8;
        b[1] = (byte) i;
        b[2] = (byte) (i >> 8);
        b[3] = 0;
        b[4] = 0;
        b[5] = 0x0f;
        b[6] = 0x01;
        b[7] = (byte) insn;
        b[8] = (byte) 0xc3;
        return b;
    }

    @ParameterizedTest(name = "kvm_xen_write_hypercall_page, {0} host: 128 stubs mov $i,%eax; vmcall/vmmcall; ret; int3 x 23")
    @ValueSource(strings = {"intel", "amd"})
    void hypercallPageBytes(String vendor) {
        Rig r = new Rig(VmConfig.builder("x86").feature("xen", true).option("vendor", vendor));
        assertNull(r.wrmsr(0x40000000L, PAGE));
        int insn = vendor.equals("intel") ? 0xc1 : 0xd9; // vmx_patch_hypercall / svm_patch_hypercall
        for (int i = 0; i < 128; i++) {
            assertArrayEquals(expectedStub(i, insn), r.bytes(PAGE + 32L * i, 32), "stub " + i);
        }
        assertTrue(r.xen.longMode(), "the MSR write takes the guest's long mode (EFER.LMA)");
    }

    @Test
    @DisplayName("kvm_xen_write_hypercall_page: with interception only page 0 exists; page 1 is a non-zero return, #GP(0)")
    void pageNumberNonZero() {
        Rig r = new Rig(VmConfig.builder("x86").feature("xen", true));
        String f = r.wrmsr(0x40000000L, PAGE | 1);
        assertTrue(f != null && f.startsWith("#GP(0)"), f);
        assertArrayEquals(new byte[32], r.bytes(PAGE, 32), "nothing written");
    }

    @Test
    @DisplayName("kvm_xen_write_hypercall_page: a page outside guest memory fails (kvm_vcpu_write_guest), #GP(0)")
    void pageOutsideMemory() {
        Rig r = new Rig(VmConfig.builder("x86").feature("xen", true));
        assertTrue(r.wrmsr(0x40000000L, 0x7000_0000L).startsWith("#GP(0)"));
    }

    @Test
    @DisplayName("kvm_xen_write_hypercall_page: 32-bit guest (EFER.LMA 0) sets the compat layouts (max_evtchn_port 1024)")
    void compatMode() {
        Rig r = new Rig(VmConfig.builder("x86").feature("xen", true));
        r.regs.set(X86Registers.EFER_LMA, 0);
        assertNull(r.wrmsr(0x40000000L, PAGE));
        assertFalse(r.xen.longMode());
        assertEquals(1024, r.xen.maxEvtchnPort());
    }

    @Test
    @DisplayName("kvm_xen_write_hypercall_page without interception: page n of the VMM's blob for the guest's mode; n >= blob_size is #GP")
    void blobPages() {
        Rig r = new Rig(VmConfig.builder("x86"));
        byte[] blob64 = new byte[8192];
        blob64[4096] = 0x5a;
        blob64[8191] = 0x6b;
        byte[] blob32 = new byte[4096];
        blob32[0] = 0x11;
        r.xen.hvmConfig(0, 0x40000200L, blob32, blob64);
        assertNull(r.wrmsr(0x40000200L, PAGE | 1));
        assertEquals(0x5a, r.mem.read8(PAGE));
        assertEquals(0x6b, r.mem.read8(PAGE + 4095));
        assertTrue(r.wrmsr(0x40000200L, PAGE | 2).startsWith("#GP(0)"), "blob_size_64 is 2");
        r.regs.set(X86Registers.EFER_LMA, 0);
        assertNull(r.wrmsr(0x40000200L, PAGE));
        assertEquals(0x11, r.mem.read8(PAGE), "a 32-bit guest gets blob_addr_32's page");
        assertFalse(r.xen.hypercallEnabled(), "no interception: calls stay KVM's");
    }

    @Test
    @DisplayName("kvm_xen_hvm_config: flags outside INTERCEPT_HCALL | EVTCHN_SEND | PVCLOCK_TSC_UNSTABLE are -EINVAL")
    void hvmConfigFlags() {
        Rig r = new Rig(VmConfig.builder("x86"));
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> r.xen.hvmConfig(X86Xen.KVM_XEN_HVM_CONFIG_HYPERCALL_MSR, 1)).errno());
        r.xen.hvmConfig(X86Xen.KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL | X86Xen.KVM_XEN_HVM_CONFIG_EVTCHN_SEND
                | X86Xen.KVM_XEN_HVM_CONFIG_PVCLOCK_TSC_UNSTABLE, 0x40000000L);
        assertTrue(r.xen.hypercallEnabled());
    }

    @Test
    @DisplayName("kvm_xen_hvm_config: INTERCEPT_HCALL with a blob is -EINVAL (the kernel writes its own page)")
    void hvmConfigInterceptWithBlob() {
        Rig r = new Rig(VmConfig.builder("x86"));
        KvmException e = assertThrows(KvmException.class,
                () -> r.xen.hvmConfig(X86Xen.KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL, 0x40000000L, new byte[4096], new byte[0]));
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    @DisplayName("kvm_xen_eventfd_assign / update / deassign: IPI must map to its own port, a port once, updates change only the vCPU")
    void evtchnAttributes() {
        Rig r = new Rig(VmConfig.builder("x86").vcpus(2).feature("xen", true));
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> r.xen.assignEvtchn(3, X86Xen.EVTCHNSTAT_IPI, 4, 0)).errno());
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> r.xen.assignEvtchn(0, X86Xen.EVTCHNSTAT_IPI, 0, 0)).errno());
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> r.xen.assignEvtchn(4096, X86Xen.EVTCHNSTAT_IPI, 4096, 0)).errno());
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> r.xen.assignEvtchn(3, 4, 3, 0)).errno(), "EVTCHNSTAT_virq");
        r.xen.assignEvtchn(127, X86Xen.EVTCHNSTAT_INTERDOMAIN, 15, 1);
        assertEquals(Errno.EEXIST, assertThrows(KvmException.class, () -> r.xen.assignEvtchn(127, X86Xen.EVTCHNSTAT_INTERDOMAIN, 15, 1)).errno());
        r.xen.updateEvtchn(127, X86Xen.EVTCHNSTAT_INTERDOMAIN, 15, 0);
        assertEquals(0, r.xen.ports().get(127).vcpuId());
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> r.xen.updateEvtchn(127, X86Xen.EVTCHNSTAT_INTERDOMAIN, 16, 0)).errno());
        r.xen.assignEvtchn(197, X86Xen.EVTCHNSTAT_INTERDOMAIN, 0, 0);
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> r.xen.updateEvtchn(197, X86Xen.EVTCHNSTAT_INTERDOMAIN, 0, 1)).errno(),
                "an eventfd target cannot be updated");
        r.xen.deassignEvtchn(127);
        assertEquals(Errno.ENOENT, assertThrows(KvmException.class, () -> r.xen.deassignEvtchn(127)).errno());
        r.xen.resetEvtchn();
        assertTrue(r.xen.ports().isEmpty());
    }

    @Test
    @DisplayName("kvm_xen_hvm_set_attr / kvm_xen_vcpu_set_attr: upcall vectors below 0x10 and Xen vCPU ids of KVM_MAX_VCPUS are -EINVAL")
    void attributeLimits() {
        Rig r = new Rig(VmConfig.builder("x86").feature("xen", true));
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> r.xen.setUpcallVector(0xf)).errno());
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> r.xen.setVcpuUpcallVector(0, 1)).errno());
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> r.xen.setVcpuId(0, 4096)).errno());
        r.xen.setVcpuId(0, 4095);
        assertEquals(4095, r.xen.vcpuId(0));
    }

    @Test
    @DisplayName("kvm_xen_hvm_evtchn_send: port 0 is -EINVAL; no shared_info is -EINVAL; a masked port is still 0")
    void evtchnSendIoctl() {
        Rig r = new Rig(VmConfig.builder("x86").feature("xen", true));
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> r.xen.evtchnSend(0, 0, r.m.memory(), r.m)).errno());
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> r.xen.evtchnSend(3, 0, r.m.memory(), r.m)).errno());
        r.xen.setSharedInfo(0x8);
        r.m.load(0x8000 + 0xa00, new byte[] {1 << 3});
        r.xen.evtchnSend(3, 0, r.m.memory(), r.m);
        assertEquals(1 << 3, r.mem.read8(0x8800));
        assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> r.xen.evtchnSend(3, 9, r.m.memory(), r.m)).errno(),
                "no vCPU with that id");
    }

    @Test
    @DisplayName("snapshot: every Xen field survives vm.snapshot() and restore() on a VM of the same configuration")
    void snapshotKeepsXenState() {
        VmConfig c = VmConfig.builder("x86").vcpus(2).feature("xen", true).option("xen-version", "0x4000a")
                .option("xen-shared-info", "0x8000").option("xen-timer-port", "13").build();
        Vm a = Vm.create(c);
        X86Xen xa = a.archState(X86Vm.class).xen();
        xa.assignEvtchn(127, X86Xen.EVTCHNSTAT_INTERDOMAIN, 15, 1);
        xa.assignEvtchn(197, X86Xen.EVTCHNSTAT_INTERDOMAIN, 0, 0);
        xa.setVcpuId(1, 7);
        xa.setVcpuUpcallVector(1, 0x20);
        xa.timerExpires[0] = 123;
        xa.polling[1] = true;
        xa.pollEvtchn[1] = -1;
        xa.setLongMode(false);
        Vm b = Vm.create(c);
        b.restore(a.snapshot());
        X86Xen xb = b.archState(X86Vm.class).xen();
        assertEquals(xa.ports(), xb.ports());
        assertEquals(7, xb.vcpuId(1));
        assertEquals(123, xb.timerExpires(0));
        assertTrue(xb.polling(1));
        assertEquals(-1, xb.pollEvtchn[1]);
        assertFalse(xb.longMode());
        assertEquals(0x4000a, xb.xenVersion());
        assertEquals(0x8000, xb.sharedInfoGpa());
        assertEquals(13, xb.timerPort(1));
        assertEquals(a.snapshot(), b.snapshot());
    }

    @Test
    @DisplayName("docs/embedding.md section 8: an embedder reaches Xen's ioctls through X86Vm.xen(); KVM_XEN_HVM_CONFIG with "
            + "INTERCEPT_HCALL and an MSR makes the vmcall Xen's, XEN_VERSION answers xen_version (xen.c kvm_xen_hypercall)")
    void embeddingExample() {
        Vm vm = Vm.create(VmConfig.builder("x86").build());
        X86Xen xen = vm.archState(X86Vm.class).xen();
        xen.hvmConfig(X86Xen.KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL, 0x40000000L);   // every vmcall is Xen's from now on
        xen.setXenVersion(0x4000d);                                             // xen_version(XENVER_version) answers 4.13
        Machine m = new Machine(vm, "doc");
        m.load(0x1000, new byte[] {0x0f, 0x01, (byte) 0xc1});
        RegisterFile r = m.registers(0);
        r.pc(0x1000);
        r.set(X86Registers.RAX, 17);
        vm.trap(0, r, m.memory(), m);
        assertEquals(0x4000d, r.get(X86Registers.RAX));
    }
}
