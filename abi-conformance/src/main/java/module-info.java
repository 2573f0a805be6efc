/**
 * hcsim's ABI conformance kit: generators over the contract data, the ABI properties, the
 * kernel-derived golden cases, and the differential runner that checks any {@link
 * dev.hcsim.conformance.TrapHandler} against hcsim's own model. Architectures contribute extra
 * cases through {@link dev.hcsim.conformance.spi.ArchitectureCases}.
 */
module dev.hcsim.conformance {
    requires transitive dev.hcsim.core;
    requires transitive quicktheories;
    requires transitive org.junit.jupiter.api;

    exports dev.hcsim.conformance;
    exports dev.hcsim.conformance.spi;

    uses dev.hcsim.conformance.spi.ArchitectureCases;

    provides dev.hcsim.conformance.spi.ArchitectureCases with
            dev.hcsim.conformance.cases.X86Cases,
            dev.hcsim.conformance.cases.S390Cases,
            dev.hcsim.conformance.cases.PpcCases,
            dev.hcsim.conformance.cases.MipsCases,
            dev.hcsim.conformance.cases.LoongArchCases,
            dev.hcsim.conformance.cases.Arm64Cases,
            dev.hcsim.conformance.cases.RiscvCases;
}
