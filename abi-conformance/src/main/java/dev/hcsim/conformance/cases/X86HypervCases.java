package dev.hcsim.conformance.cases;

import dev.hcsim.conformance.Invocation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Calls of x86's Hyper-V ABI as KVM answers them (arch/x86/kvm/hyperv.c {@code kvm_hv_hypercall}), for
 * {@code ConformanceKit.differentialOtherAbis}: Hyper-V on, the control word drawn from the call codes KVM knows with
 * the fields around them (include/asm-generic/hyperv-tlfs.h: the fast bit 16, a variable header of 0..3 banks in
 * 26:17, a rep count of 0..3 in 43:32, now and then a rep start in 59:48, or random bits above the code, reserved ones
 * included), shrinking toward the first code with nothing else set; in RCX in 64-bit mode and EDX:EAX otherwise
 * ({@code kvm_hv_hypercall}: {@code hc.param = ((u64)rdx << 32) | (rax & 0xffffffff)}).
 */
final class X86HypervCases {
    private X86HypervCases() {
    }

    /** The call codes KVM's switch knows (hyperv.c kvm_hv_hypercall), then codes it does not. */
    static final List<Long> CODES = List.of(0x2L, 0x3L, 0x8L, 0xbL, 0x13L, 0x14L, 0x15L, 0x5cL, 0x5dL, 0x69L, 0x6aL, 0x6bL, 0x8001L, 0x8041L,
            0x8042L, 0x0L, 0x1L);

    private static final Gen<Long> FIELDS = Generate.frequency(List.of(
            Pair.of(4, Generate.constant(0L)),
            Pair.of(4, SourceDSL.longs().between(0, 1).zip(SourceDSL.longs().between(0, 3), SourceDSL.longs().between(0, 3),
                    SourceDSL.longs().between(0, 1), (f, v, r, s) -> (f << 16) | (v << 17) | (r << 32) | (s << 48))),
            Pair.of(1, SourceDSL.longs().all().map(v -> v & ~0xffffL))));

    /**
     * A control word for {@code code}: the code with the fields above it.
     * @param in the randomness the generator draws from
     * @param code the call code (bits 15:0)
     * @return the control word
     */
    static long control(RandomnessSource in, long code) {
        return code | FIELDS.generate(in);
    }

    static Gen<Invocation> calls(Gen<Invocation> base) {
        Gen<Long> code = Generate.frequency(List.of(Pair.of(8, Generate.pick(CODES)), Pair.of(1, SourceDSL.longs().between(0, 0xffff))));
        return in -> {
            Invocation inv = base.generate(in);
            Map<String, Boolean> feats = new TreeMap<>(inv.features());
            feats.put("hyperv", true);
            Map<String, Long> regs = new LinkedHashMap<>(inv.registers());
            long control = control(in, code.generate(in));
            if ("64".equals(inv.options().getOrDefault("mode", "64"))) {
                regs.put("rcx", control);
            } else {
                regs.put("rax", control & 0xFFFF_FFFFL);
                regs.put("rdx", control >>> 32);
            }
            return new Invocation(inv.architecture(), inv.options(), feats, inv.vcpus(), inv.vcpu(), inv.off(), inv.seed(), inv.trap(), regs,
                    inv.memory(), inv.extraMemory());
        };
    }
}
