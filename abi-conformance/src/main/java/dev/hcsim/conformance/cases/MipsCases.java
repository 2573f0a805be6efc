package dev.hcsim.conformance.cases;

import dev.hcsim.conformance.spi.ArchitectureCases;
import dev.hcsim.conformance.spi.Encoding;
import java.util.List;

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
        return Words.bothOrders(WORDS);
    }
}
