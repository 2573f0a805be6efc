package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.EffectLog;
import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Status;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.VmSnapshot;
import dev.hcsim.core.engine.Engine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The arm64 decisions the mutation run of issue 25 (2026-12-07, 22:12) found unguarded in Arm64Psci, Arm64Vm,
 * Arm64FirmwareRegisters and Arm64Hypercalls: each test names the kernel function its expected values come from.
 */
class Arm64DecisionEdgesTest {
    private static final long NS = -1L;
    private static final long INVALID = -2L;
    private static final long M32 = 0xFFFF_FFFFL;

    private static void assertResults(Harness h, int vcpu, long... x) {
        h.assertResults(vcpu, x);
    }

    private static Harness suspendable(String psci) {
        return new Harness(VmConfig.builder("arm64").vcpus(2).option("psci", psci).feature("system-suspend", true).build());
    }

    // ---------------------------------------------------------------- PSCI versions

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {"84000000", "84000001", "c4000001", "84000002", "84000003", "c4000003", "84000004", "c4000004", "84000006",
        "84000008", "84000009", "8400000a", "8400000e", "c400000e", "84000012", "c4000012", "84000015", "c4000015", "84000005"})
    @DisplayName("psci.c kvm_psci_0_1_call: a PSCI 0.1 VM answers every PSCI 0.2+ ID with PSCI_RET_NOT_SUPPORTED and does nothing else")
    void psci01AnswersNoStandardFunction(String fn) {
        Harness h = suspendable("0.1").state(1, VcpuState.OFF);
        TrapResult r = h.hvc(Long.parseLong(fn, 16), 1, 0x8000, 0);
        assertEquals(Outcome.RESUME, r.outcome());
        assertEquals(Status.NOT_SUPPORTED, r.status());
        assertResults(h, 0, NS, 0, 0, 0);
        assertEquals(VcpuState.OFF, h.m.stateOf(1), "no vCPU started");
        assertNull(r.exit());
    }

    @Test
    @DisplayName("psci.c kvm_psci_0_1_call: KVM's own CPU_ON and CPU_OFF IDs under 0.1: CPU_ON of a running target is INVALID_PARAMS (not ALREADY_ON), CPU_OFF stops the caller")
    void psci01OwnIds() {
        Harness h = Harness.of(2, "psci", "0.1");
        TrapResult on = h.hvc(0x95C1BA60L, 1, 0x8000, 0);
        assertEquals(Status.INVALID_PARAMETER, on.status());
        assertResults(h, 0, INVALID, 0, 0, 0);
        assertEquals(Outcome.STOP, h.hvc(0x95C1BA5FL).outcome());
    }

    @Test
    @DisplayName("psci.c kvm_psci_call: each function from the PSCI version that brought it: PSCI_FEATURES and SYSTEM_SUSPEND from 1.0, SYSTEM_RESET2 from 1.1, SYSTEM_OFF2 from 1.3")
    void psciMinimumVersions() {
        Harness v02 = suspendable("0.2");
        assertEquals(Status.NOT_SUPPORTED, v02.hvc(0x8400000AL, 0x84000000L).status());
        assertEquals(Status.NOT_SUPPORTED, v02.hvc(0xC400000EL, 0x8000, 0).status());
        assertEquals(2, v02.hvc(0x84000000L).status() == Status.SUCCESS ? v02.x(0) : -99, "PSCI_VERSION 0.2");
        Harness v10 = suspendable("1.0");
        assertEquals(Status.SUCCESS, v10.hvc(0x8400000AL, 0x84000000L).status());
        assertEquals(0, v10.x(0));
        assertEquals(Outcome.EXIT_TO_HOST, v10.hvc(0xC400000EL, 0x8000, 0).outcome(), "SYSTEM_SUSPEND at 1.0");
        Harness r10 = suspendable("1.0");
        assertEquals(Status.NOT_SUPPORTED, r10.hvc(0x84000012L, 0).status(), "SYSTEM_RESET2 before 1.1");
        Harness r11 = suspendable("1.1");
        assertEquals(Outcome.EXIT_TO_HOST, r11.hvc(0x84000012L, 0).outcome(), "SYSTEM_RESET2 at 1.1");
        Harness o12 = suspendable("1.2");
        assertEquals(Status.NOT_SUPPORTED, o12.hvc(0x84000015L, 0, 0).status(), "SYSTEM_OFF2 before 1.3");
        Harness o13 = suspendable("1.3");
        assertEquals(Outcome.EXIT_TO_HOST, o13.hvc(0x84000015L, 0, 0).outcome(), "SYSTEM_OFF2 at 1.3");
    }

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {"c4000001", "c4000003", "c4000004", "c400000e", "c4000012", "c4000015", "c4000005"})
    @DisplayName("psci.c kvm_psci_check_allowed_function: an AArch32 vCPU calling a 64-bit PSCI function gets NOT_SUPPORTED, nothing else")
    void aarch32Calls64BitPsci(String fn) {
        Harness h = new Harness(VmConfig.builder("arm64").vcpus(2).option("mode", "aarch32").feature("system-suspend", true).build())
                .state(1, VcpuState.OFF);
        TrapResult r = h.trapBytes(0, new byte[] {0x70, 0x00, 0x40, (byte) 0xE1}, Long.parseLong(fn, 16), 1, 0x8000, 0);
        assertEquals(Status.NOT_SUPPORTED, r.status());
        assertEquals(Outcome.RESUME, r.outcome());
        assertResults(h, 0, M32, 0, 0, 0);
        assertEquals(VcpuState.OFF, h.m.stateOf(1));
    }

    // ---------------------------------------------------------------- CPU_ON

    @Test
    @DisplayName("psci.c kvm_psci_vcpu_on: MPIDR bit 31 is outside MPIDR_HWID_BITMASK: INVALID_PARAMS for CPU_ON and AFFINITY_INFO, even though the masked value names vCPU 1")
    void affinityOutsideTheHwidMask() {
        Harness h = Harness.of(2).state(1, VcpuState.OFF);
        assertEquals(Status.INVALID_PARAMETER, h.hvc(0xC4000003L, 0x8000_0001L, 0x8000, 0).status());
        assertEquals(VcpuState.OFF, h.m.stateOf(1));
        assertEquals(Status.INVALID_PARAMETER, h.hvc(0xC4000004L, 0x8000_0001L, 0).status(), "kvm_psci_valid_affinity in AFFINITY_INFO");
        assertResults(h, 0, INVALID);
        assertEquals(Status.SUCCESS, h.hvc(0xC4000004L, 1, 0).status());
        assertResults(h, 0, 1, 0, 0, 0);
    }

    @Test
    @DisplayName("psci.c kvm_psci_vcpu_on: a halted or runnable target is not powered off: ALREADY_ON, and its later reset keeps the mode's own state (the dropped reset_state)")
    void cpuOnOfAVcpuThatIsNotOff() {
        for (VcpuState s : new VcpuState[] {VcpuState.HALTED, VcpuState.RUNNABLE}) {
            Harness h = new Harness(VmConfig.builder("arm64").vcpus(2).option("mode", "aarch32").build()).state(1, s);
            h.regs(0).set(Arm64Registers.BE, 1);
            TrapResult r = h.trapBytes(0, new byte[] {0x70, 0x00, 0x40, (byte) 0xE1}, 0x84000003L, 1, 0x8001, 0);
            assertEquals(Status.ALREADY_ON, r.status(), s.toString());
            assertEquals(0xFFFF_FFFCL, h.x(0), "PSCI_RET_ALREADY_ON (-4) in a 32-bit register");
            RegisterFile target = new RegisterFile(h.vm.architecture().registers());
            h.vm.resetVcpu(1, target);
            assertEquals(0, target.get(Arm64Registers.THUMB), "no pending Thumb entry");
            assertEquals(0, target.get(Arm64Registers.BE), "no pending big-endian state");
        }
    }

    @Test
    @DisplayName("kvm_emulate.h kvm_reset_vcpu_psci: with an embedder's VcpuControl (EffectLog), the reset state CPU_ON leaves is consumed by the target's next reset: Thumb from the odd entry, the caller's endianness")
    void cpuOnResetStateWaitsForTheEmbeddersReset() {
        Vm vm = Vm.create(VmConfig.builder("arm64").vcpus(2).option("mode", "aarch32").build());
        RegisterFile caller = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(0, caller);
        caller.set(Arm64Registers.BE, 1);
        caller.set(0, 0x84000003L);
        caller.set(1, 1);
        caller.set(2, 0x8001);
        EffectLog log = new EffectLog(2);
        log.state(1, VcpuState.OFF);
        TrapResult r = vm.trap(0, caller, new dev.hcsim.core.SparseMemory(vm.config().memory()), log, new byte[] {0x70, 0x00, 0x40, (byte) 0xE1});
        assertEquals(Status.SUCCESS, r.status());
        assertEquals("start vcpu1", log.drain().get(0).toString().substring(0, 11));
        RegisterFile target = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(1, target);
        assertEquals(1, target.get(Arm64Registers.THUMB), "odd entry on an AArch32 target: Thumb");
        assertEquals(1, target.get(Arm64Registers.BE), "reset_state->be = kvm_vcpu_is_be(source_vcpu)");
        vm.resetVcpu(1, target);
        assertEquals(0, target.get(Arm64Registers.THUMB), "consumed: a second reset is an ordinary one");
    }

    // ---------------------------------------------------------------- SYSTEM_OFF2, SYSTEM_RESET2, SYSTEM_SUSPEND, the system events

    @Test
    @DisplayName("psci.c SYSTEM_OFF2: arg1 is a u32 type (0 or HIBERNATE_OFF), arg2 the cookie: SMC32 cuts it (kvm_psci_narrow_to_32bit), SMC64 keeps all 64 bits")
    void systemOff2ArgumentWidths() {
        Harness h32 = Harness.of(1);
        TrapResult off = h32.hvc(0x84000015L, 0xFFFF_FFFF_0000_0001L, 0xFFFF_FFFF_0000_0000L);
        assertEquals(Outcome.EXIT_TO_HOST, off.outcome(), "type 1 and cookie 0 after the cut");
        assertEquals(new Exit.SystemEvent(SystemEventType.SHUTDOWN, Exit.SystemEvent.SHUTDOWN_FLAG_PSCI_OFF2), off.exit());
        Harness h64 = Harness.of(1);
        assertEquals(Status.INVALID_PARAMETER, h64.hvc(0xC4000015L, 1, 0x1_0000_0000L).status(), "a 64-bit cookie with bit 32 set");
        assertEquals(Outcome.EXIT_TO_HOST, Harness.of(1).hvc(0xC4000015L, 0x5_0000_0001L, 0).outcome(), "the type is a u32: 0x500000001 is 1");
        assertEquals(Status.INVALID_PARAMETER, Harness.of(1).hvc(0xC4000015L, 2, 0).status(), "type 2 is neither 0 nor HIBERNATE_OFF");
    }

    @Test
    @DisplayName("psci.c SYSTEM_RESET2: only the SMC32 form is narrowed; at the exit the SMC64 form's x2 keeps its upper half, the SMC32 form's is cut")
    void systemReset2Narrowing() {
        Harness h64 = Harness.of(1);
        h64.hvc(0xC4000012L, 0, 0xFFFF_0000_0000_1234L, 0xEEEE_0000_0000_0001L);
        assertResults(h64, 0, -6L, 0, 0xFFFF_0000_0000_1234L, 0xEEEE_0000_0000_0001L);
        Harness h32 = Harness.of(1);
        h32.hvc(0x84000012L, 0, 0xFFFF_0000_0000_1234L, 0xEEEE_0000_0000_0001L);
        assertResults(h32, 0, -6L, 0, 0x1234L, 1L);
    }

    @Test
    @DisplayName("psci.c kvm_prepare_system_event: an AArch32 caller's SYSTEM_OFF preloads r0 = PSCI_RET_INTERNAL_FAILURE as a 32-bit value (0xFFFFFFFA); an AArch64 caller's x0 = -6")
    void systemOffPreloadWidth() {
        Harness a32 = Harness.of(1, "mode", "aarch32");
        TrapResult r = a32.trapBytes(0, new byte[] {0x70, 0x00, 0x40, (byte) 0xE1}, 0x84000008L, 5, 6, 7);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertResults(a32, 0, 0xFFFF_FFFAL, 0, 0, 0);
        Harness a64 = Harness.of(1);
        a64.hvc(0x84000008L, 5, 6, 7);
        assertResults(a64, 0, -6L, 0, 0, 0);
    }

    @Test
    @DisplayName("psci.c kvm_psci_system_suspend: a successful call that exits (SYSTEM_EVENT SUSPEND) with the PC already past the HVC; SMC64 keeps x1..x3 whole")
    void systemSuspendExit() {
        Harness h = suspendable("1.3");
        TrapResult r = h.hvc(0xC400000EL, 0xFFFF_0000_0000_8000L, 0x1_0000_0077L, 0x99);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals(Status.SUCCESS, r.status());
        assertEquals(Harness.AT + 4, h.regs(0).pc(), "the PC is past the HVC at the exit");
        assertResults(h, 0, 0xC400000EL, 0xFFFF_0000_0000_8000L, 0x1_0000_0077L, 0x99);
    }

    @Test
    @DisplayName("psci.c PSCI_FEATURES: SYSTEM_SUSPEND (SMC32 and SMC64) is 0 only with KVM_CAP_ARM_SYSTEM_SUSPEND, -1 without")
    void psciFeaturesOfSystemSuspend() {
        for (long fn : new long[] {0x8400000EL, 0xC400000EL}) {
            Harness on = suspendable("1.3");
            on.hvc(0x8400000AL, fn);
            assertResults(on, 0, 0);
            Harness off = Harness.of(1);
            assertEquals(Status.NOT_SUPPORTED, off.hvc(0x8400000AL, fn).status());
            assertResults(off, 0, NS);
        }
    }

    // ---------------------------------------------------------------- ARCH_FEATURES(WORKAROUND_2)

    @ParameterizedTest(name = "spectre-v4 {0}, ssbs {1}: {2}")
    @CsvSource({"vulnerable, no, -1", "vulnerable, yes, -1", "mitigated, no, -2", "mitigated, yes, -1", "unaffected, no, -2", "unaffected, yes, -2"})
    @DisplayName("hypercalls.c kvm_smccc_call_handler ARCH_FEATURES(WORKAROUND_2): VULNERABLE -1; MITIGATED -1 with SSBS shown to the guest, else NOT_REQUIRED (-2); UNAFFECTED NOT_REQUIRED")
    void workaround2Features(String v4, String ssbs, long want) {
        Harness h = Harness.of(1, "spectre-v4", v4, "ssbs", ssbs);
        h.hvc(0x80000001L, 0x80007FFFL);
        assertEquals(want, h.x(0));
    }

    // ---------------------------------------------------------------- the firmware bitmaps

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "STD_BMAP bit 0 (TRNG), 0x6030000000160000, 0, 0x84000050, 0x86000001",
        "STD_HYP_BMAP bit 0 (PV time), 0x6030000000160001, 0, 0xC5000020, 0x84000050",
        "VENDOR_HYP_BMAP bit 0 (FEATURES/CALL_UID), 0x6030000000160002, 2, 0x8600FF01, 0x86000001",
        "VENDOR_HYP_BMAP bit 1 (PTP), 0x6030000000160002, 1, 0x86000001, 0x86000000"})
    @DisplayName("hypercalls.c kvm_smccc_test_fw_bmap: clearing a bitmap bit (KVM_SET_ONE_REG) denies exactly its functions (-1, x1..x3 = 0); the others still answer")
    void bitmapBitDeniesItsFunctions(String what, String reg, long value, String denied, String kept) {
        Harness h = Harness.of(1, "pvtime-ipa", "0x8000");
        h.vm.control().setOneReg(0, Long.decode(reg), value);
        long d = Long.decode(denied);
        h.hvc(d, 0, 2, 3);
        assertResults(h, 0, NS, 0, 0, 0);
        assertFalse(Engine.context(h.vm).hypercalls().isOffered(d), "the table lists it as not offered");
        long k = Long.decode(kept);
        TrapResult r = h.hvc(k, 0, 2, 3);
        assertEquals(Status.SUCCESS, r.status(), Long.toHexString(k));
        assertTrue(Engine.context(h.vm).hypercalls().isOffered(k));
    }

    @Test
    @DisplayName("hypercalls.c kvm_smccc_test_fw_bmap: VENDOR_HYP_BMAP_2 bits 0 and 1 gate DISCOVER_IMPL_VER and DISCOVER_IMPL_CPUS one each, as the VMM's FWD_TO_USER sees them")
    void vendorHypBmap2Bits() {
        VmConfig.Builder b = VmConfig.builder("arm64").feature(Arm64Architecture.DISCOVER_IMPL_VER, true)
                .feature(Arm64Architecture.DISCOVER_IMPL_CPUS, true);
        Harness h = new Harness(b.build());
        assertEquals(3L, h.vm.control().getOneReg(0, Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP_2));
        h.vm.control().setOneReg(0, Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP_2, 2);
        assertFalse(Engine.context(h.vm).hypercalls().isOffered(Arm64Hypercalls.DISCOVER_IMPL_VER));
        assertTrue(Engine.context(h.vm).hypercalls().isOffered(Arm64Hypercalls.DISCOVER_IMPL_CPUS));
        h.hvc(0x86000000L);
        assertResults(h, 0, 0x3, 0, 2, 0); // KVM_FEATURES: x2 = VENDOR_HYP_BMAP_2
    }

    @Test
    @DisplayName("hypercalls.c kvm_arm_set_fw_reg_bmap / kvm_arm_get_fw_reg: each bitmap reads back what was written; bits this kernel does not support are -EINVAL")
    void bitmapRegistersReadBack() {
        Harness h = Harness.of(1);
        Arm64FirmwareRegisters f = h.arm().firmware();
        assertEquals(1L, f.get(Arm64FirmwareRegisters.REG_STD_BMAP));
        assertEquals(1L, f.get(Arm64FirmwareRegisters.REG_STD_HYP_BMAP));
        assertEquals(3L, f.get(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP));
        assertEquals(0L, f.get(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP_2));
        assertEquals(0x1_0003L, f.get(Arm64FirmwareRegisters.REG_PSCI_VERSION));
        assertEquals(0, f.set(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP, 1));
        assertEquals(1L, f.get(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP));
        assertEquals(0, f.set(Arm64FirmwareRegisters.REG_STD_HYP_BMAP, 0));
        assertEquals(0L, f.get(Arm64FirmwareRegisters.REG_STD_HYP_BMAP));
        assertEquals(-Arm64Vm.EINVAL, f.set(Arm64FirmwareRegisters.REG_STD_BMAP, 2));
        assertEquals(-Arm64Vm.EINVAL, f.set(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP_2, 4));
        assertEquals(-Arm64Vm.EINVAL, f.set(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP, 4), "bit 2 only with the PV-lock RFC");
        assertEquals(-Arm64Vm.ENOENT, f.set(0x6030_0000_0016_0004L, 0));
        assertNull(f.get(0x6030_0000_0016_0004L));
    }

    @ParameterizedTest(name = "PSCI_VERSION 0x{0}")
    @ValueSource(strings = {"2", "10000", "10001", "10002", "10003"})
    @DisplayName("hypercalls.c kvm_arm_set_fw_reg: with KVM_ARM_VCPU_PSCI_0_2 every version 0.2 and 1.0..1.3 is accepted and answers PSCI_VERSION; 1.4, 0x100000002 and 0.1 are -EINVAL")
    void psciVersionRegister(String version) {
        Harness h = Harness.of(1);
        long v = Long.parseLong(version, 16);
        assertEquals(0, h.arm().firmware().set(Arm64FirmwareRegisters.REG_PSCI_VERSION, v));
        h.hvc(0x84000000L);
        assertEquals(v, h.x(0));
        assertEquals(-Arm64Vm.EINVAL, h.arm().firmware().set(Arm64FirmwareRegisters.REG_PSCI_VERSION, 0x1_0004));
        assertEquals(-Arm64Vm.EINVAL, h.arm().firmware().set(Arm64FirmwareRegisters.REG_PSCI_VERSION, 0x1_0000_0002L));
        assertEquals(-Arm64Vm.EINVAL, h.arm().firmware().set(Arm64FirmwareRegisters.REG_PSCI_VERSION, 1));
    }

    // ---------------------------------------------------------------- TRNG's entropy stream

    private static long[] rnd64(Harness h, long n) {
        h.hvc(0xC4000053L, n);
        return new long[] {h.x(0), h.x(1), h.x(2), h.x(3)};
    }

    @Test
    @DisplayName("trng.c kvm_trng_do_rnd: N bits take DIV_ROUND_UP(N, 64) longs of entropy (get_random_long), no more: two 64-bit requests get what one 128-bit request gets")
    void trngDrawsOnlyTheLongsItNeeds() {
        Harness a = new Harness(VmConfig.builder("arm64").seed(42).build());
        long first = rnd64(a, 64)[3];
        long second = rnd64(a, 64)[3];
        long third = rnd64(a, 1)[3];
        Harness b = new Harness(VmConfig.builder("arm64").seed(42).build());
        long[] both = rnd64(b, 128);
        assertEquals(first, both[3], "bits[0]");
        assertEquals(second, both[2], "bits[1]");
        long[] next = rnd64(b, 65);
        assertEquals(third & 1, next[3] & 1, "the stream's third long, whatever N asked for");
        assertEquals(0, next[2] >>> 1, "65 bits: x2 keeps bit 64 only");
    }

    @Test
    @DisplayName("vm.snapshot()/restore(): the TRNG stream, the firmware registers, the SMCCC filter and each vCPU's PV-time IPA come back in a fresh VM")
    void snapshotRoundTrip() {
        VmConfig c = VmConfig.builder("arm64").vcpus(2).seed(7).option("pvtime-ipa", "0x8000").build();
        Harness a = new Harness(c);
        assertEquals(0, a.arm().firmware().set(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP, 1));
        assertEquals(0, a.arm().firmware().set(Arm64FirmwareRegisters.REG_PSCI_VERSION, 0x1_0001));
        assertEquals(0, a.arm().setSmcccFilter(0x86000001L, 1, Arm64Vm.FILTER_DENY, 0)); // before any vCPU runs (-EBUSY after)
        rnd64(a, 192);
        VmSnapshot s = a.vm.snapshot();
        long[] expected = rnd64(a, 192);

        Harness b = new Harness(c);
        b.vm.restore(s);
        assertEquals(expected[1], rnd64(b, 192)[1], "the stream continues where the snapshot left it");
        assertEquals(1L, b.arm().firmware().get(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP));
        assertEquals(0x1_0001L, (long) b.arm().psciVersion());
        assertEquals(Arm64Vm.FILTER_DENY, b.arm().filterAction(0x86000001L));
        b.hvc(0xC5000021L);
        assertEquals(0x8000, b.x(0), "vCPU 0's PV_TIME_ST IPA");
        b.trap(1, "hvc #0", 0xC5000021L);
        assertEquals(0x8040, b.regs(1).get(0), "vCPU 1's record is 64 bytes on");
    }

    // ---------------------------------------------------------------- the AArch32 and T32 gate

    private static TrapResult a32(Harness h, int word, long... x) {
        byte[] b = new byte[4];
        dev.hcsim.core.Bytes.put(b, 0, 4, word, false);
        return h.trapBytes(0, b, x);
    }

    private static TrapResult t32(Harness h, int hw1, int hw2, long... x) {
        return h.trapBytes(0, new byte[] {(byte) hw1, (byte) (hw1 >>> 8), (byte) hw2, (byte) (hw2 >>> 8)}, x);
    }

    @Test
    @DisplayName("handle_exit.c: an AArch32 SMC is an SMC (ARCH_WORKAROUND_1 reaches the C handler: -1), an AArch32 HVC takes the EL2 fast path (0)")
    void aarch32ConduitIsKept() {
        Harness h = Harness.of(1, "mode", "aarch32");
        a32(h, 0xE1600070, 0x80008000L, 5, 6, 7);
        assertResults(h, 0, M32, 0, 0, 0);
        a32(h, 0xE1400070, 0x80008000L, 5, 6, 7);
        assertResults(h, 0, 0, 0, 6, 7);
        Harness t = Harness.of(1, "mode", "thumb");
        t32(t, 0xF7F0, 0x8000, 0x80008000L, 5, 6, 7);
        assertResults(t, 0, M32, 0, 0, 0);
        t32(t, 0xF7E0, 0x8000, 0x80008000L, 5, 6, 7);
        assertResults(t, 0, 0, 0, 6, 7);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"A32 hvc with cond EQ, a32, 0x01400070", "A32 smc with cond 15 (unconditional space), a32, 0xF1600070",
        "A32 hvc with bits 7:4 = 6, a32, 0xE1400060", "A32 smc with bits 7:4 = 6, a32, 0xE1600060", "A32 bkpt, a32, 0xE1200070",
        "T32 hw1 f6e0, t32, 0xF6E08000", "T32 hvc with hw2 bit 14, t32, 0xF7E0C000", "T32 smc with hw2 0x8001, t32, 0xF7F08001",
        "T32 smc with hw1 f7c0, t32, 0xF7C08000"})
    @DisplayName("handle_exit.c / ARM ARM encodings: near misses of the A32 and T32 HVC/SMC forms are UNDEFINED to the guest, nothing dispatched")
    void aarch32NearMisses(String what, String set, long insn) {
        Harness h = Harness.of(1, "mode", set.equals("a32") ? "aarch32" : "thumb");
        TrapResult r = set.equals("a32") ? a32(h, (int) insn, 0x80000000L) : t32(h, (int) (insn >>> 16), (int) (insn & 0xFFFF), 0x80000000L);
        assertEquals(Outcome.FAULT, r.outcome(), what);
        assertEquals(Fault.Arm64.undefined(Harness.AT), r.fault(), what);
        assertEquals(0x80000000L, h.x(0), "nothing answered");
    }

    @Test
    @DisplayName("ARM ARM: HVC and SMC at EL0 (AArch32 user mode) are UNDEFINED, as from AArch64")
    void aarch32El0IsUndefined() {
        for (String mode : new String[] {"aarch32", "thumb"}) {
            Harness h = Harness.of(1, "mode", mode, "el", "0");
            TrapResult r = mode.equals("aarch32") ? a32(h, 0xE1400070, 0x80000000L) : t32(h, 0xF7E0, 0x8000, 0x80000000L);
            assertEquals(Fault.Arm64.undefined(Harness.AT), r.fault(), mode);
            assertEquals(0x80000000L, h.x(0));
        }
    }

    @Test
    @DisplayName("handle_exit.c kvm_condition_valid: an A32 smcne with Z set is skipped: PC + 4, no call, no status; the trace says why")
    void aarch32ConditionFailedIsSkipped() {
        Harness h = Harness.of(1, "mode", "aarch32");
        h.regs(0).set(Arm64Registers.NZCV, 1L << 30); // Z set: NE fails
        TrapResult r = a32(h, 0x11600070, 0x80000000L);
        assertEquals(Outcome.RESUME, r.outcome());
        assertEquals(Harness.AT + 4, r.nextPc());
        assertNull(r.status());
        assertNull(r.callName());
        assertEquals(Arm64Hypercalls.SMC_CONDITION_FAILED, Engine.context(h.vm).frame(0).why());
        assertEquals(0x80000000L, h.x(0));
    }

    @Test
    @DisplayName("inject_abt32 via kvm_inject_pabt: an AArch32 fetch with nothing readable is an instruction abort at the PC")
    void aarch32FetchAbort() {
        Harness h = Harness.of(1, "mode", "aarch32");
        TrapResult r = h.vm.trap(0, h.regs(0), h.m.memory(), h.m, new byte[] {0x70, 0x00});
        assertEquals(Outcome.FAULT, r.outcome());
        assertEquals(new Fault.Arm64(Fault.Arm64.EC_IABT_CUR, Fault.Arm64.FSC_EXTABT, 1, h.regs(0).pc()), r.fault());
        Harness el0 = Harness.of(1, "el", "0");
        TrapResult u = el0.vm.trap(0, el0.regs(0), el0.m.memory(), el0.m, new byte[] {0x02});
        assertEquals(new Fault.Arm64(Fault.Arm64.EC_IABT_LOW, Fault.Arm64.FSC_EXTABT, 1, el0.regs(0).pc()), u.fault(), "from EL0: IABT_LOW");
    }

    // ---------------------------------------------------------------- SMC with an immediate, the filter's forward

    @Test
    @DisplayName("handle_exit.c handle_smc: SMC #1 from an AArch64 vCPU writes x0 = -1 (all 64 bits), PC + 4, no call name, the reason in the trace")
    void smcWithImmediate() {
        Harness h = Harness.of(1);
        TrapResult r = h.trap(0, "smc #1", 0x80000000L, 5);
        assertEquals(-1L, h.x(0));
        assertEquals(5, h.x(1));
        assertNull(r.callName());
        assertEquals(Arm64Hypercalls.SMC_IMMEDIATE, Engine.context(h.vm).frame(0).why());
    }

    @Test
    @DisplayName("hypercalls.c kvm_prepare_hypercall_exit: a call the filter forwards exits as KVM_EXIT_HYPERCALL with its kernel name and SUCCESS, PC past it; re-entry puts the VMM's answer in x0")
    void forwardedCall() {
        Harness h = Harness.of(1, "filter-fwd", "0x86000001");
        TrapResult r = h.hvc(0x86000001L, 0, 2, 3);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals("ARM_SMCCC_VENDOR_HYP_KVM_PTP", r.callName());
        assertEquals(Status.SUCCESS, r.status());
        assertEquals(Harness.AT + 4, h.regs(0).pc());
        assertEquals(new Exit.Hypercall(0x86000001L, new long[6], 0, 0), r.exit());
        TrapResult done = h.vm.completeExit(0, h.regs(0), h.m.memory(), 0x1234);
        assertEquals(Outcome.RESUME, done.outcome());
        assertResults(h, 0, 0x1234, 0, 2, 3);
        assertEquals(Harness.AT + 4, h.regs(0).pc(), "KVM_RUN does not move the PC again");
    }

    @Test
    @DisplayName("hypercalls.c kvm_smccc_call_handler: a denied call keeps its kernel name in the trace; an unknown denied ID is named by its fields")
    void deniedCallNames() {
        Harness h = Harness.of(1, "filter-deny", "0x84000000");
        TrapResult r = h.hvc(0x84000000L);
        assertEquals("PSCI_0_2_FN_PSCI_VERSION", r.callName());
        assertResults(h, 0, NS, 0, 0, 0);
        Harness u = Harness.of(1, "filter-deny", "0x86000077");
        TrapResult x = u.hvc(0x86000077L);
        assertNull(x.callName());
        assertTrue(Engine.context(u.vm).frame(0).why().startsWith("unknown SMCCC function: "));
    }

    // ---------------------------------------------------------------- the VMM's options and errno names

    @Test
    @DisplayName("the VM options apply the ioctls' own checks: an unaligned pvtime-ipa and a filter over the reserved Arm ranges fail with the errno's name")
    void optionsFailWithTheIoctlsErrno() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vm.create(VmConfig.builder("arm64").option("pvtime-ipa", "0x8008").build()));
        assertTrue(e.getMessage().contains("pvtime-ipa") && e.getMessage().endsWith("-EINVAL"), e.getMessage());
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> Vm.create(VmConfig.builder("arm64").option("filter-deny", "0x80000000").build()));
        assertTrue(d.getMessage().contains("filter-deny") && d.getMessage().endsWith("-EEXIST"), d.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> Vm.create(VmConfig.builder("arm64").option("filter-fwd", "0xC0000000").build()));
        assertTrue(f.getMessage().contains("filter-fwd") && f.getMessage().endsWith("-EEXIST"), f.getMessage());
    }

    @Test
    @DisplayName("errno names as the kernel's headers spell them (errno-base.h), with the sign the ioctls return")
    void errnoNames() {
        assertEquals("-EINVAL", Arm64Vm.errnoName(-22));
        assertEquals("-ENOENT", Arm64Vm.errnoName(-2));
        assertEquals("-ENXIO", Arm64Vm.errnoName(-6));
        assertEquals("-EFAULT", Arm64Vm.errnoName(-14));
        assertEquals("-EBUSY", Arm64Vm.errnoName(-16));
        assertEquals("-EEXIST", Arm64Vm.errnoName(-17));
        assertEquals("0", Arm64Vm.errnoName(0));
        assertEquals("-95", Arm64Vm.errnoName(-95));
    }

    // ---------------------------------------------------------------- round 2: firmware registers, PV time, TRNG, the gate

    @Test
    @DisplayName("hypercalls.c kvm_arm_get_fw_reg / get_kernel_wa_level: WORKAROUND_3 follows the host's Spectre-BHB state, WORKAROUND_1 Spectre-v2, each on its own")
    void workaroundLevelsAreSeparate() {
        Harness h = Harness.of(1, "spectre-v2", "unaffected", "spectre-bhb", "vulnerable");
        Arm64FirmwareRegisters f = h.arm().firmware();
        assertEquals(2L, f.get(Arm64FirmwareRegisters.REG_WORKAROUND_1), "NOT_REQUIRED");
        assertEquals(0L, f.get(Arm64FirmwareRegisters.REG_WORKAROUND_3), "NOT_AVAIL");
        assertEquals(0, f.set(Arm64FirmwareRegisters.REG_WORKAROUND_1, 2));
        assertEquals(-Arm64Vm.EINVAL, f.set(Arm64FirmwareRegisters.REG_WORKAROUND_3, 1), "above the host's level");
        assertEquals(0, f.set(Arm64FirmwareRegisters.REG_WORKAROUND_3, 0));
        assertEquals(-Arm64Vm.EINVAL, f.set(Arm64FirmwareRegisters.REG_WORKAROUND_1, 0x10), "bits outside KVM_REG_FEATURE_LEVEL_MASK");
        Harness m = Harness.of(1, "spectre-bhb", "mitigated");
        assertEquals(1L, m.arm().firmware().get(Arm64FirmwareRegisters.REG_WORKAROUND_3), "AVAIL");
        assertEquals(0, m.arm().firmware().set(Arm64FirmwareRegisters.REG_WORKAROUND_3, 1));
    }

    @ParameterizedTest(name = "spectre-v4 {0}: set 0x{1} -> {2}")
    @CsvSource({"unaffected, 12, 0", "unaffected, 13, -22", "unaffected, 20, -22", "unaffected, 4, -22", "unaffected, 3, 0", "unaffected, 0, 0",
        "vulnerable, 2, -22", "vulnerable, 1, 0", "vulnerable, 0, 0"})
    @DisplayName("hypercalls.c kvm_arm_set_fw_reg WORKAROUND_2: only the level mask and ENABLED, ENABLED only with AVAIL, levels 0/1 are NOT_AVAIL and 2/3 NOT_REQUIRED, never above the host's")
    void workaround2Register(String v4, String value, int want) {
        Harness h = Harness.of(1, "spectre-v4", v4);
        assertEquals(want, h.arm().firmware().set(Arm64FirmwareRegisters.REG_WORKAROUND_2, Long.parseLong(value, 16)));
    }

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {"0", "3", "ffff", "10004", "20000"})
    @DisplayName("hypercalls.c kvm_arm_set_fw_reg PSCI_VERSION: with KVM_ARM_VCPU_PSCI_0_2 anything but 0.2 and 1.0..1.3 is -EINVAL")
    void psciVersionRegisterRefuses(String version) {
        assertEquals(-Arm64Vm.EINVAL, Harness.of(1).arm().firmware().set(Arm64FirmwareRegisters.REG_PSCI_VERSION, Long.parseLong(version, 16)));
    }

    @Test
    @DisplayName("hypercalls.c kvm_arm_set_fw_reg_bmap: once a vCPU has run, writing a bitmap's current value is accepted, another value is -EBUSY")
    void bitmapAfterRun() {
        Harness h = Harness.of(1);
        h.hvc(0x80000000L);
        assertEquals(0, h.arm().firmware().set(Arm64FirmwareRegisters.REG_STD_BMAP, 1));
        assertEquals(-Arm64Vm.EBUSY, h.arm().firmware().set(Arm64FirmwareRegisters.REG_STD_BMAP, 0));
    }

    @Test
    @DisplayName("kvm_arm_init_hypercalls: each bitmap starts with the services the VM has (features off: bits clear; PTP alone: VENDOR_HYP_BMAP = 2)")
    void bitmapsFollowTheVmsServices() {
        Harness none = new Harness(VmConfig.builder("arm64").feature(Arm64Architecture.TRNG, false).feature(Arm64Architecture.PV_TIME, false)
                .feature(Arm64Architecture.VENDOR_HYP_FEATURES, false).feature(Arm64Architecture.PTP, false).build());
        Arm64FirmwareRegisters f = none.arm().firmware();
        assertEquals(0L, f.get(Arm64FirmwareRegisters.REG_STD_BMAP));
        assertEquals(0L, f.get(Arm64FirmwareRegisters.REG_STD_HYP_BMAP));
        assertEquals(0L, f.get(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP));
        Harness ptp = new Harness(VmConfig.builder("arm64").feature(Arm64Architecture.VENDOR_HYP_FEATURES, false).build());
        assertEquals(2L, ptp.arm().firmware().get(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP));
        Harness ver = new Harness(VmConfig.builder("arm64").feature(Arm64Architecture.DISCOVER_IMPL_VER, true).build());
        assertEquals(1L, ver.arm().firmware().get(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP_2));
    }

    @Test
    @DisplayName("seed 002 (the PV-lock RFC): ARCH_FEATURES(PV_LOCK_FEATURES) is 0 with the RFC and VENDOR_HYP_BMAP bit 2, -1 once the bit is cleared or in mainline")
    void pvLockFeaturesFollowBit2() {
        Harness on = Harness.of(1, "pvlock", "on");
        on.hvc(0x80000001L, 0xC6000020L);
        assertResults(on, 0, 0);
        Harness cleared = Harness.of(1, "pvlock", "on");
        assertEquals(0, cleared.arm().firmware().set(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP, 3)); // before any vCPU runs
        cleared.hvc(0x80000001L, 0xC6000020L);
        assertResults(cleared, 0, NS);
        cleared.hvc(0xC6000020L, 0xC6000021L);
        assertResults(cleared, 0, NS, 0, 0, 0);
        Harness mainline = Harness.of(1);
        mainline.hvc(0x80000001L, 0xC6000020L);
        assertResults(mainline, 0, NS);
        assertFalse(mainline.vm.control().hasVcpuAttr(0, Arm64Ioctls.KVM_ARM_VCPU_PVLOCK_CTRL, Arm64Ioctls.KVM_ARM_VCPU_PVLOCK_IPA));
        assertTrue(on.vm.control().hasVcpuAttr(0, Arm64Ioctls.KVM_ARM_VCPU_PVLOCK_CTRL, Arm64Ioctls.KVM_ARM_VCPU_PVLOCK_IPA));
    }

    @Test
    @DisplayName("seed 002: pvlock-ipa gives vCPU n the structure at ipa + 64 n; PV_LOCK_PREEMPTED without one is -1 (NOT_SUPPORTED), and its scheduler hooks write nothing")
    void pvLockPerVcpu() {
        Harness h = Harness.of(2, "pvlock", "on", "pvlock-ipa", "0x9000");
        h.trap(1, "hvc #0", 0xC6000021L);
        assertEquals(0x9040, h.regs(1).get(0));
        Harness one = Harness.of(2, "pvlock", "on");
        assertEquals(0, one.arm().pvTime().setPvlockIpa(0, 0x9000));
        TrapResult r = one.trap(1, "hvc #0", 0xC6000021L);
        assertEquals(Status.NOT_SUPPORTED, r.status());
        dev.hcsim.core.MemoryAccess mem = new dev.hcsim.core.MemoryAccess(one.m.memory(), java.nio.ByteOrder.LITTLE_ENDIAN);
        one.arm().scheduleOut(1, 0, true, mem);
        one.arm().scheduleIn(1, 0, 5, mem);
        one.arm().scheduleOut(0, 0, true, mem);
        assertEquals(1, mem.read64(0x9000), "vCPU 0's preempted word");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vm.create(VmConfig.builder("arm64").option("pvlock", "on").option("pvlock-ipa", "0x9010").build()));
        assertTrue(e.getMessage().contains("pvlock-ipa") && e.getMessage().endsWith("-EINVAL"), e.getMessage());
    }

    @Test
    @DisplayName("pvtime.c kvm_update_stolen_time: a vCPU without a stolen-time IPA gets no record: the scheduler hooks write no byte")
    void noStolenTimeWithoutIpa() {
        Harness h = Harness.of(2, "pvtime-ipa", "0x8000");
        Harness bare = Harness.of(1);
        dev.hcsim.core.MemoryAccess mem = new dev.hcsim.core.MemoryAccess(bare.m.memory(), java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long a = 0; a < 32; a += 8) {
            mem.write(a, 8, 0x1111_1111_1111_1111L);
        }
        bare.arm().scheduleIn(0, 100, 500, mem);
        bare.arm().scheduleOut(0, 200, true, mem);
        for (long a = 0; a < 32; a += 8) {
            assertEquals(0x1111_1111_1111_1111L, mem.read64(a), "byte " + a);
        }
        TrapResult st = bare.hvc(0xC5000021L);
        assertEquals(Status.NOT_SUPPORTED, st.status(), "PV_TIME_ST without an IPA");
        assertEquals(NS, bare.x(0));
        h.hvc(0xC5000020L, 0xC5000020L);
        assertResults(h, 0, 0);
        h.hvc(0xC5000020L, 0xC5000021L);
        assertResults(h, 0, 0);
        h.hvc(0xC5000020L, 0xC5000022L);
        assertResults(h, 0, NS);
    }

    @Test
    @DisplayName("trng.c kvm_trng_call TRNG_FEATURES: 0 for each of the five TRNG IDs; the ID in x1 is compared in full (unsigned long), so upper bits make it unknown")
    void trngFeaturesOfEachId() {
        for (long id : new long[] {0x84000050L, 0x84000051L, 0x84000052L, 0x84000053L, 0xC4000053L}) {
            Harness h = Harness.of(1);
            h.hvc(0x84000051L, id);
            assertResults(h, 0, 0, 0, 0, 0);
            h.hvc(0x84000051L, 0x1_0000_0000L | id);
            assertResults(h, 0, NS);
        }
    }

    @Test
    @DisplayName("the TRNG stream mixes the VM seed in: seeds 0 and 2 give different bits")
    void trngSeedsDiffer() {
        long a = rnd64(new Harness(VmConfig.builder("arm64").seed(0).build()), 64)[3];
        long b = rnd64(new Harness(VmConfig.builder("arm64").seed(2).build()), 64)[3];
        assertTrue(a != b);
    }

    @Test
    @DisplayName("psci.c SYSTEM_RESET2: reset types 1..0x7FFFFFFF are INVALID_PARAMS; 0x80000000 and up are vendor resets (PSCI_1_1_RESET_TYPE_VENDOR_START)")
    void systemReset2VendorBoundary() {
        assertEquals(Status.INVALID_PARAMETER, Harness.of(1).hvc(0x84000012L, 0x7FFF_FFFFL).status());
        assertEquals(Outcome.EXIT_TO_HOST, Harness.of(1).hvc(0x84000012L, 0x8000_0000L).outcome());
    }

    @Test
    @DisplayName("kvm_vm_ioctl_create_vcpu: an arm64 VM with a GICv3 takes at most VGIC_V3_MAX_CPUS = 512 vCPUs")
    void vcpuLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Vm.create(VmConfig.builder("arm64").vcpus(513).build()));
        assertTrue(e.getMessage().contains("512"), e.getMessage());
    }

    @Test
    @DisplayName("kvm_reset_vcpu: x0..x30 and SP zeroed, NZCV clear, little-endian, MPIDR from the vCPU index with RES1 bit 31")
    void resetState() {
        Harness h = Harness.of(2);
        RegisterFile r = new RegisterFile(h.vm.architecture().registers());
        for (int i = 0; i <= Arm64Registers.SP; i++) {
            r.set(i, 0x55);
        }
        r.set(Arm64Registers.NZCV, 0xF0000000L);
        r.set(Arm64Registers.BE, 1);
        h.vm.resetVcpu(1, r);
        assertEquals(0, r.get(0));
        assertEquals(0, r.get(Arm64Registers.SP), "SP");
        assertEquals(0, r.get(Arm64Registers.NZCV));
        assertEquals(0, r.get(Arm64Registers.BE));
        assertEquals(0x8000_0001L, r.get(Arm64Registers.MPIDR));
    }

    @ParameterizedTest(name = "base 0x{0}, nr 0x{1}, action {2}: {3}")
    @CsvSource({"86000000, 0, 1, -22", "ffffffff, 2, 1, -22", "86000000, 1, 3, -22", "86000000, 1, -1, -22", "86000000, 100000000, 1, -22",
        "86000000, 1, 2, 0", "ffffffff, 1, 0, 0"})
    @DisplayName("hypercalls.c kvm_smccc_set_filter: an empty or wrapping range (u32 arithmetic) and an action outside HANDLE/DENY/FWD_TO_USER are -EINVAL")
    void filterArguments(String base, String nr, int action, int want) {
        assertEquals(want, Harness.of(1).arm().setSmcccFilter(Long.parseLong(base, 16), Long.parseLong(nr, 16), action, 0));
    }

    @Test
    @DisplayName("the gate advances the PC by the 4 bytes of the HVC even when the embedder hands more instruction bytes (A64 and A32)")
    void embedderPassesMoreBytes() {
        Harness h = Harness.of(1);
        RegisterFile r = h.regs(0);
        r.pc(Harness.AT);
        r.set(0, 0x80000000L);
        TrapResult t = h.vm.trap(0, r, h.m.memory(), h.m, new byte[] {0x02, 0, 0, (byte) 0xd4, 0x1f, 0x20, 0x03, (byte) 0xd5});
        assertEquals(Harness.AT + 4, t.nextPc());
        Harness a = Harness.of(1, "mode", "aarch32");
        RegisterFile ra = a.regs(0);
        ra.pc(Harness.AT);
        ra.set(0, 0x80000000L);
        TrapResult ta = a.vm.trap(0, ra, a.m.memory(), a.m, new byte[] {0x70, 0x00, 0x40, (byte) 0xE1, 0, 0, 0, 0});
        assertEquals(Harness.AT + 4, ta.nextPc());
    }

    @Test
    @DisplayName("a call the kernel names keeps its name in the trace; only an unknown ID gets the decoded-fields note")
    void knownCallHasNoUnknownNote() {
        Harness h = Harness.of(1);
        h.hvc(0x84000000L);
        String why = Engine.context(h.vm).frame(0).why();
        assertTrue(why == null || !why.startsWith("unknown SMCCC function"), why);
    }

    @Test
    @DisplayName("trng.c kvm_trng_do_rnd: TRNG_RND64 with N = 192 puts bits[2] in x1 (random: not zero for every seed), bits[1] in x2, bits[0] in x3")
    void rnd64UsesX1() {
        boolean x1Seen = false;
        for (long seed = 1; seed <= 8; seed++) {
            Harness h = new Harness(VmConfig.builder("arm64").seed(seed).build());
            long[] all = rnd64(h, 192);
            Harness twice = new Harness(VmConfig.builder("arm64").seed(seed).build());
            long[] low = rnd64(twice, 128);
            long third = rnd64(twice, 64)[3];
            assertEquals(low[3], all[3], "bits[0]");
            assertEquals(low[2], all[2], "bits[1]");
            assertEquals(third, all[1], "bits[2], the stream's third long");
            x1Seen |= all[1] != 0;
        }
        assertTrue(x1Seen);
    }
}
