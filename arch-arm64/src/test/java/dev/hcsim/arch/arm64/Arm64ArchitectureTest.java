package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.sched.SingleCall;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.OptionSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The provider's data: registration, the hypercall list, options, features, ids and discovery. */
class Arm64ArchitectureTest {
    private static final Architecture ARCH = Architectures.named("arm64");

    @Test
    @DisplayName("ServiceLoader finds arm64 under its name and the alias aarch64")
    void registered() {
        assertTrue(ARCH instanceof Arm64Architecture);
        assertSame(ARCH, Architectures.named("aarch64"));
        assertEquals("hvc #0", ARCH.defaultTrapInstruction(Map.of()));
        assertEquals("smc #0", ARCH.defaultTrapInstruction(Map.of("conduit", "smc")));
    }

    @Test
    @DisplayName("every hypercall has a unique number, a kernel name, a summary with its decoded ID, a source and its statuses; listed in number order")
    void hypercallData() {
        List<HypercallSpec> all = ARCH.hypercalls();
        Set<Long> seen = new HashSet<>();
        long last = -1;
        for (HypercallSpec s : all) {
            assertTrue(seen.add(s.number()), s.name());
            assertTrue(s.number() > last, s.name() + " out of order");
            last = s.number();
            assertTrue(s.summary().contains("[" + FunctionId.decode(s.number())), s.name());
            assertFalse(s.source().isEmpty(), s.name());
            assertFalse(s.statuses().isEmpty(), s.name());
            assertTrue(s.feature() == null || ARCH.features().stream().anyMatch(f -> f.name().equals(s.feature())), s.name());
        }
        assertTrue(all.size() >= 60, "SMCCC, PSCI 0.1-1.3 (both widths), TRNG, PV time, vendor, pKVM, PV lock: " + all.size());
    }

    @Test
    @DisplayName("every option's default is accepted; every listed value builds a VM")
    void options() {
        for (OptionSpec o : ARCH.options()) {
            assertTrue(o.allowed().isEmpty() || o.accepts(o.defaultValue()), o.name());
            for (String v : o.allowed()) {
                VmConfig.builder("arm64").option(o.name(), v).build();
                dev.hcsim.core.Vm.create(VmConfig.builder("arm64").option(o.name(), v).build());
            }
        }
    }

    @Test
    @DisplayName("sys_regs.c reset_mpidr: vCPU i has affinity Aff0 = i[3:0], Aff1 = i[11:4], Aff2 = i[19:12]")
    void vcpuIds() {
        assertEquals(0, ARCH.vcpuId(0));
        assertEquals(0xF, ARCH.vcpuId(15));
        assertEquals(0x100, ARCH.vcpuId(16));
        assertEquals(0x0F_FF0FL, ARCH.vcpuId(0xFFFF));
        assertEquals(0x01_0000L, ARCH.vcpuId(0x1000));
        assertEquals("MPIDR", ARCH.vcpuIdName());
    }

    @Test
    @DisplayName("include/linux/arm-smccc.h ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_0..3 and trng.c's UUID pack to the selftests' words")
    void uuidWords() {
        assertArrayEquals(new long[] {0xB66FB428L, 0xE911C52EL, 0x564BCAA9L, 0x743A004DL}, Arm64Discovery.kvmUuidWords());
        assertArrayEquals(new long[] {0x00E0210DL, 0xEB118443L, 0x44527080L, 0x4C5A4E55L},
                Arm64Discovery.uuidWords(Arm64Discovery.TRNG_UUID));
    }

    @Test
    @DisplayName("Linux's probe order over HVC answers as KVM does: PSCI 1.3, SMCCC_VERSION listed, v1.1, WORKAROUND_1 0, KVM UID, features 0x3")
    void probeSequence() {
        long[][] expected = {{0x10003}, {0}, {0x10001}, {0}, {0xB66FB428L, 0xE911C52EL, 0x564BCAA9L, 0x743A004DL}, {0x3, 0, 0, 0}};
        List<long[]> probes = Arm64Discovery.probeSequence();
        for (int i = 0; i < probes.size(); i++) {
            SingleCall.Result r = SingleCall.run(VmConfig.builder("arm64").build(), 0, null,
                    Map.of("x0", probes.get(i)[0], "x1", probes.get(i)[1]), Map.of());
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], r.after().get("x" + j), "probe " + i + " x" + j);
            }
        }
    }

    @Test
    @DisplayName("the /psci device-tree node names the conduit and, for PSCI 0.1, KVM's own function IDs")
    void deviceTree() {
        String v13 = Arm64Discovery.deviceTree(Arm64Hypercalls.PSCI_1_3, "hvc");
        assertTrue(v13.contains("\"arm,psci-1.0\", \"arm,psci-0.2\", \"arm,psci\"") && v13.contains("method = \"hvc\""), v13);
        String v01 = Arm64Discovery.deviceTree(Arm64Hypercalls.PSCI_0_1, "smc");
        assertTrue(v01.contains("cpu_on = <0x95c1ba60>") && v01.contains("method = \"smc\""), v01);
        assertTrue(ARCH.discovery().contains("0x8600ff01"));
        assertTrue(ARCH.docDifferences().size() >= 5);
    }
}
