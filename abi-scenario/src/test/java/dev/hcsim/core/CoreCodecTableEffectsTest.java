package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.HypercallTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The core's result data, checked against the kernel's values: the status codec (encode, decode, names), the
 * hypercall table (every listed number found, none invented, offers asked at call time) and the embedder's effect log.
 * Issue 25's mutation run of the abi-core@abi-scenario row found these answers unguarded.
 */
class CoreCodecTableEffectsTest {

    // ---------------------------------------------------------------- StatusCodec, with the KVM_E* family

    @Test
    @DisplayName("StatusCodec: the -KVM_E* family encodes and decodes each code of include/uapi/linux/kvm_para.h, negated (kvm_emulate_hypercall's ret = -KVM_ENOSYS)")
    void kvmErrnoFamilyRoundTrips() {
        // include/uapi/linux/kvm_para.h: KVM_ENOSYS 1000, KVM_EFAULT EFAULT (14), KVM_EINVAL EINVAL (22), KVM_E2BIG E2BIG (7),
        // KVM_EPERM EPERM (1), KVM_EOPNOTSUPP 95; arch/x86/kvm/x86.c kvm_emulate_hypercall returns them negated.
        Map<Status, Long> kernel = new LinkedHashMap<>();
        kernel.put(Status.SUCCESS, 0L);
        kernel.put(Status.NOT_IMPLEMENTED, -1000L);
        kernel.put(Status.NOT_SUPPORTED, -95L);
        kernel.put(Status.INVALID_PARAMETER, -22L);
        kernel.put(Status.FAULT, -14L);
        kernel.put(Status.PERMISSION, -1L);
        kernel.put(Status.TOO_BIG, -7L);
        StatusCodec c = KvmErrno.CODEC;
        for (Map.Entry<Status, Long> e : kernel.entrySet()) {
            assertEquals(e.getValue(), c.encode(e.getKey()), e.getKey().name());
            assertEquals(e.getKey(), c.decode(e.getValue()), "decode " + e.getValue());
            assertTrue(c.documents(e.getKey()), e.getKey().name());
        }
        assertEquals(kernel.keySet(), c.documented());
        assertEquals("-KVM_ENOSYS", c.codes().get(Status.NOT_IMPLEMENTED).name());
        assertEquals(-1000L, c.codes().get(Status.NOT_IMPLEMENTED).value());
        assertEquals(List.of(Status.SUCCESS, Status.NOT_IMPLEMENTED, Status.NOT_SUPPORTED, Status.INVALID_PARAMETER, Status.FAULT,
                Status.PERMISSION, Status.TOO_BIG), List.copyOf(c.codes().keySet()), "in Status order");
        assertTrue(c.family().startsWith("KVM_E*"), c.family());
        assertFalse(c.documents(Status.BUSY), "KVM_E* has no EBUSY");
    }

    @Test
    @DisplayName("StatusCodec.decode: a register value that is no documented code (a handler's own value, -2, 1000 unnegated) decodes to no status")
    void decodeOfAnUndocumentedValueIsNull() {
        for (long raw : new long[] {-2, 1000, 1, 14, Long.MIN_VALUE}) {
            assertNull(KvmErrno.CODEC.decode(raw), "0x" + Long.toHexString(raw));
        }
        qt().withExamples(500).forAll(longs().between(-999, -96)).checkAssert(raw -> assertNull(KvmErrno.CODEC.decode(raw)));
    }

    @Test
    @DisplayName("StatusCodec: what the codec answers is fixed when it is built: codes added to the builder afterwards, and the views it hands out, change nothing")
    void codecIsImmutable() {
        StatusCodec.Builder b = StatusCodec.builder("PSCI_RET_*").code(Status.SUCCESS, 0, "PSCI_RET_SUCCESS");
        StatusCodec c = b.build();
        // include/uapi/linux/psci.h: PSCI_RET_NOT_SUPPORTED -1
        b.code(Status.NOT_SUPPORTED, -1, "PSCI_RET_NOT_SUPPORTED");
        assertFalse(c.documents(Status.NOT_SUPPORTED));
        assertThrows(IllegalStateException.class, () -> c.encode(Status.NOT_SUPPORTED));
        assertThrows(UnsupportedOperationException.class, () -> c.codes().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.documented().clear());
        assertEquals(Set.of(Status.SUCCESS), c.documented());
        assertEquals("PSCI_RET_*", c.family());
        assertEquals(-1, b.build().encode(Status.NOT_SUPPORTED), "a codec built later has the later code");
    }

    // ---------------------------------------------------------------- HypercallTable

    private static HypercallSpec call(long nr) {
        return HypercallSpec.builder(nr, "C" + Long.toHexString(nr), t -> t.ok(0)).build();
    }

    @Test
    @DisplayName("HypercallTable: for tables of every size, each listed number finds its own spec (colliding slots included) and no other number finds one")
    void everyListedNumberIsFoundAndNoOther() {
        // A contiguous range (the KVM_HC_* numbers 1..13, the PSCI function IDs 0x84000000..), a spread of SMCCC-style
        // IDs and the extreme values: the open addressing must probe past collisions the same way when building and
        // when looking up.
        for (int n : new int[] {1, 2, 3, 5, 16, 40, 257}) {
            List<HypercallSpec> specs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long nr = switch (i % 4) {
                    case 0 -> i;
                    case 1 -> 0x8400_0000L + i;
                    case 2 -> 0xC600_0000L + ((long) i << 16);
                    default -> Long.MIN_VALUE + i;
                };
                specs.add(call(nr));
            }
            HypercallTable t = HypercallTable.build(specs, s -> true);
            for (HypercallSpec s : specs) {
                assertSame(s, t.lookup(s.number()), "size " + n + ": 0x" + Long.toHexString(s.number()));
                assertTrue(t.isOffered(s.number()));
            }
            assertEquals(specs, t.all(), "declaration order");
            Set<Long> listed = new java.util.HashSet<>();
            specs.forEach(s -> listed.add(s.number()));
            for (long probe = -300; probe < 300; probe++) {
                if (!listed.contains(probe)) {
                    assertNull(t.lookup(probe), "size " + n + ": " + probe);
                    assertFalse(t.isOffered(probe));
                }
            }
        }
    }

    @Test
    @DisplayName("HypercallTable: a number listed twice is refused with both names, also when other numbers sit between the two in the probe chain")
    void duplicateNumberIsRefusedWithBothNames() {
        List<HypercallSpec> specs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            specs.add(call(i));
        }
        specs.add(HypercallSpec.builder(37, "AGAIN", t -> t.ok(0)).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HypercallTable.build(specs, s -> true));
        assertEquals("hypercall number 0x25 is listed twice: C25 and AGAIN", e.getMessage());
    }

    @Test
    @DisplayName("HypercallTable.isOffered is asked of the VM at call time (a VMM changes features after creating the VM); an unlisted number is never offered")
    void offersAreAskedAtCallTime() {
        boolean[] on = {false};
        HypercallSpec gated = call(9);
        HypercallTable t = HypercallTable.build(List.of(call(1), gated), s -> s.number() != 9 || on[0]);
        assertFalse(t.isOffered(9));
        assertFalse(t.isOffered(gated));
        assertTrue(t.isOffered(1));
        on[0] = true;
        assertTrue(t.isOffered(9));
        assertTrue(t.isOffered(gated));
        HypercallTable all = HypercallTable.build(List.of(call(1)), s -> true);
        assertFalse(all.isOffered(2), "not listed: not offered even when the predicate says yes to everything");
    }

    // ---------------------------------------------------------------- EffectLog

    @Test
    @DisplayName("EffectLog.start powers on only an off vCPU (PSCI CPU_ON's ALREADY_ON, kvm_psci_vcpu_on): the vCPU becomes runnable and the start is recorded with entry and context")
    void effectLogStartsOnlyAnOffVcpu() {
        EffectLog log = new EffectLog(3);
        log.state(1, VcpuState.OFF);
        assertTrue(log.start(1, 0x8000, 0, 0x1234));
        assertEquals(VcpuState.RUNNABLE, log.state(1));
        assertFalse(log.start(1, 0x9000, 0, 0), "already on");
        assertFalse(log.start(0, 0x9000, 0, 0), "running");
        log.state(2, VcpuState.HALTED);
        assertFalse(log.start(2, 0x9000, 0, 0), "halted is on");
        List<EffectLog.Effect> effects = log.drain();
        assertEquals(1, effects.size(), effects.toString());
        EffectLog.Effect e = effects.get(0);
        assertEquals(new EffectLog.Effect("start", 1, 0x1234, 0x8000, "context register 0"), e);
        assertEquals("start vcpu1 at 0x8000 context 0x1234", e.toString());
    }

    @Test
    @DisplayName("EffectLog.stop turns the vCPU off (a later start of it succeeds) and is recorded; the clock is the one the emulator set")
    void effectLogStopAndClock() {
        EffectLog log = new EffectLog(2);
        assertEquals(0, log.nowNanos());
        log.now(123_456_789L);
        assertEquals(123_456_789L, log.nowNanos());
        log.stop(1);
        assertEquals(VcpuState.OFF, log.state(1));
        assertTrue(log.start(1, 0x100, 2, 0));
        assertEquals(List.of("stop vcpu1", "start vcpu1 at 0x100 context 0x0"), log.drain().stream().map(Object::toString).toList());
    }

    @Test
    @DisplayName("EffectLog: a kick or interrupt wakes only a halted vCPU; a runnable, exited or stopped one keeps its state")
    void effectLogWakesOnlyHalted() {
        EffectLog log = new EffectLog(4);
        log.state(0, VcpuState.RUNNABLE);
        log.state(1, VcpuState.EXITED);
        log.state(2, VcpuState.STOPPED);
        for (int v = 0; v < 3; v++) {
            log.kick(v);
            log.interrupt(v, 0x20);
        }
        assertEquals(VcpuState.RUNNABLE, log.state(0));
        assertEquals(VcpuState.EXITED, log.state(1));
        assertEquals(VcpuState.STOPPED, log.state(2));
        assertEquals(6, log.drain().size());
    }
}
