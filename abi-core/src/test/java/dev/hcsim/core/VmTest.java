package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.sched.SingleCall;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.HypercallTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VmTest {
    @Test
    @DisplayName("architectures are found by name or alias through ServiceLoader; an unknown one names the known")
    void lookup() {
        assertEquals("toy", Hcsim.architecture("TOY64").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hcsim.architecture("vax"));
        assertTrue(e.getMessage().contains("toy"));
    }

    @Test
    @DisplayName("a gated call answers not-implemented until its feature is on")
    void gating() {
        SingleCall.Result off = SingleCall.run(VmConfig.builder("toy").build(), 0, null, Map.of("r0", 9L), Map.of());
        assertEquals(Status.NOT_IMPLEMENTED, off.status());
        assertEquals("TOY_GATED", off.call());
        SingleCall.Result on = SingleCall.run(VmConfig.builder("toy").feature("gated", true).build(), 0, null, Map.of("r0", 9L), Map.of());
        assertEquals(1, on.after().get(0));
    }

    /** The toy with one more call, 10, whose handler forgets its status (a bug the engine must refuse). */
    private static final class ForgetfulToy implements dev.hcsim.core.spi.Architecture {
        private final ToyArchitecture toy = new ToyArchitecture();

        @Override public String name() { return toy.name(); }
        @Override public List<String> aliases() { return toy.aliases(); }
        @Override public String title() { return toy.title(); }
        @Override public RegisterLayout registers() { return toy.registers(); }
        @Override public TrapContract contract() { return toy.contract(); }
        @Override public String discovery() { return toy.discovery(); }
        @Override public StatusCodec status() { return toy.status(); }
        @Override public List<dev.hcsim.core.spi.FeatureSpec> features() { return toy.features(); }
        @Override public List<dev.hcsim.core.spi.OptionSpec> options() { return toy.options(); }
        @Override public java.nio.ByteOrder byteOrder(Map<String, String> o) { return toy.byteOrder(o); }
        @Override public dev.hcsim.core.spi.Codec codec(java.nio.ByteOrder b) { return toy.codec(b); }
        @Override public dev.hcsim.core.spi.ArchitectureVm attach(dev.hcsim.core.spi.VmContext vm) { return toy.attach(vm); }
        @Override public String defaultTrapInstruction(Map<String, String> o) { return toy.defaultTrapInstruction(o); }

        @Override
        public List<HypercallSpec> hypercalls() {
            List<HypercallSpec> all = new java.util.ArrayList<>(toy.hypercalls());
            all.add(HypercallSpec.builder(10, "TOY_NO_STATUS", t -> t.result(1, 7)).build());
            return all;
        }
    }

    @Test
    @DisplayName("a handler that returns to the guest with neither a status nor result 0 is refused, never answered SUCCESS; an exit needs none")
    void handlerWithoutStatus() {
        // Every KVM handler sets the guest's return value (arch/x86/kvm/x86.c kvm_emulate_hypercall's ret,
        // arch/arm64/kvm/hypercalls.c smccc_set_retval): a status-less return would be a silent 0 in r0.
        Vm vm = dev.hcsim.core.engine.Engine.create(new ForgetfulToy(), VmConfig.builder("toy").build());
        dev.hcsim.core.sched.Machine m = new dev.hcsim.core.sched.Machine(vm, "t");
        m.load(0x1000, new byte[] {1, 0});
        RegisterFile r = m.registers(0);
        r.pc(0x1000);
        r.set(0, 10);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> vm.trap(0, r, m.memory(), m));
        assertEquals("hypercall TOY_NO_STATUS returned to the guest without a status or result 0", e.getMessage());
        r.pc(0x1000);
        r.set(0, 6);
        assertEquals(Outcome.EXIT_TO_HOST, vm.trap(0, r, m.memory(), m).outcome());
    }

    @Test
    @DisplayName("explicit vCPU ids map both ways; duplicates are refused")
    void ids() {
        Vm vm = Vm.create(VmConfig.builder("toy").vcpus(3).vcpuIds(0x100, 7, 0x80000000_00000000L).build());
        assertEquals(2, vm.vcpuIndex(0x80000000_00000000L));
        assertEquals(0, vm.vcpuIndex(0x100));
        assertEquals(-1, vm.vcpuIndex(8));
        assertThrows(IllegalArgumentException.class, () -> Vm.create(VmConfig.builder("toy").vcpus(2).vcpuIds(1, 1).build()));
        assertThrows(IllegalArgumentException.class, () -> VmConfig.builder("toy").vcpus(0));
        assertThrows(IllegalArgumentException.class, () -> VmConfig.builder("toy").vcpus(10_000_000));
    }

    @Test
    @DisplayName("for all numbers: the hypercall table finds exactly the listed ones, without allocation-prone boxing")
    void table() {
        List<HypercallSpec> specs = List.of(HypercallSpec.builder(0x84000000L, "A", t -> { }).build(), HypercallSpec.builder(-1, "B", t -> { }).build(),
                HypercallSpec.builder(5, "C", t -> { }).build());
        HypercallTable table = HypercallTable.build(specs, s -> !s.name().equals("B"));
        assertEquals("A", table.lookup(0x84000000L).name());
        assertEquals("B", table.lookup(-1).name());
        assertTrue(!table.isOffered(-1));
        qt().withExamples(3000).forAll(longs().all()).checkAssert(n -> {
            if (n != 0x84000000L && n != -1 && n != 5) {
                assertNull(table.lookup(n));
            }
        });
        assertThrows(IllegalArgumentException.class, () -> HypercallTable.build(List.of(specs.get(2), HypercallSpec.builder(5, "D", t -> { }).build()), s -> true));
    }

    @Test
    @DisplayName("the zero register stays zero")
    void zeroRegister() {
        RegisterFile r = new RegisterFile(ToyArchitecture.LAYOUT);
        r.set("zero", 5);
        assertEquals(0, r.get("zero"));
    }

    @Test
    @DisplayName("the assembler resolves labels both ways, lays out data directives, and reports errors with the line")
    void assembler() {
        var p = Assembler.assemble(ToyArchitecture.CODEC, "start: nop\njmp end # forward\n.byte 1, 2\n.balign 8\nend: jmp start", 0x10);
        assertEquals(0x18L, p.labels().get("end"));
        assertEquals("000004060102000004f8", Bytes.hex(p.bytes()));
        AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble(ToyArchitecture.CODEC, "nop\nnop\njmp nowhere", 0));
        assertEquals(3, e.line());
        assertThrows(AsmException.class, () -> Assembler.assemble(ToyArchitecture.CODEC, "a: nop\na: nop", 0));
    }

    @Test
    @DisplayName("GNU local labels: N: may be redefined, Nb is the latest definition before, Nf the next after (gas manual, Local Labels)")
    void localLabels() {
        // same program with ordinary labels: the bytes must be equal
        var local = Assembler.assemble(ToyArchitecture.CODEC, "1: nop\njmp 1f\n1: nop; jmp 1b\n2: 1: jmp 1b; jmp 2b", 0);
        var named = Assembler.assemble(ToyArchitecture.CODEC, "a: nop\njmp b\nb: nop; jmp b\nc: d: jmp d; jmp c", 0);
        assertEquals(Bytes.hex(named.bytes()), Bytes.hex(local.bytes()));
        assertTrue(local.labels().isEmpty(), "local labels stay out of the symbol table: " + local.labels());
        assertEquals("1:", local.listing().get(0).source(), "the listing shows the label as written");
        assertEquals("jmp 1f", local.listing().get(2).source(), "and the statement as written");
        AsmException back = assertThrows(AsmException.class, () -> Assembler.assemble(ToyArchitecture.CODEC, "nop\njmp 1b\n1: nop", 0));
        assertEquals(2, back.line());
        assertTrue(back.getMessage().contains("undefined local label 1b (no 1: before it)"), back.getMessage());
        AsmException fwd = assertThrows(AsmException.class, () -> Assembler.assemble(ToyArchitecture.CODEC, "1: nop\njmp 1f", 0));
        assertTrue(fwd.getMessage().contains("undefined local label 1f (no 1: after it)"), fwd.getMessage());
        // numbers that are not references stay numbers: 0x1f, .byte 1, a label named a1b
        var nums = Assembler.assemble(ToyArchitecture.CODEC, "a1b: .byte 0x1f, 1\njmp a1b", 0);
        assertEquals("1f01", Bytes.hex(nums.bytes()).substring(0, 4));
    }

    @Test
    @DisplayName("numbers parse as decimal, negative decimal, 0x-hex and 0b-binary; garbage is a clear error")
    void numbers() {
        assertEquals(-1L, Bytes.parseNumber("0xffffffffffffffff"));
        assertEquals(-5L, Bytes.parseNumber("-5"));
        assertEquals(5L, Bytes.parseNumber("0b101"));
        assertEquals(-1L, Bytes.parseNumber("18446744073709551615"));
        assertThrows(IllegalArgumentException.class, () -> Bytes.parseNumber("12abc"));
        assertThrows(IllegalArgumentException.class, () -> Bytes.parseNumber("0x1ffffffffffffffff"));
    }
}
