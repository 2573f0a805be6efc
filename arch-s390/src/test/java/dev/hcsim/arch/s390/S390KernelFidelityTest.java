package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, s390: what an audit of today's kernel found different. Sources: arch/s390/kvm/diag.c
 * {@code __diag_page_ref_service} with arch/s390/kvm/gaccess.c {@code access_guest_real}; arch/s390/kvm/interrupt.c
 * {@code __deliver_prog} ({@code __LC_PGM_LAST_BREAK}); arch/s390/kvm/kvm-s390.c {@code kvm_s390_vcpu_initial_reset}
 * (gbea = 1) and {@code vcpu_post_run} (-EOPNOTSUPP: KVM_EXIT_S390_SIEIC with icptcode, ipa, ipb).
 */
class S390KernelFidelityTest {
    private static final long ZARCH = 0x8000_0000_0000_0000L;
    private static final long PREFIX = 0x8000;

    @Test
    @DisplayName("gaccess.c access_guest_real: a DIAG 0x258 block straddling the end of the prefix area is read page by page, each page prefixed")
    void pageRefBlockReadPageByPage() {
        Rig rig = Rig.of(1);
        rig.regs().set(S390Registers.PREFIX, PREFIX);
        // Real 0x9ff8..0xa01f: the first 8 bytes (real 0x9ff8, inside the prefix area's second page) are absolute
        // 0x1ff8; the next page (real 0xa000) is absolute 0xa000, not 0x2000 where the DIAG itself sits.
        rig.write(0x1FF8, 2, 0x258);
        rig.write(0x1FFA, 2, 0);
        rig.write(0x1FFC, 2, 5);
        rig.write(0x1FFE, 2, 2);
        rig.write(0xA000, 8, 0x4000);
        rig.write(0xA008, 8, 1L << 48);
        rig.write(0xA010, 8, 1L << 48);
        rig.write(0xA018, 8, ZARCH);
        rig.regs().set(2, 0x9FF8);
        rig.regs().set(3, 0x55);
        TrapResult t = rig.trap("diag %r2,%r3,0x258");
        assertEquals(Outcome.RESUME, t.outcome(), String.valueOf(t.fault()));
        assertEquals(0, rig.regs().get(3), "TOKEN established");
        assertEquals(0x4000, rig.state().pfaultToken(0));
    }

    @Test
    @DisplayName("kvm-s390.c kvm_s390_vcpu_initial_reset: gbea = 1; interrupt.c __deliver_prog stores it at __LC_PGM_LAST_BREAK (0x110)")
    void programInterruptionStoresLastBreakAfterReset() {
        Rig rig = Rig.of(1);
        rig.write(0x110, 8, 0xDEAD);
        rig.write(0x1D0, 8, S390Registers.PSW_MASK_RESET); // a program new PSW: the interruption is delivered
        rig.write(0x1D8, 8, 0x3000);
        rig.regs().set(2, 4); // DIAG 0x258 with a block that is not doubleword aligned: specification
        assertEquals(Outcome.INTERRUPTED, rig.trap("diag %r2,%r3,0x258").outcome());
        assertEquals(6, rig.pgmCode(0));
        assertEquals(1, rig.read(0x110, 8), "gbea after the initial reset");
    }

    @Test
    @DisplayName("interrupt.c __deliver_prog: __LC_PGM_LAST_BREAK holds the address of the last taken branch (sie_block->gbea)")
    void programInterruptionStoresLastBranch() {
        Vm vm = Engine.create(new S390Architecture(), VmConfig.builder("s390").build());
        Machine m = new Machine(vm, "t");
        String src = "lghi %r2,4\nj over\nlghi %r2,8\nover: diag %r2,%r3,0x258\n";
        m.load(0x2000, vm.assemble(src, 0x2000).bytes());
        byte[] newPsw = new byte[16]; // a program new PSW (0x1d0): the interruption is delivered and the lowcore written
        dev.hcsim.core.Bytes.put(newPsw, 0, 8, S390Registers.PSW_MASK_RESET, true);
        dev.hcsim.core.Bytes.put(newPsw, 8, 8, 0x3000, true);
        m.load(0x1D0, newPsw);
        RegisterFile r = m.registers(0);
        r.pc(0x2000);
        m.run(3, Long.MAX_VALUE);
        byte[] b = new byte[8];
        m.memory().read(0x110, b, 0, 8);
        assertEquals(0x2004, dev.hcsim.core.Bytes.get(b, 0, 8, true), "the j at 0x2004");
        assertEquals(0x2004, r.get(S390Registers.BEAR));
    }

    @Test
    @DisplayName("kvm-s390.c vcpu_post_run: legacy virtio subcodes in user space exit KVM_EXIT_S390_SIEIC with icptcode 4, ipa, ipb")
    void legacyVirtioExitShape() {
        Rig rig = Rig.of(VmConfig.builder("s390").option("legacy-virtio", "userspace"));
        rig.regs().set(1, 1);
        TrapResult t = rig.trap("diag %r2,%r4,0x500");
        // icptcode ICPT_INST; ipa: opcode 0x83, R1 2, R3 4; ipb: base 0, displacement 0x500
        assertEquals(new dev.hcsim.core.Exit.S390Sieic(4, 0x8324, 0x0500_0000L), t.exit());
    }

    @Test
    @DisplayName("kvm-s390.c kvm_arch_vcpu_precreate: a CPU address at or above KVM_S390_ESCA_CPU_SLOTS (248) is -EINVAL")
    void cpuAddressLimit() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Vm.create(VmConfig.builder("s390").vcpus(2).vcpuIds(0, 248).build()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("-EINVAL"), e.getMessage());
    }
}
