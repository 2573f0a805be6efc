/**
 * hcsim's s390x (z/Architecture) module: DIAGNOSE 0x500 and the other KVM diagnose codes, SIGP,
 * STSI 3.2.2 discovery and a small big-endian guest instruction subset.
 */
module dev.hcsim.arch.s390 {
    requires transitive dev.hcsim.core;

    exports dev.hcsim.arch.s390;

    provides dev.hcsim.core.spi.Architecture with dev.hcsim.arch.s390.S390Architecture;
}
