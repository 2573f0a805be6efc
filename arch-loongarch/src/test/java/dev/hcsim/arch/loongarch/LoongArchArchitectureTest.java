package dev.hcsim.arch.loongarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.TrapContract;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.FeatureSpec;
import dev.hcsim.core.spi.HypercallSpec;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The provider's data: registration, contract shape, features with the kernel's defaults, options. */
class LoongArchArchitectureTest {
    @Test
    @DisplayName("registered through ServiceLoader as loongarch, with aliases loongarch64, la64, loong64")
    void registered() {
        for (String n : List.of("loongarch", "LoongArch64", "la64", "loong64")) {
            assertEquals(LoongArchArchitecture.class, Architectures.named(n).getClass());
        }
        Architecture a = Architectures.named("loongarch");
        assertEquals(ByteOrder.LITTLE_ENDIAN, a.byteOrder(Map.of()));
        assertSame(LoongArchCodec.INSTANCE, a.codec(ByteOrder.LITTLE_ENDIAN));
        assertEquals("hvcl 0x100", a.defaultTrapInstruction(Map.of()));
    }

    @Test
    @DisplayName("contract (hypercalls.rst, asm/kvm_para.h): number a0 as 64 bits, arguments a1..a5, result a0, everything else preserved")
    void contract() {
        TrapContract c = LoongArchContract.CONTRACT;
        assertEquals(LoongArchRegisters.A0, c.numberRegister());
        assertEquals(64, c.numberBits());
        assertEquals(List.of("a1", "a2", "a3", "a4", "a5"), c.names(c.argumentRegisters()));
        assertEquals(List.of("a0"), c.names(c.resultRegisters()));
        assertEquals(TrapContract.UnsetResults.UNCHANGED, c.unsetResults());
        assertEquals(30, c.preservedRegisters().length, "r1..r31 but a0");
        assertFalse(c.narrowTruncatesArguments());
        assertTrue(c.privilegeRule().startsWith("none"));
    }

    @Test
    @DisplayName("register names: a0 = r4 = v0, fp = r22 = s9, r21 = x = u0, zero is hard-wired, plv is a control register")
    void registers() {
        var l = LoongArchRegisters.LAYOUT;
        assertEquals(4, l.indexOf("$r4"));
        assertEquals(4, l.indexOf("v0"));
        assertEquals(22, l.indexOf("s9"));
        assertEquals(21, l.indexOf("$x"));
        assertEquals(0, l.zeroRegister());
        assertEquals(LoongArchRegisters.PLV, l.indexOf("plv"));
    }

    @Test
    @DisplayName("vm.c kvm_vm_init_features: ipi, steal-time and preempt on by default; virt-extioi and user-hcall are VMM-set only")
    void featureDefaults() {
        Map<String, Boolean> d = new java.util.LinkedHashMap<>();
        for (FeatureSpec f : new LoongArchArchitecture().features()) {
            d.put(f.name(), f.defaultOn());
        }
        assertEquals(Map.of("ipi", true, "steal-time", true, "preempt", true, "virt-extioi", false, "user-hcall", false), d);
    }

    @Test
    @DisplayName("the hypercall table: 1 KVM_HCALL_FUNC_IPI gated by ipi, 2 KVM_HCALL_FUNC_NOTIFY gated by steal-time; v7 offers only IPI")
    void table() {
        List<HypercallSpec> all = new LoongArchArchitecture().hypercalls();
        assertEquals(List.of(1L, 2L), all.stream().map(HypercallSpec::number).toList());
        assertEquals(List.of("ipi", "steal-time"), all.stream().map(HypercallSpec::feature).toList());
        Vm merged = Vm.create(VmConfig.builder("loongarch").build());
        assertTrue(Engine.context(merged).hypercalls().isOffered(1) && Engine.context(merged).hypercalls().isOffered(2));
        Vm v7 = Vm.create(VmConfig.builder("loongarch").option("variant", "v7").feature("ipi", false).build());
        assertTrue(Engine.context(v7).hypercalls().isOffered(1));
        assertFalse(Engine.context(v7).hypercalls().isOffered(2));
        Vm off = Vm.create(VmConfig.builder("loongarch").feature("ipi", false).feature("steal-time", false).build());
        assertFalse(Engine.context(off).hypercalls().isOffered(1) || Engine.context(off).hypercalls().isOffered(2));
    }

    @Test
    @DisplayName("options: a bad variant or guest-debug value is a clear error, not a VM")
    void badOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vm.create(VmConfig.builder("loongarch").option("variant", "v6").build()));
        assertTrue(e.getMessage().contains("merged | v7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vm.create(VmConfig.builder("loongarch").option("guest-debug", "hw").build()));
    }
}
