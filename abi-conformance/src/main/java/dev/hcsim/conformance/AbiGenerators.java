package dev.hcsim.conformance;

import dev.hcsim.conformance.spi.Encoding;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.SingleCall;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.OptionSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * QuickTheories generators built only from an architecture's data (registers, contract, hypercall
 * list, options, trap instruction), so they work for every architecture {@code Hcsim} finds, plus
 * what its {@link dev.hcsim.conformance.spi.ArchitectureCases} providers add. Every generator is
 * composed from QuickTheories' own, so a failing case shrinks: numbers toward the first documented
 * one, register values toward 0, options toward their defaults, the trap toward the native form.
 */
public final class AbiGenerators {
    /** Where generated pointers and preloaded blocks go: inside the default 64 KiB, clear of the trap at the entry. */
    static final long DATA_BASE = 0x4000;
    static final long DATA_END = 0xF000;

    private AbiGenerators() {
    }

    /**
     * Option values, each shrinking toward the architecture's default; numeric options keep their default; never a
     * value of {@link dev.hcsim.conformance.spi.ArchitectureCases#otherAbiSwitches()}.
     * @param arch the architecture whose declared options are drawn
     * @return a generator of option maps (name to value)
     */
    public static Gen<Map<String, String>> options(Architecture arch) {
        List<Gen<String>> each = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (OptionSpec o : arch.options()) {
            List<String> others = o.allowed().stream().filter(v -> !v.equals(o.defaultValue()))
                    .filter(v -> !Providers.otherAbiSwitches(arch.name()).contains(o.name() + "=" + v)).toList();
            names.add(o.name());
            // Mostly the default, so that a VM with many options still often runs in the kernel's default configuration.
            each.add(others.isEmpty() ? Generate.constant(o.defaultValue())
                    : Generate.frequency(List.of(org.quicktheories.api.Pair.of(3, Generate.constant(o.defaultValue())),
                            org.quicktheories.api.Pair.of(1, Generate.pick(others)))));
        }
        return in -> {
            Map<String, String> out = new TreeMap<>();
            for (int i = 0; i < each.size(); i++) {
                String v = each.get(i).generate(in);
                if (!v.equals(arch.options().get(i).defaultValue())) {
                    out.put(names.get(i), v);
                }
            }
            return out;
        };
    }

    /**
     * Feature switches: mostly none (the kernel's defaults), else one feature flipped against its default; never one
     * of {@link dev.hcsim.conformance.spi.ArchitectureCases#otherAbiSwitches()}.
     * @param arch the architecture whose features are drawn
     * @return a generator of feature maps (name to on/off)
     */
    public static Gen<Map<String, Boolean>> features(Architecture arch) {
        List<dev.hcsim.core.spi.FeatureSpec> all = arch.features().stream()
                .filter(f -> !Providers.otherAbiSwitches(arch.name()).contains(f.name())).toList();
        if (all.isEmpty()) {
            return Generate.constant(Map.of());
        }
        Gen<Map<String, Boolean>> one = Generate.pick(all).map(f -> Map.of(f.name(), !f.defaultOn()));
        return Generate.frequency(List.of(org.quicktheories.api.Pair.of(3, Generate.constant(Map.<String, Boolean>of())),
                org.quicktheories.api.Pair.of(1, one)));
    }

    /**
     * Hypercall numbers: mostly documented ones (shrinking toward the first), then numbers no call
     * has, documented numbers with garbage in the bits a 32-bit number register ignores, and small values.
     * @param arch the architecture whose hypercall table is used
     * @return a generator of values for the number register
     */
    public static Gen<Long> numbers(Architecture arch) {
        List<Long> documented = arch.hypercalls().stream().map(HypercallSpec::number).distinct().toList();
        Gen<Long> known = documented.isEmpty() ? SourceDSL.longs().between(0, 16) : Generate.pick(documented);
        Gen<Long> upper = known.zip(SourceDSL.longs().all(), (n, g) -> n | (g << 32));
        Gen<Long> unknown = SourceDSL.longs().all().assuming(n -> documented.stream().noneMatch(d -> d.longValue() == n));
        return Generate.frequency(List.of(
                org.quicktheories.api.Pair.of(6, known),
                org.quicktheories.api.Pair.of(2, unknown),
                org.quicktheories.api.Pair.of(1, upper),
                org.quicktheories.api.Pair.of(1, SourceDSL.longs().between(0, 0x1000))));
    }

    /**
     * Register values: small numbers, pointers into guest memory (and into the extra regions), pointers outside it, all
     * ones, anything.
     * @return a generator of 64-bit register values
     */
    public static Gen<Long> values() {
        return Generate.frequency(List.of(
                org.quicktheories.api.Pair.of(3, SourceDSL.longs().between(0, 16)),
                org.quicktheories.api.Pair.of(3, SourceDSL.longs().between(DATA_BASE / 8, DATA_END / 8).map(v -> v * 8)),
                org.quicktheories.api.Pair.of(1, SourceDSL.longs().between(0x10000, 0x100000)),
                org.quicktheories.api.Pair.of(1, Generate.pick(EXTRA_BASES).zip(SourceDSL.longs().between(0, 0x1000), (b, o) -> b + o * 8)),
                org.quicktheories.api.Pair.of(1, Generate.constant(-1L)),
                org.quicktheories.api.Pair.of(2, SourceDSL.longs().all())));
    }

    /** The trap instructions for a VM: the native one first (where shrinking goes), then each neighbouring encoding that fits its options. */
    static List<byte[]> traps(Vm vm) {
        List<byte[]> out = new ArrayList<>();
        out.add(SingleCall.instructionBytes(vm, null));
        for (Encoding e : Providers.encodings(vm.architecture().name())) {
            if (e.options().entrySet().stream().allMatch(o -> o.getValue().equals(vm.options().get(o.getKey())))) {
                out.add(Bytes.parseHex(e.hex()));
            }
        }
        return out;
    }

    /** Where extra guest memory goes: above the default 64 KiB, below and above 4 GiB. */
    static final List<Long> EXTRA_BASES = List.of(0x2_0000L, 0x10_0000L, 0x7FFF_0000L, 0x1_0000_0000L);

    /**
     * Memory layouts: mostly the default 64 KiB at 0 alone, else one more region of 4 KiB to 64 KiB at
     * one of {@link #EXTRA_BASES} (the values of {@link #values()} point into it).
     * @return a generator of the extra regions (empty for the default layout)
     */
    public static Gen<List<dev.hcsim.core.MemoryRegion>> layouts() {
        Gen<List<dev.hcsim.core.MemoryRegion>> one = Generate.pick(EXTRA_BASES).zip(Generate.pick(List.of(0x1000L, 0x4000L, 0x10000L)),
                (base, size) -> List.of(new dev.hcsim.core.MemoryRegion(base, size)));
        return Generate.frequency(List.of(org.quicktheories.api.Pair.of(3, Generate.constant(List.<dev.hcsim.core.MemoryRegion>of())),
                org.quicktheories.api.Pair.of(1, one)));
    }

    /**
     * Preloaded guest memory: up to two blocks of 8 to 64 random bytes at 8-aligned addresses inside
     * the VM (the data the pointer values above land on).
     * @return a generator of guest physical address to bytes maps
     */
    public static Gen<Map<Long, byte[]>> memory() {
        Gen<byte[]> block = Generate.byteArrays(SourceDSL.integers().between(8, 64), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
        Gen<Long> where = SourceDSL.longs().between(DATA_BASE / 8, (DATA_END - 64) / 8).map(v -> v * 8);
        Gen<Integer> count = SourceDSL.integers().between(0, 2);
        return in -> {
            Map<Long, byte[]> out = new TreeMap<>();
            int n = count.generate(in);
            for (int i = 0; i < n; i++) {
                out.put(where.generate(in), block.generate(in));
            }
            return out;
        };
    }

    /**
     * Single hypercalls of {@code arch}: options, 1 to 4 vCPUs, the calling vCPU, the others halted or
     * (one in three) powered off, the native trap
     * or a neighbouring encoding, a number from {@link #numbers}, arguments and the other general
     * registers from {@link #values}, control registers at their reset value or a small change of it,
     * and preloaded memory.
     * @param arch the architecture the calls are made on
     * @return a generator of single calls
     */
    public static Gen<Invocation> calls(Architecture arch) {
        return calls(arch, true, true);
    }

    /**
     * Like {@link #calls(Architecture)}: with only the native trap instruction when {@code neighbours}
     * is false, and with control registers at their reset values when {@code controls} is false.
     * @param arch the architecture the calls are made on
     * @param neighbours whether neighbouring trap encodings are drawn too
     * @param controls whether control registers are varied
     * @return a generator of single calls
     */
    public static Gen<Invocation> calls(Architecture arch, boolean neighbours, boolean controls) {
        Gen<Map<String, String>> options = options(arch);
        Gen<Map<String, Boolean>> features = features(arch);
        Gen<Integer> vcpus = SourceDSL.integers().between(1, 4);
        Gen<Long> numbers = numbers(arch);
        Gen<Long> values = values();
        Gen<Map<Long, byte[]>> memory = memory();
        Gen<List<dev.hcsim.core.MemoryRegion>> layouts = layouts();
        Gen<Boolean> changeControl = Generate.frequency(List.of(org.quicktheories.api.Pair.of(3, Generate.constant(false)),
                org.quicktheories.api.Pair.of(1, Generate.constant(true))));
        Gen<Integer> bit = SourceDSL.integers().between(0, 63);
        Gen<Boolean> powerOff = Generate.frequency(List.of(org.quicktheories.api.Pair.of(2, Generate.constant(false)),
                org.quicktheories.api.Pair.of(1, Generate.constant(true))));
        Gen<Boolean> nativeTrap = Generate.frequency(List.of(org.quicktheories.api.Pair.of(3, Generate.constant(true)),
                org.quicktheories.api.Pair.of(1, Generate.constant(false))));
        TrapContract contract = arch.contract();
        RegisterLayout layout = arch.registers();
        Map<String, Long> magic = Providers.magic(arch.name());
        Gen<Boolean> useMagic = Generate.frequency(List.of(org.quicktheories.api.Pair.of(4, Generate.constant(true)),
                org.quicktheories.api.Pair.of(1, Generate.constant(false))));
        Gen<Invocation> gen = in -> {
            Map<String, String> opts = options.generate(in);
            Map<String, Boolean> feats = features.generate(in);
            int n = vcpus.generate(in);
            int vcpu = SourceDSL.integers().between(0, n - 1).generate(in);
            java.util.Set<Integer> off = new java.util.TreeSet<>();
            for (int i = 0; i < n; i++) {
                if (i != vcpu && powerOff.generate(in)) {
                    off.add(i);
                }
            }
            Vm vm = Vm.create(config(arch, opts, feats, n));
            List<byte[]> traps = traps(vm);
            byte[] trap = traps.get(0);
            if (neighbours && traps.size() > 1 && !nativeTrap.generate(in)) {
                trap = Generate.pick(traps.subList(1, traps.size())).generate(in);
            }
            RegisterFile reset = new RegisterFile(layout);
            vm.resetVcpu(vcpu, reset);
            Map<String, Long> regs = new LinkedHashMap<>();
            for (RegisterLayout.Register r : layout.all()) {
                if (r.index() == layout.zeroRegister()) {
                    continue;
                }
                long v;
                if (r.kind() == RegisterLayout.Kind.CONTROL) {
                    // Control state comes from the options' reset; a case names a control register only to change it.
                    if (!controls || !changeControl.generate(in)) {
                        continue;
                    }
                    v = reset.get(r.index()) ^ (1L << (bit.generate(in) % Math.max(1, r.width())));
                } else if (magic.containsKey(r.name()) && useMagic.generate(in)) {
                    v = magic.get(r.name());
                } else if (r.index() == contract.numberRegister()) {
                    v = numbers.generate(in);
                } else {
                    v = values.generate(in);
                }
                regs.put(r.name(), v);
            }
            return new Invocation(arch.name(), opts, feats, n, vcpu, off, 0, trap, regs, memory.generate(in), layouts.generate(in));
        };
        return gen.describedAs(Invocation::commandLine);
    }

    /**
     * Calls whose trap instruction is any bytes at all (as long as the architecture's longest
     * instruction): what a handler must survive, and answer as hcsim does, when an emulator traps on a
     * word that is no hypercall.
     * @param arch the architecture the calls are made on
     * @return a generator of calls with arbitrary trap bytes
     */
    public static Gen<Invocation> anyTrapBytes(Architecture arch) {
        int length = Engine.context(Vm.create(VmConfig.builder(arch.name()).build())).codec().maxLength();
        return calls(arch, false, true).zip(words(length), Invocation::withTrap).describedAs(Invocation::commandLine);
    }

    /**
     * What the differential check feeds a handler: the calls of {@link #calls(Architecture)}, the same
     * with every non-input register poisoned (as {@link AbiRelations#poisoning} does), calls on any trap
     * bytes ({@link #anyTrapBytes}), and calls by an
     * unprivileged caller for each of the architecture's privilege rules, so that a handler is compared
     * with hcsim on the inputs every property looks at.
     * @param arch the architecture the calls are made on
     * @return a generator of the calls {@link ConformanceKit#differential} compares
     */
    public static Gen<Invocation> variants(Architecture arch) {
        List<org.quicktheories.api.Pair<Integer, Gen<Invocation>>> mix = new ArrayList<>();
        mix.add(org.quicktheories.api.Pair.of(4, calls(arch)));
        mix.add(org.quicktheories.api.Pair.of(1, calls(arch, false, true).zip(Generate.booleans(),
                (inv, a) -> AbiRelations.poison(inv, a ? AbiRelations.POISON_A : AbiRelations.POISON_B))));
        mix.add(org.quicktheories.api.Pair.of(1, anyTrapBytes(arch)));
        List<dev.hcsim.conformance.spi.PrivilegeRule> rules = Providers.privilegeRules(arch.name());
        if (!rules.isEmpty()) {
            mix.add(org.quicktheories.api.Pair.of(1, calls(arch, false, false).zip(Generate.pick(rules), AbiRelations::unprivileged)));
        }
        Gen<Invocation> gen = Generate.frequency(mix);
        return gen.describedAs(Invocation::commandLine);
    }

    /**
     * Calls of the other ABIs the architecture's trap instruction reaches first ({@link Architecture#otherAbis}: x86's
     * Xen and Hyper-V), each ABI as likely as the others. An ABI whose provider gives a generator
     * ({@link dev.hcsim.conformance.spi.ArchitectureCases#otherAbiCalls()}: x86's draws Xen's and Hyper-V's own
     * registers, VM state and structures) uses it; any other gets {@link #familyCalls}.
     * @param arch the architecture the calls are made on
     * @return a generator of such calls, or null when the architecture has no other ABI
     */
    public static Gen<Invocation> otherAbiCalls(Architecture arch) {
        List<dev.hcsim.core.spi.AbiFamily> families = arch.otherAbis();
        if (families.isEmpty()) {
            return null;
        }
        Gen<Invocation> base = calls(arch, false, false);
        List<org.quicktheories.api.Pair<Integer, Gen<Invocation>>> each = new ArrayList<>();
        for (dev.hcsim.core.spi.AbiFamily f : families) {
            dev.hcsim.conformance.spi.OtherAbiCalls own = Providers.otherAbiCalls(arch.name(), f.feature());
            each.add(org.quicktheories.api.Pair.of(1, own != null ? own.from().apply(base) : familyCalls(f, base)));
        }
        Gen<Invocation> gen = Generate.frequency(each);
        return gen.describedAs(Invocation::commandLine);
    }

    /**
     * The generic calls of another ABI, from its data alone: {@code base}'s calls with the family's feature on and its
     * selector register holding one of its call codes (shrinking toward the first), now and then an unknown code.
     * @param family the ABI
     * @param base the generic calls of the architecture
     * @return a generator of the family's calls
     */
    public static Gen<Invocation> familyCalls(dev.hcsim.core.spi.AbiFamily family, Gen<Invocation> base) {
        List<Long> codes = family.calls().stream().map(dev.hcsim.core.spi.AbiFamily.Call::number).toList();
        Gen<Long> code = Generate.frequency(List.of(org.quicktheories.api.Pair.of(8, Generate.pick(codes)),
                org.quicktheories.api.Pair.of(1, SourceDSL.longs().between(0, 0xffff))));
        return base.zip(code, (inv, c) -> {
            Map<String, Boolean> feats = new TreeMap<>(inv.features());
            feats.put(family.feature(), true);
            Map<String, Long> regs = new LinkedHashMap<>(inv.registers());
            regs.put(family.selectorRegister(), c);
            return new Invocation(inv.architecture(), inv.options(), feats, inv.vcpus(), inv.vcpu(), inv.off(), inv.seed(), inv.trap(), regs,
                    inv.memory(), inv.extraMemory());
        });
    }

    static VmConfig config(Architecture arch, Map<String, String> options, Map<String, Boolean> features, int vcpus) {
        VmConfig.Builder b = VmConfig.builder(arch.name()).vcpus(vcpus);
        options.forEach(b::option);
        features.forEach(b::feature);
        return b.build();
    }

    /**
     * Any bytes, {@code length} of them: for decoder totality and the round trip.
     * @param length how many bytes each array has
     * @return a generator of byte arrays of that length
     */
    public static Gen<byte[]> words(int length) {
        return Generate.byteArrays(Generate.constant(length), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
    }

    /**
     * Multi-vCPU machines: 1 to 4 vCPUs on 1 to 3 physical CPUs, a quantum of 1 to 20 instructions,
     * any seed, 1 to 4 native traps per vCPU, each vCPU's registers from {@link #calls}.
     * @param arch the architecture the machines run
     * @return a generator of machine cases for the determinism property
     */
    public static Gen<MachineCase> machines(Architecture arch) {
        Gen<Invocation> call = calls(arch, false, false);
        Gen<Integer> vcpus = SourceDSL.integers().between(1, 4);
        Gen<Integer> pcpus = SourceDSL.integers().between(1, 3);
        Gen<Long> quantum = SourceDSL.longs().between(1, 20);
        Gen<Integer> traps = SourceDSL.integers().between(1, 4);
        Gen<Long> seeds = SourceDSL.longs().all();
        Gen<MachineCase> gen = in -> {
            Invocation first = call.generate(in);
            int n = vcpus.generate(in);
            List<Map<String, Long>> regs = new ArrayList<>();
            regs.add(first.registers());
            for (int i = 1; i < n; i++) {
                regs.add(call.generate(in).registers());
            }
            return new MachineCase(arch.name(), first.options(), first.features(), pcpus.generate(in), quantum.generate(in), seeds.generate(in), first.trap(),
                    traps.generate(in), regs);
        };
        return gen.describedAs(MachineCase::toString);
    }
}
