package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.CpuidEntry;
import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmControl;
import dev.hcsim.core.KvmErrno;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.MsrEntry;
import dev.hcsim.core.Status;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * x86 through the one VMM-side control surface: arch/x86/kvm/x86.c kvm_set_msr_common /
 * kvm_get_msr_common / kvm_do_msr_access / kvm_pv_enable_async_pf / kvm_vcpu_ioctl_enable_cap,
 * arch/x86/kvm/cpuid.c kvm_set_cpuid / kvm_update_pv_runtime.
 */
class X86KvmControlTest {
    private static final long[] PV_MSRS = {0x12, 0x4b564d01L, 0x11, 0x4b564d00L, 0x4b564d02L, 0x4b564d03L, 0x4b564d04L, 0x4b564d05L,
        0x4b564d06L, 0x4b564d07L};

    private static void assertErrno(Errno e, Executable call) {
        KvmException x = assertThrows(KvmException.class, call);
        assertEquals(e, x.errno(), x.getMessage());
    }

    private static Vm vm() {
        return Vm.create(VmConfig.builder("x86").vcpus(2).build());
    }

    /** KVM_CAP_ENFORCE_PV_FEATURE_CPUID on vCPU 0 and KVM_CPUID_FEATURES (0x40000001) cleared, as kvm_pv_test.c sets up. */
    private static Vm enforcedWithoutPvFeatures() {
        Vm vm = vm();
        vm.control().enableVcpuCap(0, X86Ioctls.KVM_CAP_ENFORCE_PV_FEATURE_CPUID, 1);
        List<CpuidEntry> cleared = new ArrayList<>(vm.control().getCpuid(0));
        cleared.replaceAll(e -> e.function() == 0x40000001L ? new CpuidEntry(e.function(), 0, 0, 0, 0, 0, 0) : e);
        vm.control().setCpuid(0, cleared);
        return vm;
    }

    /** Runs {@code insn} then hlt on vCPU 0 with RCX/RAX/RDX set; returns the stop reason (null when it halted cleanly). */
    static String guest(Vm vm, String insn, long rcx, long rax, long rdx) {
        Machine m = new Machine(vm, "t");
        m.load(0x1000, vm.assemble(insn + "\nhlt", 0x1000).bytes());
        m.registers(0).pc(0x1000);
        m.registers(0).set(X86Registers.RCX, rcx);
        m.registers(0).set(X86Registers.RAX, rax);
        m.registers(0).set(X86Registers.RDX, rdx);
        m.run(100, 1_000_000);
        return m.stopReason(0);
    }

    @Test
    @DisplayName("KVM_SET_MSRS then KVM_GET_MSRS: every emulated PV MSR reads back; the count stops at the first refusal (msr_io)")
    void msrsReadBack() {
        KvmControl c = vm().control();
        assertEquals(3, c.setMsrs(0, new MsrEntry(0x4b564d03L, 0x2001), new MsrEntry(0x4b564d05L, 0), new MsrEntry(0x4b564d04L, 0x3001)));
        List<MsrEntry> got = c.getMsrs(0, 0x4b564d03L, 0x4b564d05L, 0x4b564d04L);
        assertEquals(List.of(new MsrEntry(0x4b564d03L, 0x2001), new MsrEntry(0x4b564d05L, 0), new MsrEntry(0x4b564d04L, 0x3001)), got);
        assertEquals(1, c.getMsrs(1, 0x4b564d05L).get(0).data(), "MSR_KVM_POLL_CONTROL is 1 after vCPU creation");
        assertEquals(1, c.setMsrs(0, new MsrEntry(0x4b564d03L, 0x2001), new MsrEntry(0x4b564d03L, 0x2003), new MsrEntry(0x4b564d03L, 0)),
                "KVM_STEAL_RESERVED_MASK (bits 5:1) stops the ioctl at the second entry");
        assertEquals(0, c.setMsrs(0, new MsrEntry(0x4b564d08L, 1)), "MSR_KVM_MIGRATION_CONTROL is the VMM's, not KVM's");
        assertEquals(1, c.getMsrs(0, 0x4b564d00L, 0x4b564d08L).size());
    }

    @Test
    @DisplayName("x86.c kvm_set_msr_common: the documented reserved bits of each PV MSR are refused")
    void reservedBits() {
        KvmControl c = vm().control();
        assertEquals(0, c.setMsrs(0, new MsrEntry(0x4b564d05L, 2)), "POLL_CONTROL: only the enable bit");
        assertEquals(0, c.setMsrs(0, new MsrEntry(0x4b564d06L, 0x100)), "ASYNC_PF_INT: the vector is 8 bits");
        assertEquals(0, c.setMsrs(0, new MsrEntry(0x4b564d02L, 0x2010)), "ASYNC_PF_EN bits 5:4 are reserved");
        assertEquals(0, c.setMsrs(0, new MsrEntry(0x4b564d04L, 0x3002 | 1)), "PV_EOI: the address is 4-byte aligned");
        assertEquals(0, c.setMsrs(0, new MsrEntry(0x4b564d02L, 0x10_0000 | 9)), "ASYNC_PF_EN enabled outside guest memory");
        assertEquals(1, c.setMsrs(0, new MsrEntry(0x4b564d02L, 0x2000 | 9)), "ENABLED | DELIVERY_AS_INT with ASYNC_PF_INT offered");
    }

    @Test
    @DisplayName("kvm_pv_test.c: ENFORCE_PV_FEATURE_CPUID + cleared KVM_CPUID_FEATURES: every PV MSR #GPs for rdmsr and wrmsr in the guest")
    void enforcedMsrsFault() {
        for (long msr : PV_MSRS) {
            // one VM per run: a Vm belongs to one Machine (its per-VM state is tied to that machine's memory)
            String rd = guest(enforcedWithoutPvFeatures(), "rdmsr", msr, 0, 0);
            assertNotNull(rd, "rdmsr 0x" + Long.toHexString(msr));
            assertTrue(rd.startsWith("#GP(0)"), rd);
            String wr = guest(enforcedWithoutPvFeatures(), "wrmsr", msr, 0, 0);
            assertNotNull(wr, "wrmsr 0x" + Long.toHexString(msr));
            assertTrue(wr.startsWith("#GP(0)"), wr);
        }
    }

    @Test
    @DisplayName("kvm_do_msr_access: with the CPUID bit off, the VMM still reads 0 and writes 0, but not another value")
    void hostAccessWithoutCpuid() {
        Vm vm = vm();
        KvmControl c = vm.control();
        c.enableVcpuCap(0, X86Ioctls.KVM_CAP_ENFORCE_PV_FEATURE_CPUID, 1);
        c.setCpuid(0, List.of(CpuidEntry.of(0x40000000L, 0x40000001L, X86Discovery.SIGNATURE_EBX, X86Discovery.SIGNATURE_ECX,
                X86Discovery.SIGNATURE_EDX), CpuidEntry.of(0x40000001L, 0, 0, 0, 0)));
        assertEquals(List.of(new MsrEntry(0x4b564d03L, 0)), c.getMsrs(0, 0x4b564d03L));
        assertEquals(1, c.setMsrs(0, new MsrEntry(0x4b564d03L, 0)));
        assertEquals(0, c.setMsrs(0, new MsrEntry(0x4b564d03L, 0x2001)));
    }

    @Test
    @DisplayName("kvm_pv_test.c: with the features cleared and enforced, KICK_CPU, SEND_IPI and SCHED_YIELD answer -KVM_ENOSYS")
    void enforcedHypercalls() {
        for (long nr : new long[] {X86Hypercalls.KVM_HC_KICK_CPU, X86Hypercalls.KVM_HC_SEND_IPI, X86Hypercalls.KVM_HC_SCHED_YIELD}) {
            Vm vm = vm();
            vm.control().enableVcpuCap(0, X86Ioctls.KVM_CAP_ENFORCE_PV_FEATURE_CPUID, 1);
            vm.control().setCpuid(0, List.of(CpuidEntry.of(0x40000001L, 0, 0, 0, 0)));
            Machine m = new Machine(vm, "t");
            m.load(0x1000, vm.assemble("vmcall", 0x1000).bytes());
            m.registers(0).pc(0x1000);
            m.registers(0).set(X86Registers.RAX, nr);
            vm.trap(0, m.registers(0), m.memory(), m);
            assertEquals(KvmErrno.CODEC.encode(Status.NOT_IMPLEMENTED), m.registers(0).get(X86Registers.RAX), "nr " + nr);
        }
    }

    @Test
    @DisplayName("cpuid.c kvm_set_cpuid: the guest's CPUID shows the VMM's entries; after the first run only the same entries (-EINVAL)")
    void cpuidAfterRun() {
        Vm vm = vm();
        KvmControl c = vm.control();
        List<CpuidEntry> mine = List.of(CpuidEntry.of(0x40000000L, 0x40000001L, X86Discovery.SIGNATURE_EBX, X86Discovery.SIGNATURE_ECX,
                X86Discovery.SIGNATURE_EDX), CpuidEntry.of(0x40000001L, 1L << 5, 0, 0, 1));
        c.setCpuid(0, mine);
        assertEquals(mine, c.getCpuid(1));
        assertEquals(1L << 5, vm.archState(X86Vm.class).discovery().featureBits());
        assertNull(guest(vm, "cpuid", 0, 0x40000001L, 0));
        assertTrue(vm.hasRun());
        c.setCpuid(0, mine);
        assertErrno(Errno.EINVAL, () -> c.setCpuid(0, List.of(CpuidEntry.of(0x40000001L, 0, 0, 0, 0))));
    }

    @Test
    @DisplayName("kvm_pv_test.c test_pv_unhalt: KVM_X86_DISABLE_EXITS_HLT withdraws PV_UNHALT at the next KVM_SET_CPUID2; no signature, no features")
    void pvUnhaltWithdrawn() {
        Vm vm = vm();
        KvmControl c = vm.control();
        List<CpuidEntry> base = new ArrayList<>(c.getCpuid(0));
        assertTrue((vm.archState(X86Vm.class).discovery().featureBits() & (1L << 7)) != 0);
        List<CpuidEntry> noSig = new ArrayList<>(base);
        noSig.replaceAll(e -> e.function() == 0x40000000L ? new CpuidEntry(e.function(), 0, 0, e.eax(), 0xdeadbeefL, e.ecx(), e.edx()) : e);
        c.setCpuid(0, noSig);
        assertEquals(0, vm.archState(X86Vm.class).discovery().featureBits(), "kvm_get_hypervisor_cpuid finds no KVM base");
        c.enableCap(X86Ioctls.KVM_CAP_X86_DISABLE_EXITS, X86Ioctls.KVM_X86_DISABLE_EXITS_HLT);
        c.setCpuid(0, base);
        assertEquals(0, vm.archState(X86Vm.class).discovery().featureBits() & (1L << 7));
        assertTrue((vm.archState(X86Vm.class).discovery().featureBits() & (1L << 5)) != 0);
    }

    @Test
    @DisplayName("KVM_CAP_EXIT_HYPERCALL: only bit 12 is valid (-EINVAL); with it MAP_GPA_RANGE exits to the VMM")
    void exitHypercallCap() {
        Vm vm = vm();
        assertFalse(Engine.context(vm).hypercalls().isOffered(X86Hypercalls.KVM_HC_MAP_GPA_RANGE));
        assertErrno(Errno.EINVAL, () -> vm.control().enableCap(X86Ioctls.KVM_CAP_EXIT_HYPERCALL, 1L << 11));
        vm.control().enableCap(X86Ioctls.KVM_CAP_EXIT_HYPERCALL, 1L << 12);
        assertTrue(Engine.context(vm).hypercalls().isOffered(X86Hypercalls.KVM_HC_MAP_GPA_RANGE));
        assertErrno(Errno.EINVAL, () -> vm.control().enableVcpuCap(0, X86Ioctls.KVM_CAP_EXIT_HYPERCALL, 1L << 12));
        assertErrno(Errno.ENXIO, () -> vm.control().setDeviceAttr(0, 0, KvmControl.u64(0)));
        assertErrno(Errno.ENOENT, () -> vm.control().getOneReg(0, 1));
    }

    @Test
    @DisplayName("x86.c kvm_vm_ioctl_check_extension: each mask KVM_CHECK_EXTENSION reports is exactly what KVM_ENABLE_CAP accepts "
            + "(every bit in it enables, the next bit above is -EINVAL); an unknown capability is 0")
    void checkExtensionMatchesEnableCap() {
        long[][] caps = {{X86Ioctls.KVM_CAP_DISABLE_QUIRKS2, 0x3FF}, {X86Ioctls.KVM_CAP_X86_DISABLE_EXITS, 0xF},
            {X86Ioctls.KVM_CAP_EXIT_HYPERCALL, 1L << 12}};
        for (long[] c : caps) {
            long mask = vm().control().checkExtension(c[0]);
            assertEquals(c[1], mask, "capability " + c[0]);
            for (int bit = 0; bit < 64; bit++) {
                long b = 1L << bit;
                Vm vm = vm();
                if ((mask & b) != 0) {
                    vm.control().enableCap(c[0], b);
                } else if (b > mask) {
                    assertErrno(Errno.EINVAL, () -> vm.control().enableCap(c[0], b));
                }
            }
        }
        Vm vm = vm();
        assertEquals(1, vm.control().checkExtension(X86Ioctls.KVM_CAP_ENFORCE_PV_FEATURE_CPUID));
        vm.control().enableVcpuCap(0, X86Ioctls.KVM_CAP_ENFORCE_PV_FEATURE_CPUID, 1);
        assertEquals(0, vm.control().checkExtension(216), "KVM_CAP_ARM_SYSTEM_SUSPEND is not x86's");
    }
}
