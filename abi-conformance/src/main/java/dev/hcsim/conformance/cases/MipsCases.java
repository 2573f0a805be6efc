package dev.hcsim.conformance.cases;

import dev.hcsim.conformance.spi.ArchitectureCases;
import dev.hcsim.conformance.spi.Encoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** MIPS: HYPCALL with non-zero codes and its COP0 neighbours, in both byte orders. No privilege rule in KVM. */
public final class MipsCases implements ArchitectureCases {
    private static final String[][] WORDS = {
        {"42000828", "hypcall 1: non-zero code, KVM_EXIT_INTERNAL_ERROR (arch/mips/kvm/vz.c kvm_trap_vz_handle_hc)"},
        {"421ff828", "hypcall 0x3ff: the largest code"},
        {"42000020", "wait"},
        {"42000018", "eret"},
        {"42000008", "tlbp"},
        {"00000000", "nop"},
    };

    @Override
    public String architecture() {
        return "mips";
    }

    @Override
    public List<Encoding> neighbouringEncodings() {
        List<Encoding> out = new ArrayList<>();
        for (String[] w : WORDS) {
            String le = w[0].substring(6, 8) + w[0].substring(4, 6) + w[0].substring(2, 4) + w[0].substring(0, 2);
            out.add(new Encoding(w[0], Map.of("endian", "big"), w[1]));
            out.add(new Encoding(le, Map.of("endian", "little"), w[1] + ", little-endian"));
        }
        return out;
    }
}
