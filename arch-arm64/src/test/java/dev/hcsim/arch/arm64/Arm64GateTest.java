package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.engine.Engine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The trap gate: instruction forms, privilege, immediates, the EL2 fast path, AArch32, PSCI versions. */
class Arm64GateTest {
    private static final long NS = -1L;

    private static void assertResults(Harness h, int vcpu, long... x) {
        h.assertResults(vcpu, x);
    }

    @Test
    @DisplayName("hyp/hyp-entry.S el1_sync: HVC ARCH_WORKAROUND_1/2/3 is answered at EL2: x0 = x1 = 0, x2 and x3 kept")
    void workaroundFastPath() {
        for (long id : new long[] {0x80008000L, 0x80007FFFL, 0x80003FFFL}) {
            Harness h = Harness.of(1, "filter-deny", "0x84000000");
            TrapResult r = h.hvc(0xABCD0000_00000000L | id, 5, 6, 7);
            assertResults(h, 0, 0, 0, 6, 7);
            assertEquals(Status.SUCCESS, r.status());
            assertEquals(Harness.AT + 4, h.regs(0).pc());
        }
    }

    @Test
    @DisplayName("hypercalls.c kvm_smccc_get_action: ARCH_WORKAROUND_1 over SMC reaches the C handler, is not default-allowed: -1, x1..x3 = 0")
    void workaroundOverSmc() {
        Harness h = Harness.of(1);
        h.trap(0, "smc #0", 0x80008000L, 5, 6, 7);
        assertResults(h, 0, NS, 0, 0, 0);
    }

    @Test
    @DisplayName("hypercalls.c ARCH_FEATURES: the workaround answers follow the host's Spectre state (configurable host properties)")
    void archFeaturesSpectre() {
        Harness h = Harness.of(1);
        h.hvc(0x80000001L, 0x80008000L);
        assertResults(h, 0, 0);
        h.hvc(0x80000001L, 0x80007FFFL);
        assertResults(h, 0, -2); // mitigated without SSBS: NOT_REQUIRED
        h.hvc(0x80000001L, 0x80003FFFL);
        assertResults(h, 0, 0);
        Harness u = Harness.of(1, "spectre-v2", "unaffected", "spectre-v4", "mitigated", "ssbs", "yes", "spectre-bhb", "vulnerable");
        u.hvc(0x80000001L, 0x80008000L);
        assertResults(u, 0, 1); // SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED
        u.hvc(0x80000001L, 0x80007FFFL);
        assertResults(u, 0, NS);
        u.hvc(0x80000001L, 0x80003FFFL);
        assertResults(u, 0, NS);
        assertEquals(2L, u.arm().firmware().get(Arm64FirmwareRegisters.REG_WORKAROUND_1));
        assertEquals(-Arm64Vm.EINVAL, h.arm().firmware().set(Arm64FirmwareRegisters.REG_WORKAROUND_1, 2));
        assertEquals(0, h.arm().firmware().set(Arm64FirmwareRegisters.REG_WORKAROUND_1, 1));
    }

    @Test
    @DisplayName("ARM ARM: HVC and SMC at EL0 are UNDEFINED; the guest takes the exception, no register and no PC change")
    void el0IsUndefined() {
        Harness h = Harness.of(1, "el", "0");
        TrapResult r = h.hvc(0x80000000L, 1, 2, 3);
        assertEquals(Outcome.FAULT, r.outcome());
        assertEquals(Fault.Arm64.undefined(Harness.AT), r.fault(), "inject_undef64: EC 0 (unknown), IL, to EL1, ELR = the HVC");
        assertEquals(0x0200_0000L, ((Fault.Arm64) r.fault()).esr());
        assertResults(h, 0, 0x80000000L, 1, 2, 3);
        assertEquals(Harness.AT, h.regs(0).pc());
        assertNull(r.status());
    }

    @Test
    @DisplayName("svc is a system call, not a hypercall; brk is not a trap form: neither dispatches")
    void notHypercalls() {
        Harness h = Harness.of(1);
        TrapResult r = h.trap(0, "svc #0", 0x80000000L);
        assertEquals(Outcome.NOT_A_HYPERCALL, r.outcome());
        assertEquals(0x80000000L, h.x(0));
        assertEquals(new Fault.Arm64(Fault.Arm64.EC_SVC64, 0, 1, Harness.AT + 4), r.fault(), "ESR_EL1 = SVC64 imm16 0, ELR past the SVC");
        TrapResult b = h.trapBytes(0, new byte[] {0, 0, 0x20, (byte) 0xd4}, 0x80000000L);
        assertEquals(Outcome.FAULT, b.outcome());
        assertEquals(Fault.Arm64.undefined(Harness.AT), b.fault());
        TrapResult shortFetch = h.vm.trap(0, h.regs(0), h.m.memory(), h.m, new byte[] {2, 0});
        assertEquals(Outcome.FAULT, shortFetch.outcome());
        // inject_abt64: an instruction abort from the current EL with FSC EXTABT; FAR = ELR = the PC
        assertEquals(new Fault.Arm64(Fault.Arm64.EC_IABT_CUR, Fault.Arm64.FSC_EXTABT, 1, Harness.AT), shortFetch.fault());
    }

    /** A32: objdump -b binary -m arm gave e1400070 hvc 0, e1412374 hvc 4660, e1600070 smc 0, 01600071 smceq 1. */
    @Test
    @DisplayName("handle_exit.c, A32 (objdump -m arm): hvc e1400070 / e1412374 and smc e1600070 dispatch with 32-bit registers")
    void aarch32Forms() {
        for (int word : new int[] {0xE1400070, 0xE1412374, 0xE1600070}) {
            Harness h = Harness.of(1, "mode", "aarch32");
            byte[] b = new byte[4];
            Bytes.put(b, 0, 4, word, false);
            TrapResult r = h.trapBytes(0, b, 0x84000051L, 0xFFFFFFFF_84000050L);
            assertTrue(r.narrow());
            assertResults(h, 0, 0, 0, 0, 0); // TRNG_FEATURES(TRNG_VERSION): x1 cut to 32 bits by the AArch32 view
            assertEquals(Harness.AT + 4, h.regs(0).pc());
            h.trapBytes(0, b, 0x80000001L, 0x80000000L);
            assertEquals(0xFFFFFFFFL, h.x(0), "-1 in a 32-bit register");
        }
    }

    @Test
    @DisplayName("handle_exit.c handle_trap_exceptions: an A32 smceq whose condition fails is skipped, nothing else; when it holds it dispatches")
    void aarch32ConditionalSmc() {
        Harness h = Harness.of(1, "mode", "aarch32");
        byte[] smceq = {0x71, 0x00, 0x60, 0x01};
        TrapResult r = h.trapBytes(0, smceq, 0x80000000L, 9);
        assertEquals(0x80000000L, h.x(0));
        assertEquals(Harness.AT + 4, h.regs(0).pc());
        assertNull(r.status());
        h.regs(0).set(Arm64Registers.NZCV, 1L << 30); // Z set
        h.trapBytes(0, smceq, 0x80000000L, 9);
        assertResults(h, 0, 0x10001, 0);
    }

    /** T32: objdump -m arm -M force-thumb gave f7e0 8000 hvc #0, f7e1 8234 hvc #4660, f7f0 8000 smc #0, f7f3 8000 smc #3. */
    @Test
    @DisplayName("T32 (objdump -M force-thumb): hvc f7e0 8000 and smc f7f3 8000 dispatch; an AArch32 guest's 64-bit PSCI call is -1")
    void thumbForms() {
        Harness h = Harness.of(2, "mode", "thumb");
        h.m.initialState(1, VcpuState.OFF);
        h.trapBytes(0, new byte[] {(byte) 0xe0, (byte) 0xf7, 0x00, (byte) 0x80}, 0x84000000L);
        assertResults(h, 0, 0x10003);
        h.trapBytes(0, new byte[] {(byte) 0xf3, (byte) 0xf7, 0x00, (byte) 0x80}, 0xC4000003L, 1, 0x8000, 0);
        assertResults(h, 0, 0xFFFFFFFFL); // kvm_psci_check_allowed_function
        assertEquals(VcpuState.OFF, h.m.stateOf(1));
        h.trapBytes(0, new byte[] {(byte) 0xe1, (byte) 0xf7, 0x34, (byte) 0x82}, 0x84000003L, 1, 0x8000, 0x44);
        assertResults(h, 0, 0);
        assertEquals(0x44, h.regs(1).get(0));
        h.trapBytes(0, new byte[] {(byte) 0xe0, (byte) 0xf7, 0x00, (byte) 0x80}, 0x8400000AL, 0xC4000003L);
        assertResults(h, 0, 0xFFFFFFFFL); // PSCI_FEATURES of a 64-bit function from AArch32
    }

    @Test
    @DisplayName("psci.c kvm_psci_call: a PSCI 0.1 VM answers only KVM's CPU_ON/CPU_OFF IDs; a 0.2+ VM answers those IDs -1")
    void psci01() {
        Harness h = Harness.of(2, "psci", "0.1").state(1, VcpuState.OFF);
        h.hvc(0x84000000L);
        assertResults(h, 0, NS, 0, 0, 0);
        h.hvc(0x95C1BA5EL);
        assertResults(h, 0, NS);
        h.hvc(0x95C1BA60L, 1, 0x8000, 0x10);
        assertResults(h, 0, 0);
        assertEquals(VcpuState.RUNNABLE, h.m.stateOf(1));
        TrapResult off = h.hvc(0x95C1BA5FL);
        assertEquals(Outcome.STOP, off.outcome());
        Harness modern = Harness.of(2);
        modern.hvc(0x95C1BA60L, 1, 0x8000, 0x10);
        assertResults(modern, 0, NS);
        modern.hvc(0x95C1BA5FL);
        assertResults(modern, 0, NS);
    }

    @Test
    @DisplayName("psci.c kvm_psci_0_2_call: under PSCI 0.2, PSCI_FEATURES and SYSTEM_RESET2 are -1; MIGRATE_INFO_TYPE is 2")
    void psci02() {
        Harness h = Harness.of(1, "psci", "0.2");
        h.hvc(0x8400000AL, 0x84000000L);
        assertResults(h, 0, NS);
        h.hvc(0x84000012L, 0);
        assertResults(h, 0, NS);
        h.hvc(0x84000006L);
        assertResults(h, 0, 2);
        h.hvc(0x84000005L);
        assertResults(h, 0, NS);
    }

    @Test
    @DisplayName("psci.c: CPU_SUSPEND is WFI (outcome HALT, x0 = 0); CPU_OFF stops the caller")
    void suspendAndOff() {
        Harness h = Harness.of(1);
        TrapResult r = h.hvc(0xC4000001L, 0, 0x8000, 0);
        assertEquals(Outcome.HALT, r.outcome());
        assertResults(h, 0, 0, 0, 0, 0);
        TrapResult off = h.hvc(0x84000002L);
        assertEquals(Outcome.STOP, off.outcome());
    }

    @Test
    @DisplayName("psci.c kvm_psci_narrow_to_32bit: SMC32 CPU_ON uses the low 32 bits of target, entry and context")
    void cpuOn32Narrows() {
        Harness h = Harness.of(2).state(1, VcpuState.OFF);
        h.hvc(0x84000003L, 0xFFFFFFFF_00000001L, 0x1_00008000L, 0x5_00000007L);
        assertResults(h, 0, 0, 0, 0, 0);
        assertEquals(0x8000, h.regs(1).pc());
        assertEquals(7, h.regs(1).get(0));
        Harness h64 = Harness.of(2).state(1, VcpuState.OFF);
        h64.hvc(0xC4000003L, 0xFFFFFFFF_00000001L, 0x8000, 0);
        assertResults(h64, 0, -2);
    }

    @Test
    @DisplayName("reset_mpidr: vCPU ids are MPIDR affinities (vCPU 17 = Aff1 1, Aff0 1) and CPU_ON finds the vCPU by it")
    void mpidrAffinity() {
        Harness h = Harness.of(18).state(17, VcpuState.OFF);
        assertEquals(0x101, h.vm.vcpuId(17));
        h.hvc(0xC4000003L, 0x101, 0x8000, 0);
        assertResults(h, 0, 0);
        assertEquals(VcpuState.RUNNABLE, h.m.stateOf(17));
        h.hvc(0xC4000004L, 0x100, 1); // Aff1 = 1 cluster (vCPUs 16, 17): on
        assertResults(h, 0, 0);
    }

    @Test
    @DisplayName("unknown function IDs (yielding, other owners, SVE hint bit 16) give x0 = -1, x1..x3 = 0 (hypercalls.c default deny)")
    void unknownIds() {
        Harness h = Harness.of(1);
        for (long id : new long[] {0x00000000L, 0x04000000L, 0x84010000L, 0x80010000L, 0xC2000001L, 0xBF00FF01L, 0x8600FF00L, 0x84000016L}) {
            TrapResult r = h.hvc(id, 1, 2, 3);
            assertResults(h, 0, NS, 0, 0, 0);
            assertNull(r.callName(), "an undocumented function has no kernel name");
            assertTrue(Engine.context(h.vm).frame(0).why().startsWith("unknown SMCCC function: "), Engine.context(h.vm).frame(0).why());
        }
        h.hvc(0xC4000016L);
        assertEquals("unknown SMCCC function: fast SMC64, owner 4 (Standard Secure Service)", Engine.context(h.vm).frame(0).why());
        h.hvc(0x32000001L);
        assertEquals("unknown SMCCC function: yielding SMC32, owner 50 (Trusted OS)", Engine.context(h.vm).frame(0).why());
        assertEquals("fast SMC64, owner 5 (Standard Hypervisor Service), fn 0x21", FunctionId.decode(0xC5000021L).toString());
    }
}
