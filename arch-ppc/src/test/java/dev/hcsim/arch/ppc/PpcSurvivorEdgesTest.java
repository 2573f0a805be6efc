package dev.hcsim.arch.ppc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.arch.ppc.PpcTrapTest.Rig;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.VmSnapshot;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.Vm;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The PowerPC survivors of the issue-25 mutation run after {@code PpcDecisionEdgesTest} (c4d63af) that a test can
 * kill: what a snapshot holds of the magic page, the hcall bitmap at MAX_HCALL_OPCODE itself, H_REGISTER_VPA's
 * length at the end of its host page, and the dispatch counter of a vCPU without a VPA. Each expected value comes
 * from the kernel function the test names.
 */
class PpcSurvivorEdgesTest {
    private static final long SF = PpcRegisters.MSR_SF;
    private static final long EE = PpcRegisters.MSR_EE;

    private static Rig rig(String insn, String... options) {
        return PpcTrapTest.rig(insn, options);
    }

    private static long field(byte[] page, int off, int size, Vm vm) {
        return Bytes.get(page, off, size, vm.byteOrder() == ByteOrder.BIG_ENDIAN);
    }

    // ---------------------------------------------------------------- the magic page in a snapshot

    @Test
    @DisplayName("kvm_para.h struct kvm_vcpu_arch_shared: the page's msr (0x58), srr0 (0x40), srr1 (0x48) and esr (0xc8) are the registers as they are when the snapshot is taken, even when no load read the page since they changed (kvmppc_get_msr reads shared->msr)")
    void snapshotHoldsTheMirroredFieldsAsTheRegistersAreNow() {
        Rig a = rig("sc");
        a.ppc().mapMagicPage(0, 0x3000, 0x7000_0000L, true);
        a.ppc().magicRead(0, a.regs, PpcVm.OFF_SCRATCH1, 8); // the page has seen the registers once
        a.regs.set("msr", SF | EE);
        a.regs.set("srr0", 0x1234_5678_9ABCL);
        a.regs.set("srr1", 0x8000_0000_0000_1032L);
        a.regs.set("esr", 0x0800_0000L);
        byte[] page = a.vm.snapshot().vcpus().get(0).bytes("magicPage");
        assertEquals(PpcVm.PAGE_SIZE, page.length);
        assertEquals(SF | EE, field(page, 0x58, 8, a.vm), "msr");
        assertEquals(0x1234_5678_9ABCL, field(page, 0x40, 8, a.vm), "srr0");
        assertEquals(0x8000_0000_0000_1032L, field(page, 0x48, 8, a.vm), "srr1");
        assertEquals(0x0800_0000L, field(page, 0xC8, 4, a.vm), "esr");
        assertEquals(0, field(page, 0xCC, 4, a.vm), "pir: vCPU 0's id");
    }

    @Test
    @DisplayName("e500_emulate.c kvmppc_e500_emul_msgsnd / booke.c kvmppc_core_check_exceptions: a doorbell pending for a running vCPU (int_pending = 1) is in the snapshot and pending again after the restore; the vCPU without one has int_pending 0")
    void snapshotCarriesAPendingDoorbell() {
        VmConfig c = PpcTestSupport.config("host", "booke-hv").vcpus(2).build();
        Rig a = new Rig(c, "msgsnd 5").set("r5", 1);
        a.trap();
        assertTrue(a.ppc().interruptPending(1));
        assertEquals(1, a.ppc().sharedField(1, PpcVm.OFF_INT_PENDING, 4));
        VmSnapshot s = a.vm.snapshot();
        assertTrue(s.vcpus().get(1).flag("intPending"));
        assertFalse(s.vcpus().get(0).flag("intPending"));
        assertEquals(1, field(s.vcpus().get(1).bytes("magicPage"), 0x64, 4, a.vm), "int_pending at 0x64");
        Rig b = new Rig(c, "sc");
        b.vm.restore(s);
        assertTrue(b.ppc().interruptPending(1));
        assertFalse(b.ppc().interruptPending(0));
        assertEquals(1, b.ppc().sharedField(1, PpcVm.OFF_INT_PENDING, 4));
    }

    @Test
    @DisplayName("a snapshot whose magic page is not one 4 KiB page (kvm_para.h: the shared structure sits at the start of a page the guest maps whole) is refused with a one-line error naming the field")
    void restoreRefusesAMagicPageOfAnotherSize() {
        VmConfig c = PpcTestSupport.config().vcpus(2).build();
        Rig a = new Rig(c, "sc");
        a.ppc().mapMagicPage(1, 0x3000, 0x7000_0000L, true);
        VmSnapshot s = a.vm.snapshot();
        Map<String, Object> f = new TreeMap<>(s.vcpus().get(1).fields());
        f.put("magicPage", Collections.nCopies(PpcVm.SHARED_SIZE, 0L));
        List<VmSnapshot.State> cpus = new ArrayList<>(s.vcpus());
        cpus.set(1, VmSnapshot.State.of(f));
        VmSnapshot bad = new VmSnapshot(s.format(), s.architecture(), s.hasRun(), s.vm(), cpus);
        Rig b = new Rig(c, "sc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.vm.restore(bad));
        assertTrue(e.getMessage().contains("'magicPage' has 240 bytes, a page has 4096"), e.getMessage());
    }

    @Test
    @DisplayName("ePAPR boot: the device tree is placed once, before the guest first runs; a VM restored from a snapshot taken after that does not place it again over the guest's memory")
    void restoredVmDoesNotPlaceTheDeviceTreeAgain() {
        VmConfig c = PpcTestSupport.config().vcpus(2).build();
        Rig a = new Rig(c, "sc");
        a.ppc().scheduleIn(0, 0, 0, new MemoryAccess(a.m.memory(), ByteOrder.BIG_ENDIAN));
        long at = a.ppc().deviceTreeAddress();
        VmSnapshot s = a.vm.snapshot();
        Rig b = new Rig(c, "sc");
        b.vm.restore(s);
        MemoryAccess mem = new MemoryAccess(b.m.memory(), ByteOrder.BIG_ENDIAN);
        b.ppc().scheduleIn(0, 0, 0, mem);
        assertEquals(0, mem.read32(at), "no second FDT magic");
        Rig fresh = new Rig(c, "sc");
        MemoryAccess freshMem = new MemoryAccess(fresh.m.memory(), ByteOrder.BIG_ENDIAN);
        fresh.ppc().scheduleIn(0, 0, 0, freshMem);
        assertEquals(0xD00D_FEEDL, freshMem.read32(at), "a VM that never ran places it");
    }

    // ---------------------------------------------------------------- the hcall bitmap at MAX_HCALL_OPCODE

    @Test
    @DisplayName("book3s_hv.c kvmppc_pseries_do_hcall / book3s_pr_papr.c kvmppc_h_pr: 'req <= MAX_HCALL_OPCODE && !test_bit(req / 4, enabled_hcalls)' gates MAX_HCALL_OPCODE itself; only the numbers above it pass ungated")
    void bitmapGatesMaxHcallOpcodeItself() {
        for (String host : new String[] {"book3s-hv", "book3s-pr"}) {
            PpcPapr p = rig("sc", "host", host).ppc().papr();
            assertFalse(p.enabled(PpcPapr.MAX_HCALL_OPCODE), host + ": H_GUEST_DELETE is not in default_hcall_list");
            assertTrue(p.enabled(PpcPapr.MAX_HCALL_OPCODE + 4), host);
            assertEquals(-22, p.enableHcall(PpcPapr.MAX_HCALL_OPCODE, true), host + ": not implemented in the kernel");
            assertFalse(p.enabled(PpcPapr.MAX_HCALL_OPCODE), host);
        }
    }

    @Test
    @DisplayName("powerpc.c kvm_vm_ioctl_enable_cap KVM_CAP_PPC_ENABLE_HCALL refuses hcall > MAX_HCALL_OPCODE and hcall & 3 before kvmppc_book3s_hcall_implemented: every implemented and default hcall is a multiple of 4 at or below MAX_HCALL_OPCODE (hvcall.h), so the implemented test refuses the same numbers")
    void implementedHcallsAreBitmapNumbers() {
        for (List<Long> list : List.of(PpcPapr.HV_IMPLEMENTED, PpcPapr.PR_IMPLEMENTED, PpcPapr.HV_DEFAULT)) {
            for (long h : list) {
                assertTrue(h > 0 && h <= PpcPapr.MAX_HCALL_OPCODE && (h & 3) == 0, Long.toHexString(h));
            }
        }
        PpcPapr p = rig("sc", "host", "book3s-hv").ppc().papr();
        assertEquals(-22, p.enableHcall(-0x2C, true), "negative: above MAX_HCALL_OPCODE as the kernel's unsigned long");
        assertEquals(-22, p.enableHcall(0x2C + 1, true));
        assertEquals(-22, p.enableHcall(0x2C + 0x1_0000_0000L, true), "no cut to 32 bits");
    }

    // ---------------------------------------------------------------- H_REGISTER_VPA and the dispatch counter

    private static final long REG_VPA = 1L << 45;
    private static final long REG_SLB = 3L << 45;
    private static final long DEREG_VPA = 5L << 45;

    private static final class Hv {
        final Vm vm = Vm.create(PpcTestSupport.config("host", "book3s-hv").vcpus(2).build());
        final Machine m = new Machine(vm, "t");
        final MemoryAccess mem = new MemoryAccess(m.memory(), ByteOrder.BIG_ENDIAN);

        long hcall(long... r3up) {
            m.load(PpcTrapTest.PC, vm.assemble("sc 1", PpcTrapTest.PC).bytes());
            RegisterFile r = m.registers(0);
            r.pc(PpcTrapTest.PC);
            for (int i = 0; i < r3up.length; i++) {
                r.set(3 + i, r3up[i]);
            }
            TrapResult t = vm.trap(0, r, m.memory(), m);
            assertTrue(t.outcome() != null);
            return r.get(3);
        }

        PpcVm ppc() {
            return vm.archState(PpcVm.class);
        }
    }

    @Test
    @DisplayName("book3s_hv.c do_h_register_vpa: 'len > nb' is H_PARAMETER, so an area exactly as long as what is left of its 64 KiB host page (kvmppc_pin_guest_page's nb) registers: a 640-byte VPA at 0xfd80, a 128-byte SLB shadow at 0xff80")
    void registerVpaFillingTheRestOfItsHostPage() {
        Hv h = new Hv();
        h.mem.write(0xFD84, 2, 640);
        assertEquals(0, h.hcall(0xDC, REG_VPA, 0, 0xFD80), "640 bytes, 640 left");
        h.mem.write(0xFF84, 4, 128);
        assertEquals(0, h.hcall(0xDC, REG_SLB, 0, 0xFF80), "128 bytes, 128 left");
        h.mem.write(0xFF84, 4, 129);
        assertEquals(PpcPapr.H_PARAMETER, h.hcall(0xDC, REG_SLB, 0, 0xFF80), "129 bytes, 128 left");
    }

    @Test
    @DisplayName("book3s_hv.c vcpu_vpa_increment_dispatch: 'if (lp)': without a registered VPA (never, or deregistered) entering and leaving the guest counts nothing anywhere, not at 0x100 where a VPA at 0 would keep its yield_count")
    void noVpaNoDispatchCount() {
        Hv h = new Hv();
        h.mem.write(0x100, 4, 9);
        h.ppc().scheduleIn(0, 0, 0, h.mem);
        h.ppc().scheduleOut(0, 0, true, h.mem);
        assertEquals(9, h.mem.read32(0x100));
        h.mem.write(0x4004, 2, 640);
        assertEquals(0, h.hcall(0xDC, REG_VPA, 0, 0x4000));
        assertEquals(0, h.hcall(0xDC, DEREG_VPA, 0, 0)); // its exit from the guest still counts (the VPA was there)
        long counted = h.mem.read32(0x4100);
        h.ppc().scheduleOut(0, 0, true, h.mem);
        h.ppc().scheduleIn(0, 0, 0, h.mem);
        assertEquals(counted, h.mem.read32(0x4100), "the old VPA is no longer counted");
        assertEquals(9, h.mem.read32(0x100));
    }
}
